// Acceptance: node-sip registers with the SHA-256 challenge; 50 bindings survive kill -9.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE_ADDRESS, startNodeSipPhone, type NodeSipPhone } from './helpers/node-sip-phone.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort } from './helpers/ports.js';

const DOMAIN = '127.0.0.1';
const COUNT = 50;

describe('registrations survive a crash', () => {
  let server: HailingProcess | undefined;
  let phone: NodeSipPhone | undefined;
  after(async () => {
    phone?.close();
    await server?.kill('SIGKILL');
  });

  it('node-sip answers the SHA-256 challenge (RFC 7616, RFC 8760) and is registered', async () => {
    server = await startHailing();
    phone = startNodeSipPhone(await freePort(PHONE_ADDRESS));
    const created = await server.api('POST', '/api/v1/extensions', { number: '3000', password: 'pw-3000-secret', displayName: 'n' });
    assert.equal(created.status, 201);
    const r: { status: number; offered: string[] } = await phone.register({ user: '3000', password: 'pw-3000-secret', domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, algorithm: 'SHA-256' });
    assert.deepEqual(r.offered, ['SHA-256', 'MD5'], 'RFC 8760 §2.4: both offered, most preferred first');
    assert.equal(r.status, 200);
    const wrong = await phone.register({ user: '3000', password: 'not-the-password', domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, algorithm: 'SHA-256' });
    assert.equal(wrong.status, 401);
  });

  it(`register ${COUNT} bindings, kill -9 the server, start it: all ${COUNT} are listed`, async () => {
    assert.ok(server && phone);
    for (let i = 1; i < COUNT; i++) {
      const r: { status: number } = await server.api('POST', '/api/v1/extensions', { number: String(3000 + i), password: `pw-${3000 + i}-secret`, displayName: 'n' });
      assert.equal(r.status, 201);
    }
    const target = { host: '127.0.0.1', port: server.ports.sip };
    const results = await Promise.all(
      Array.from({ length: COUNT - 1 }, (_, k) => {
        const n = String(3001 + k);
        return phone!.register({ user: n, password: `pw-${n}-secret`, domain: DOMAIN, server: target, algorithm: k % 2 ? 'MD5' : 'SHA-256' });
      }),
    );
    assert.deepEqual(results.map((r) => r.status), Array(COUNT - 1).fill(200));
    const before = await server.api<{ items: { aor: string }[] }>('GET', '/api/v1/registrations');
    assert.equal(before.body.items.length, COUNT);

    // The moment the last 200 OK arrived, kill -9: no graceful flush happens.
    assert.equal(await server.kill('SIGKILL'), null);
    server = await startHailing({ dataDir: server.dataDir, ports: server.ports });
    const afterRestart = await server.api<{ items: { aor: string; contact: string; transport: string }[] }>('GET', '/api/v1/registrations');
    assert.equal(afterRestart.status, 200);
    const aors = afterRestart.body.items.map((b) => b.aor).sort();
    assert.deepEqual(aors, Array.from({ length: COUNT }, (_, i) => `sip:${3000 + i}@${DOMAIN}`).sort());
    assert.ok(afterRestart.body.items.every((b) => b.transport === 'udp' && b.contact.includes(`:${phone!.port}`)));
  });
});
