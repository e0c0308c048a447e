// Acceptance: a real SIP phone (baresip, Debian baresip-core) registers with Hailing over UDP, TCP
// and TLS, shows in GET /api/v1/registrations, unregisters, and a wrong password is refused and,
// repeated, banned.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startPhone, type Phone } from './helpers/baresip.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';

interface Registration {
  aor: string;
  contact: string;
  transport: string;
  sourceAddress: string;
  userAgent?: string;
  expiresIn: number;
}

const DOMAIN = '127.0.0.1';

async function registrationsOf(server: HailingProcess, aor: string): Promise<Registration[]> {
  const r = await server.api<{ items: Registration[] }>('GET', '/api/v1/registrations');
  assert.equal(r.status, 200);
  return r.body.items.filter((b) => b.aor === aor);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('baresip registers with Hailing', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];

  before(async () => {
    server = await startHailing();
    for (const n of ['1001', '1002', '1003']) {
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });

  after(async () => {
    await Promise.all(phones.map((p) => p.kill()));
    await server?.kill();
  });

  const cases = [
    { user: '1001', transport: 'udp' as const },
    { user: '1002', transport: 'tcp' as const },
    { user: '1003', transport: 'tls' as const },
  ];
  for (const c of cases) {
    it(`registers over ${c.transport.toUpperCase()}, is listed with its flow, and unregisters`, async () => {
      const port = c.transport === 'tls' ? server.ports.tls : server.ports.sip;
      const phone = await startPhone({
        user: c.user,
        password: `secret-${c.user}`,
        domain: DOMAIN,
        server: { host: '127.0.0.1', port },
        transport: c.transport,
        caFile: path.join(server.dataDir, 'tls', 'selfsigned-cert.pem'),
      });
      phones.push(phone);
      await phone.waitFor(/200 OK.*\[1 binding\]/);
      const aor = `sip:${c.user}@${DOMAIN}`;
      const binding = await until('the binding', async () => (await registrationsOf(server, aor))[0]);
      assert.equal(binding.transport, c.transport);
      assert.equal(binding.sourceAddress, '127.0.0.1');
      assert.match(binding.userAgent ?? '', /baresip/);
      assert.ok(binding.expiresIn > 500 && binding.expiresIn <= 600, `expiresIn ${binding.expiresIn}`);
      assert.ok(binding.contact.includes(`${c.user}-`), binding.contact);

      await phone.stop(); // baresip sends REGISTER with expires=0 on SIGTERM
      await until('the unregistration', async () => ((await registrationsOf(server, aor)).length === 0 ? true : undefined));
    });
  }
});

describe('wrong credentials from baresip', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];

  before(async () => {
    server = await startHailing({ env: { HAILING_BAN_MAX_FAILURES: '5' } });
    const r = await server.api('POST', '/api/v1/extensions', { number: '2001', password: 'right-password', displayName: 'x' });
    assert.equal(r.status, 201);
  });

  after(async () => {
    await Promise.all(phones.map((p) => p.kill()));
    await server?.kill();
  });

  const phone = async (password: string, listenAddress: string) => {
    const p = await startPhone({
      user: '2001',
      password,
      domain: DOMAIN,
      server: { host: '127.0.0.1', port: server.ports.sip },
      transport: 'udp',
      listenAddress,
    });
    phones.push(p);
    return p;
  };

  it('refuses a wrong password, and bans the source after 5 failures while other sources still register', async () => {
    // baresip answers each 401 with a fresh attempt, so one phone with a wrong password keeps
    // failing until the source is banned.
    const wrong = await phone('wrong-password', '127.0.0.3');
    const metricsText = () => fetch(`${server.baseUrl}/metrics`).then((r) => r.text());
    const metrics = await until('the ban', async () => {
      const text = await metricsText();
      return /^hailing_security_bans_total 1$/m.test(text) ? text : undefined;
    });
    assert.match(metrics, /^hailing_auth_failures_total 5$/m);
    assert.doesNotMatch(wrong.output(), /200 OK/);
    assert.equal((await registrationsOf(server, `sip:2001@${DOMAIN}`)).length, 0);
    await wrong.kill();

    // Banned: even the right password from 127.0.0.3 gets no answer at all.
    const banned = await phone('right-password', '127.0.0.3');
    await new Promise((r) => setTimeout(r, 3000));
    assert.doesNotMatch(banned.output(), /200 OK|401|403/);
    assert.equal((await registrationsOf(server, `sip:2001@${DOMAIN}`)).length, 0);
    await banned.kill();

    // Another source is not affected.
    const good = await phone('right-password', '127.0.0.4');
    await good.waitFor(/200 OK.*\[1 binding\]/);
    const [b] = await registrationsOf(server, `sip:2001@${DOMAIN}`);
    assert.equal(b?.sourceAddress, '127.0.0.4');
  });
});
