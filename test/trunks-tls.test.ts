// Acceptance (issue 11): TLS carrier trunks check the carrier's certificate (RFC 5922 §7.2) unless
// an admin turns the check off. The carriers are node-sip UASs listening for TLS with certificates
// that Debian's openssl issued (test/helpers/test-ca.ts): one named carrier.test by the trunk's CA,
// one checked by its address, one the system's CAs do not know, one whose certificate names another
// host, and one from an unknown CA reached with verification off. A refused carrier never sees the
// INVITE; the call record's attempt says it failed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort } from './helpers/ports.js';
import { startSipUa, type SipUa } from './helpers/sip-ua.js';
import { startCarrier, type Carrier } from './helpers/sip-carrier.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';
import { within } from './helpers/waiting.js';

const PHONES = '127.0.0.7';
const PASSWORD = 'pw-1001-secret';

interface Case {
  readonly prefix: string;
  readonly address: string;
  /** what the carrier's certificate names, and which CA signed it */
  readonly names: { dnsNames?: string[]; ips?: string[] };
  readonly signer: 'trusted' | 'rogue';
  /** the trunk's tls settings */
  readonly tls: Record<string, unknown>;
}

const cases: Record<string, Case> = {
  byName: { prefix: '81', address: '127.0.0.51', names: { dnsNames: ['carrier.test'] }, signer: 'trusted', tls: { serverName: 'carrier.test' } },
  byAddress: { prefix: '82', address: '127.0.0.52', names: { ips: ['127.0.0.52'] }, signer: 'trusted', tls: {} },
  systemCas: { prefix: '83', address: '127.0.0.53', names: { ips: ['127.0.0.53'] }, signer: 'trusted', tls: {} },
  wrongName: { prefix: '84', address: '127.0.0.54', names: { dnsNames: ['carrier.test'] }, signer: 'trusted', tls: { serverName: 'other.test' } },
  unverified: { prefix: '85', address: '127.0.0.55', names: { ips: ['127.0.0.55'] }, signer: 'rogue', tls: { verify: false } },
};

describe('TLS carrier trunks verify the carrier (RFC 5922 §7.2)', () => {
  let server: HailingProcess;
  let trusted: TestCa;
  let rogue: TestCa;
  const carriers: Record<string, Carrier> = {};
  const uas: SipUa[] = [];
  const api = async (method: string, route: string, body?: unknown, expect = 201) => {
    const r = await server.api<Record<string, unknown>>(method, route, body);
    assert.equal(r.status, expect, `${method} ${route}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  /** a call from 1001 to `number`: its final status and the trunk attempts on its record */
  const call = async (number: string) => {
    const u = await startSipUa({ address: PHONES, port: await freePort(PHONES), domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip } });
    uas.push(u);
    const c = u.call({ to: number, user: '1001', password: PASSWORD });
    const status = (await within(c.final, 30_000, 'the final response')).status;
    let attempts: { outcome: string; target: string }[] = [];
    for (let i = 0; i < 80 && attempts.length === 0; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      const list = await server.api<{ items: { id: string; callee: string }[] }>('GET', '/api/v1/cdrs?number=1001&limit=1');
      const id = list.body.items.find((r) => r.callee === number)?.id;
      if (id !== undefined) attempts = (await server.api<{ items: typeof attempts }>('GET', `/api/v1/cdrs/${id}/trunk-attempts`)).body.items;
    }
    return { status, attempts };
  };

  before(async () => {
    trusted = createTestCa('Carrier Test CA');
    rogue = createTestCa('Unknown CA');
    server = await startHailing();
    await api('POST', '/api/v1/extensions', { number: '1001', password: PASSWORD, displayName: 'Agent 1001', permissions: ['internal', 'national'] });
    for (const [name, c] of Object.entries(cases)) {
      const tlsPort = await freePort(c.address);
      const leaf = (c.signer === 'trusted' ? trusted : rogue).issue(c.names);
      carriers[name] = startCarrier({ address: c.address, port: await freePort(c.address), realm: name, challengeInvites: false, tls: { port: tlsPort, ...leaf } });
      const tls = { ...(c.signer === 'trusted' && name !== 'systemCas' ? { ca: trusted.cert } : {}), ...c.tls };
      const trunk = await api('POST', '/api/v1/trunks', { name, kind: 'ip', host: c.address, port: tlsPort, transport: 'tls', tls, addresses: [c.address], setupTimeoutMs: 2000, optionsIntervalS: 0 });
      const route = await api('POST', '/api/v1/routes', { name, patterns: [{ pattern: `_${c.prefix}X.`, strip: 2 }], trunks: [trunk['id']], permission: 'national' });
      await api('POST', '/api/v1/dialplan', { pattern: `_${c.prefix}X.`, permission: null, steps: [{ kind: 'route', route: route['id'] }] });
    }
  });
  after(async () => {
    for (const u of uas) await u.close();
    await server?.kill('SIGKILL');
    for (const c of Object.values(carriers)) c.close();
    trusted?.close();
    rogue?.close();
  });

  it('a carrier whose certificate the trunk\'s CA signed for the name asked for is reached over TLS', { timeout: 60_000 }, async () => {
    const r = await call('81021000');
    assert.equal(r.status, 200);
    assert.deepEqual(r.attempts.map((a) => a.outcome), ['answered']);
    assert.match(r.attempts[0]!.target, /^tls:127\.0\.0\.51:/);
    assert.equal(carriers['byName']!.invites.at(-1)!.rq.headers.via?.[0]?.protocol, 'TLS');
  });

  it('with no name set, a trunk named by address checks the address in the certificate', { timeout: 60_000 }, async () => {
    const r = await call('82021000');
    assert.equal(r.status, 200);
    assert.equal(carriers['byAddress']!.invites.length, 1);
  });

  for (const [name, why] of [['systemCas', 'a CA the system does not trust'], ['wrongName', 'a certificate naming another host']] as const) {
    it(`a carrier presenting ${why} is refused before any request reaches it`, { timeout: 60_000 }, async () => {
      const r = await call(`${cases[name]!.prefix}021000`);
      assert.ok((r.status ?? 0) >= 500, `status ${r.status}`);
      // a transport failure: the route would try its next trunk (this one has none)
      assert.deepEqual(r.attempts.map((a) => a.outcome), ['failover']);
      assert.equal(carriers[name]!.invitesSeen.length, 0, 'the carrier saw no INVITE');
    });
  }

  it('an admin may turn the check off for a carrier: its unknown CA is then accepted', { timeout: 60_000 }, async () => {
    const r = await call('85021000');
    assert.equal(r.status, 200);
    assert.equal(carriers['unverified']!.invites.length, 1);
  });

  it('a CA that is not PEM is refused with 400 at tls.ca, and nothing is written', { timeout: 30_000 }, async () => {
    const before = ((await api('GET', '/api/v1/trunks', undefined, 200))['items'] as unknown[]).length;
    const r = await server.api<{ error: string; issues?: { path: string }[] }>('POST', '/api/v1/trunks', { name: 'bad-ca', kind: 'ip', host: '127.0.0.56', transport: 'tls', tls: { ca: 'not a certificate' }, addresses: ['127.0.0.56'] });
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(r.body), /tls.*ca|ca.*PEM/i);
    assert.equal(((await api('GET', '/api/v1/trunks', undefined, 200))['items'] as unknown[]).length, before);
  });
});
