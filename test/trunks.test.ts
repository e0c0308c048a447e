// Acceptance (issue 11): carrier trunks against carriers played by node-sip (test/helpers/
// sip-carrier.ts): Hailing registers with digest and refreshes before the granted expiry; a
// national number leaves on the primary trunk rewritten (+86, no trunk prefix) with the trunk's
// caller ID in P-Asserted-Identity and PCMA first; with the primary silent the next call goes to
// the backup (the gap is printed); a DNS name's SRV records (a dns-packet server on loopback)
// fail over from the first target to the second; international is refused 403 by default; the
// per-minute limit trips with an alert on the events stream and an audit row; an unknown DID 404.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as dnsPacket from 'dns-packet';
import { createClient } from '@libsql/client';
import WebSocket from 'ws';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort } from './helpers/ports.js';
import { startSipUa, type SipUa } from './helpers/sip-ua.js';
import { startCarrier, type Carrier } from './helpers/sip-carrier.js';
import { within } from './helpers/waiting.js';

const PHONES = '127.0.0.7';
const password = (n: string) => `pw-${n}-secret`;
const waitFor = async <T>(what: string, probe: () => T | undefined | false, ms = 20_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

async function startDns(records: Map<string, dnsPacket.Answer[]>): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    const answers = question ? (records.get(`${question.type} ${question.name}`) ?? []) : [];
    socket.send(dnsPacket.encode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions, answers }), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port };
}

describe('carrier trunks with node-sip carriers', () => {
  let server: HailingProcess;
  let dns: { socket: Socket; port: number };
  const carriers: Carrier[] = [];
  const uas: SipUa[] = [];
  let primary: Carrier;
  let backup: Carrier;
  let srvSecond: Carrier;
  const ids: Record<string, number> = {};
  const api = async (method: string, route: string, body?: unknown, expect = 201) => {
    const r = await server.api<Record<string, unknown>>(method, route, body);
    assert.equal(r.status, expect, `${method} ${route}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const callFrom = async (from: string, to: string) => {
    const u = await startSipUa({ address: PHONES, port: await freePort(PHONES), domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip } });
    uas.push(u);
    return u.call({ to, user: from, password: password(from) });
  };

  before(async () => {
    const deadPort = await freePort('127.0.0.41');
    const srvPort = await freePort('127.0.0.42');
    dns = await startDns(
      new Map<string, dnsPacket.Answer[]>([
        ['SRV _sip._udp.carrier.test', [
          { type: 'SRV', name: '_sip._udp.carrier.test', ttl: 60, data: { priority: 10, weight: 0, port: deadPort, target: 'a.carrier.test' } },
          { type: 'SRV', name: '_sip._udp.carrier.test', ttl: 60, data: { priority: 20, weight: 0, port: srvPort, target: 'b.carrier.test' } },
        ]],
        ['A a.carrier.test', [{ type: 'A', name: 'a.carrier.test', ttl: 60, data: '127.0.0.41' }]],
        ['A b.carrier.test', [{ type: 'A', name: 'b.carrier.test', ttl: 60, data: '127.0.0.42' }]],
      ]),
    );
    primary = startCarrier({ address: '127.0.0.31', port: await freePort('127.0.0.31'), realm: 'carrier-a', user: '02150001000', password: 'carrier-a-pass', grantExpires: 4 });
    backup = startCarrier({ address: '127.0.0.32', port: await freePort('127.0.0.32'), realm: 'carrier-b', challengeInvites: false });
    srvSecond = startCarrier({ address: '127.0.0.42', port: srvPort, realm: 'carrier-c', challengeInvites: false });
    carriers.push(primary, backup, srvSecond);
    server = await startHailing({ env: { HAILING_DNS_SERVERS: `127.0.0.1:${dns.port}`, HAILING_OUTBOUND_CALLS_PER_MINUTE_PER_EXTENSION: '3', HAILING_MEDIA_TIMEOUT_MS: '60000' } });
    for (const [n, permissions] of [['1001', ['internal', 'national']], ['1002', ['internal', 'national']], ['1003', ['internal', 'emergency']], ['1004', ['internal', 'national']], ['1005', ['internal', 'national']]] as const) {
      await api('POST', '/api/v1/extensions', { number: n, password: password(n), displayName: `Agent ${n}`, permissions });
    }
    ids['primary'] = (await api('POST', '/api/v1/trunks', { name: 'primary', kind: 'register', host: primary.address, port: primary.port, transport: 'udp', username: '02150001000', secret: 'carrier-a-pass', registerExpiresS: 60, callerId: { presentation: 'pai', number: '02150001000', name: 'Hailing' }, setupTimeoutMs: 1000, optionsIntervalS: 0 }))['id'] as number;
    // this carrier wants E.164 digits without the '+': the trunk's own number format, applied after the route's rewrite
    ids['backup'] = (await api('POST', '/api/v1/trunks', { name: 'backup', kind: 'ip', host: backup.address, port: backup.port, transport: 'udp', addresses: [backup.address], numberFormat: 'e164-digits', callerId: { presentation: 'from', number: '02150001000' }, setupTimeoutMs: 1000, optionsIntervalS: 0 }))['id'] as number;
    ids['srv'] = (await api('POST', '/api/v1/trunks', { name: 'srv', kind: 'ip', host: 'carrier.test', transport: 'udp', addresses: ['127.0.0.42'], setupTimeoutMs: 1000, optionsIntervalS: 0 }))['id'] as number;
    const intl = (await api('POST', '/api/v1/routes', { name: 'international', patterns: [{ pattern: '_00X.', strip: 2, prepend: '+' }], trunks: [ids['primary']], permission: 'international' }))['id'];
    const national = (await api('POST', '/api/v1/routes', { name: 'national', patterns: [{ pattern: '_0ZX.', strip: 1, prepend: '+86' }], trunks: [ids['primary'], ids['backup']], permission: 'national' }))['id'];
    const srv = (await api('POST', '/api/v1/routes', { name: 'srv', patterns: [{ pattern: '_9X.', strip: 1 }], trunks: [ids['srv']], permission: 'national' }))['id'];
    await api('POST', '/api/v1/dialplan', { pattern: '_00X.', permission: null, steps: [{ kind: 'route', route: intl }] });
    await api('POST', '/api/v1/dialplan', { pattern: '_0ZX.', permission: null, steps: [{ kind: 'route', route: national }] });
    await api('POST', '/api/v1/dialplan', { pattern: '_9XXX', permission: null, steps: [{ kind: 'route', route: srv }] });
  });
  after(async () => {
    if (process.env['TRUNKS_TEST_OUTPUT']) process.stdout.write(server?.output() ?? '');
    for (const u of uas) await u.close();
    await server?.kill('SIGKILL');
    for (const c of carriers) c.close();
    dns?.socket.close();
  });

  it('registers to the carrier with digest and refreshes before the granted expiry (4 s); the API shows it registered', { timeout: 60_000 }, async () => {
    const refreshed = await waitFor('a refresh REGISTER', () => primary.registers.find((r) => r.beforeExpiry !== null), 30_000);
    assert.equal(refreshed.beforeExpiry, true, 'the refresh arrived while the binding was still valid');
    assert.equal(primary.registers[0]!.expires, 4);
    const trunks = (await api('GET', '/api/v1/trunks', undefined, 200))['items'] as { name: string; status: { registered: boolean } | null; hasSecret: boolean }[];
    assert.equal(trunks.find((t) => t.name === 'primary')?.status?.registered, true);
    assert.ok(!JSON.stringify(trunks).includes('carrier-a-pass'), 'the secret is never returned');
    // the digest above was answered with the password, yet the database file never holds it in clear
    const db = createClient({ url: `file:${path.join(server.dataDir, 'hailing.db')}` });
    try {
      const stored = (await db.execute("SELECT secret FROM trunks WHERE name = 'primary'")).rows[0]!['secret'];
      assert.match(String(stored), /^sealed:v1:/);
    } finally {
      db.close();
    }
    for (const name of ['hailing.db', 'hailing.db-wal']) {
      const file = path.join(server.dataDir, name);
      if (existsSync(file)) assert.equal(readFileSync(file).indexOf('carrier-a-pass'), -1, `the password is not in ${name}`);
    }
  });

  it('a national number leaves on the primary with the rewritten number, the trunk caller ID in P-Asserted-Identity, PCMA first, after answering the 407', { timeout: 60_000 }, async () => {
    const call = await callFrom('1001', '02187654321');
    const final = await within(call.final, 20_000, 'the final response');
    assert.equal(final.status, 200);
    const invite = primary.invites.at(-1)!.rq;
    assert.match(String(invite.uri), /^sip:\+862187654321@127\.0\.0\.31/);
    assert.match(JSON.stringify(invite.headers['p-asserted-identity']), /sip:02150001000@/);
    assert.match(JSON.stringify(invite.headers.from), /02150001000/);
    assert.match(String(invite.content), /m=audio \d+ RTP\/AVP 8[ \r]/);
    const attempts = (await attemptsOf('1001', 1)) as unknown as { trunkName: string; outcome: string; number: string }[];
    assert.deepEqual(attempts.map((a) => [a.trunkName, a.outcome, a.number]), [['primary', 'answered', '+862187654321']]);
  });

  it('a call the plan sends on to the carrier after an extension forwarded and missed it carries Diversion and History-Info naming both extensions (RFC 5806, RFC 7044)', { timeout: 60_000 }, async () => {
    // 1006 forwards everything to 1007, which has no phone; the entry then dials a national number
    for (const n of ['1006', '1007']) await api('POST', '/api/v1/extensions', { number: n, password: password(n), displayName: `Agent ${n}`, permissions: ['internal'] });
    await api('PUT', '/api/v1/extensions/1006/call-handling', { forwardAlways: '1007', forwardBusy: null, forwardNoAnswer: null }, 200);
    await api('POST', '/api/v1/dialplan', { pattern: '8006', permission: null, steps: [{ kind: 'extension', number: '1006', timeoutS: 2 }, { kind: 'number', number: '02187654321' }] });
    const before = primary.invites.length;
    const call = await callFrom('1001', '8006');
    assert.equal((await within(call.final, 20_000, 'the final response')).status, 200);
    assert.equal(primary.invites.length, before + 1);
    const invite = primary.invites.at(-1)!.rq;
    assert.match(String(invite.uri), /^sip:\+862187654321@/);
    const header = (name: string): string[] => {
      const v = (invite.headers as Record<string, unknown>)[name];
      return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String).flatMap((x) => x.split(/,(?=\s*<)/)).map((x) => x.trim());
    };
    // the most recent hop first: 1007 missed the call (no phone: no answer), 1006 forwarded it
    const diversion = header('diversion');
    assert.equal(diversion.length, 2, JSON.stringify(diversion));
    assert.match(diversion[0]!, /^<sip:1007@[^>]+>;reason=no-answer;counter=1$/);
    assert.match(diversion[1]!, /^<sip:1006@[^>]+>;reason=unconditional;counter=1$/);
    // the oldest first: 1006 (index 1), 1007 (1.1, retargeted by a 302), the carrier's number (1.1.1, after a 408)
    const history = header('history-info');
    assert.equal(history.length, 3, JSON.stringify(history));
    assert.match(history[0]!, /^<sip:1006@[^>?]+\?Reason=SIP%3Bcause%3D302[^>]*>;index=1$/);
    assert.match(history[1]!, /^<sip:1007@[^;>]+;cause=302\?Reason=SIP%3Bcause%3D408[^>]*>;index=1\.1;mp=1$/);
    assert.match(history[2]!, /^<sip:\+862187654321@127\.0\.0\.31;cause=408>;index=1\.1\.1;mp=1\.1$/);
    // a direct call to the carrier went through no extension: neither header
    const direct = await callFrom('1001', '02187654320');
    assert.equal((await within(direct.final, 20_000, 'the final response')).status, 200);
    const plain = primary.invites.at(-1)!.rq.headers as Record<string, unknown>;
    assert.equal(plain['diversion'], undefined);
    assert.equal(plain['history-info'], undefined);
  });

  it("an extension's no-answer forward to a national number leaves through the carrier with Diversion naming it; a number it may not dial is refused as a target", { timeout: 60_000 }, async () => {
    // 1008 has the national class and no phone: its no-answer forward sends the call out
    await api('POST', '/api/v1/extensions', { number: '1008', password: password('1008'), displayName: 'Agent 1008', permissions: ['internal', 'national'] });
    await api('POST', '/api/v1/extensions', { number: '1009', password: password('1009'), displayName: 'Agent 1009', permissions: ['internal'] });
    const refused = await server.api<Record<string, unknown>>('PUT', '/api/v1/extensions/1009/call-handling', { forwardAlways: null, forwardBusy: null, forwardNoAnswer: '02187654329' });
    assert.equal(refused.status, 400, '1009 has only the internal class');
    assert.match(String(refused.body['reason']), /1009 may not dial it \(route national needs the 'national' class\)/);
    // a number the plan sends back to an extension is no way out (it could forward to itself without end)
    await api('POST', '/api/v1/dialplan', { pattern: '5555', permission: null, steps: [{ kind: 'extension', number: '1008' }] });
    const back = await server.api<Record<string, unknown>>('PUT', '/api/v1/extensions/1008/call-handling', { forwardAlways: '5555', forwardBusy: null, forwardNoAnswer: null });
    assert.equal(back.status, 400);
    assert.match(String(back.body['reason']), /goes out through a route/);
    await api('PUT', '/api/v1/extensions/1008/call-handling', { forwardAlways: null, forwardBusy: null, forwardNoAnswer: '02187654329', noAnswerS: 2 }, 200);
    // 1003 may not dial national numbers itself: the forward dials as 1008
    const call = await callFrom('1003', '1008');
    assert.equal((await within(call.final, 20_000, 'the final response')).status, 200);
    const invite = primary.invites.at(-1)!.rq;
    assert.match(String(invite.uri), /^sip:\+862187654329@/);
    const headers = invite.headers as Record<string, unknown>;
    const values = (name: string) => (Array.isArray(headers[name]) ? (headers[name] as unknown[]) : headers[name] === undefined ? [] : [headers[name]]).map(String).flatMap((x) => x.split(/,(?=\s*<)/)).map((x) => x.trim());
    assert.deepEqual(values('diversion').map((v) => v.replace(/@[^>]+>/, '@…>')), ['<sip:1008@…>;reason=no-answer;counter=1']);
    const history = values('history-info');
    assert.equal(history.length, 2, JSON.stringify(history));
    assert.match(history[0]!, /^<sip:1008@[^>?]+\?Reason=SIP%3Bcause%3D408[^>]*>;index=1$/);
    assert.match(history[1]!, /^<sip:\+862187654329@127\.0\.0\.31;cause=408>;index=1\.1;mp=1$/);
  });

  it('with the primary silent, the next call goes to the backup (in its number format, E.164 digits); every attempt is on the call record with the number sent', { timeout: 60_000 }, async () => {
    primary.stop();
    const call = await callFrom('1002', '02187654322');
    const final = await within(call.final, 30_000, 'the final response');
    assert.equal(final.status, 200);
    const reached = backup.invites.at(-1)!;
    assert.match(String(reached.rq.uri), /^sip:862187654322@127\.0\.0\.32/);
    const attempts = (await attemptsOf('1002', 2)) as unknown as { trunkName: string; number: string; outcome: string; status: number; endedAt: string; startedAt: string }[];
    assert.deepEqual(attempts.map((a) => [a.trunkName, a.number, a.outcome, a.status]), [['primary', '+862187654322', 'failover', 408], ['backup', '862187654322', 'answered', 200]]);
    assert.equal((await api('GET', `/api/v1/cdrs/${await callIdOf('1002')}`, undefined, 200))['direction'], 'outbound');
    const gap = reached.at - Date.parse(attempts[0]!.endedAt);
    // the figure the issue asks for (< 2 s); printed, and held only to a generous bound
    process.stdout.write(`# failover gap: primary gave up at ${attempts[0]!.endedAt}, backup INVITE ${gap} ms later (setup timeout 1000 ms)\n`);
    assert.ok(gap < 10_000, `gap ${gap} ms`);
  });

  it('a trunk named by DNS fails over from the first SRV target (silent) to the second', { timeout: 60_000 }, async () => {
    const call = await callFrom('1005', '9123');
    assert.equal((await within(call.final, 30_000, 'the final response')).status, 200);
    assert.match(String(srvSecond.invites.at(-1)!.rq.uri), /^sip:123@carrier\.test/);
    const attempts = (await attemptsOf('1005', 2)) as unknown as { target: string; outcome: string }[];
    assert.deepEqual(attempts.map((a) => a.outcome), ['failover', 'answered']);
    assert.match(attempts[0]!.target, /^udp:127\.0\.0\.41:/);
    assert.match(attempts[1]!.target, /^udp:127\.0\.0\.42:/);
  });

  it('international is refused with 403 for an extension without the class (off by default)', { timeout: 30_000 }, async () => {
    const call = await callFrom('1003', '004420794600');
    assert.equal((await within(call.final, 20_000, 'the final response')).status, 403);
  });

  it('the per-minute limit (3) refuses the 4th call with 403, raises an alert on the events stream and writes an audit row', { timeout: 90_000 }, async () => {
    const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/api/v1/events`, { headers: { authorization: `Bearer ${await server.token()}` } });
    const alerts: { type: string; alert?: string; caller: string }[] = [];
    ws.on('message', (d: Buffer) => {
      const e = JSON.parse(d.toString('utf8')) as { type: string; alert?: string; caller: string };
      if (e.type === 'alert') alerts.push(e);
    });
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    for (let i = 0; i < 3; i++) {
      const c = await callFrom('1004', `0218765430${i}`);
      assert.equal((await within(c.final, 30_000, 'the final response')).status, 200);
    }
    const fourth = await callFrom('1004', '02187654309');
    assert.equal((await within(fourth.final, 20_000, 'the final response')).status, 403);
    const alert = await waitFor('the alert', () => alerts[0]);
    assert.equal(alert.alert, 'toll-fraud:extension-per-minute');
    assert.equal(alert.caller, '1004');
    ws.close();
    const db = createClient({ url: `file:${path.join(server.dataDir, 'hailing.db')}` });
    try {
      let rows = (await db.execute("SELECT target, detail FROM audit_log WHERE action = 'security.toll-fraud'")).rows;
      for (let i = 0; i < 40 && rows.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        rows = (await db.execute("SELECT target, detail FROM audit_log WHERE action = 'security.toll-fraud'")).rows;
      }
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!['target'], '1004');
    } finally {
      db.close();
    }
  });

  it('an inbound call from the ip trunk to a DID reaches the extension its dial plan step names; the same INVITE from elsewhere is challenged (407)', { timeout: 60_000 }, async () => {
    const agent = await startSipUa({ address: PHONES, port: await freePort(PHONES), domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip }, incoming: { kind: 'answer' } });
    uas.push(agent);
    assert.equal(await agent.register({ user: '1005', password: password('1005') }), 200);
    await api('POST', '/api/v1/dids', { number: '02150001000', last: '02150001009', trunkId: ids['backup'], steps: [{ kind: 'extension', number: '1005' }] });
    const carrierSide = await startSipUa({ address: '127.0.0.32', port: await freePort('127.0.0.32'), domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip } });
    uas.push(carrierSide);
    const call = carrierSide.call({ to: '02150001005', user: '13800138000', password: 'unused' });
    const incoming = await within(agent.nextIncoming(), 20_000, 'the INVITE at 1005');
    assert.match(String(incoming.invite.headers.to?.uri), /^sip:1005@/);
    assert.equal((await within(call.final, 20_000, 'the final response')).status, 200);
    assert.equal(call.challenges(), 0, 'a carrier on a listed address is not challenged');
    assert.equal((await api('GET', `/api/v1/cdrs/${await callIdOf('13800138000')}`, undefined, 200))['direction'], 'inbound');
    // a source that is no trunk gets the same challenge as any phone, and nothing about the DID
    const stranger = await startSipUa({ address: '127.0.0.33', port: await freePort('127.0.0.33'), domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip } });
    uas.push(stranger);
    const probe = stranger.call({ to: '02150001005', user: '13800138000', password: 'wrong' });
    assert.equal((await within(probe.final, 20_000, 'the final response')).status, 407);
  });

  it('an INVITE from a carrier for a number no DID holds is refused 404 and counted', { timeout: 30_000 }, async () => {
    const u = await startSipUa({ address: '127.0.0.32', port: await freePort('127.0.0.32'), domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip } });
    uas.push(u);
    const call = u.call({ to: '02150009999', user: '13800000000', password: 'unused' });
    assert.equal((await within(call.final, 20_000, 'the final response')).status, 404);
    const list = await api('GET', '/api/v1/trunks', undefined, 200);
    assert.equal(list['unknownDidCalls'], 1);
  });

  /** the trunk attempts of the last call from `number` once `n` are written (the writer batches them) */
  async function attemptsOf(number: string, n: number): Promise<Record<string, unknown>[]> {
    let items: Record<string, unknown>[] = [];
    for (let i = 0; i < 80 && items.length < n; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      items = ((await api('GET', `/api/v1/cdrs/${await callIdOf(number)}/trunk-attempts`, undefined, 200))['items'] as Record<string, unknown>[]) ?? [];
    }
    return items;
  }

  /** the Hailing call id of the last call from `number` (the CDR list, newest first) */
  async function callIdOf(number: string): Promise<string> {
    const r = await server.api<{ items: { id: string }[] }>('GET', `/api/v1/cdrs?number=${number}&limit=1`);
    return r.body.items[0]!.id;
  }
});
