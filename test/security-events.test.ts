// Acceptance: a request flood from one source is rate limited, and the security event lands in
// the metrics and in the hash-chained audit log of the real database file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';

const FLOODER = '127.0.0.88';

function options(serverPort: number, i: number): Buffer {
  return Buffer.from(
    [
      `OPTIONS sip:127.0.0.1:${serverPort} SIP/2.0`,
      `Via: SIP/2.0/UDP ${FLOODER}:5070;branch=z9hG4bK-flood-${i};rport`,
      'Max-Forwards: 70',
      `From: <sip:flood@${FLOODER}>;tag=f${i}`,
      'To: <sip:127.0.0.1>',
      `Call-ID: flood-${i}@${FLOODER}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

describe('flood protection', () => {
  let server: HailingProcess;
  before(async () => {
    server = await startHailing({ env: { HAILING_RATE_LIMIT_PER_SECOND: '20', HAILING_RATE_LIMIT_BURST: '40' } });
  });
  after(async () => {
    await server?.kill('SIGKILL');
  });

  it('answers a burst within the limit and drops the rest of a flood; metrics and the audit log record it', async () => {
    const sock = dgram.createSocket('udp4');
    let answered = 0;
    sock.on('message', () => answered++);
    await new Promise<void>((r) => sock.bind(0, FLOODER, () => r()));
    const SENT = 300;
    for (let i = 0; i < SENT; i++) sock.send(options(server.ports.sip, i), server.ports.sip, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 1500));
    sock.close();
    // a token bucket of 40 with 20/s refill: about 40-80 of 300 get through in 1.5 s
    assert.ok(answered >= 40 && answered < 120, `answered ${answered} of ${SENT}`);

    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    assert.match(metrics, /^hailing_security_rate_limited_total [1-9]\d*$/m);

    // another source is unaffected
    const other = dgram.createSocket('udp4');
    const reply = new Promise<string>((r) => other.once('message', (m) => r(m.toString())));
    await new Promise<void>((r) => other.bind(0, '127.0.0.89', () => r()));
    other.send(options(server.ports.sip, 9999).toString().replaceAll(FLOODER, '127.0.0.89'), server.ports.sip, '127.0.0.1');
    assert.match(await reply, /^SIP\/2\.0 200 OK/);
    other.close();

    await server.token(); // an admin login, audited as well

    // a clean stop flushes the batching writer; then read the database file itself
    assert.equal(await server.kill('SIGTERM'), 0);
    const db = createClient({ url: `file:${path.join(server.dataDir, 'hailing.db')}` });
    const rows = (await db.execute('SELECT id, at, actor, action, target, source, detail, prev_hash, hash FROM audit_log ORDER BY id')).rows;
    db.close();
    const flood = rows.filter((r) => r.action === 'security.rate-limit');
    assert.equal(flood.length, 1, 'one event per source per minute, not one per dropped packet');
    assert.equal(flood[0]?.source, FLOODER);
    assert.ok(rows.some((r) => r.action === 'auth.login'), JSON.stringify(rows.map((r) => r.action)));
    // tamper evidence: each row's prev_hash is the previous row's hash, and the hash is SHA-256
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i]!.prev_hash, rows[i - 1]!.hash);
    for (const r of rows) assert.match(String(r.hash), /^[0-9a-f]{64}$/);
    assert.notEqual(createHash('sha256').update('').digest('hex'), rows[0]?.hash);
  });
});
