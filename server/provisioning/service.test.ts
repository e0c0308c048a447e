import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { BatchWriter, ProvisioningRepository } from '../store/index.js';
import { openTempDatabase, quietStoreLogger } from '../store/testing.js';
import { DigestAuthenticator } from '../sip/auth/digest.js';
import { FakeClock } from '../sip/clock.js';
import { testProvisioning, TEST_SIP_REALM, type TestProvisioning } from './testing.js';
import type { FetchResponse } from './fetch.js';
import { MAX_PENDING } from './service.js';

type Temp = Awaited<ReturnType<typeof openTempDatabase>>;

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** RFC 7616 §3.4.1 (MD5, qop=auth), written out here so that the expected values are not our parser's */
function authorization(o: { challenge: string; username: string; password: string; uri: string; method?: string }): string {
  const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(o.challenge)?.[1] ?? '';
  const realm = param('realm');
  const nonce = param('nonce');
  const cnonce = randomBytes(4).toString('hex');
  const ha1 = md5(`${o.username}:${realm}:${o.password}`);
  const ha2 = md5(`${o.method ?? 'GET'}:${o.uri}`);
  const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`);
  return `Digest username="${o.username}", realm="${realm}", nonce="${nonce}", uri="${o.uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}", opaque="${param('opaque')}"`;
}

/** an unknown MAC is noted after its answer (fetch.ts): let that run */
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** key = value lines as a Yealink phone reads them (comments start with #) */
function yealinkKeys(body: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const line of body.split('\n')) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const at = line.indexOf('=');
    keys.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return keys;
}

describe('desk-phone provisioning (service)', () => {
  let temp: Temp;
  let writer: BatchWriter;
  let p: TestProvisioning;
  const source = '192.0.2.10';
  const get = (path: string, extra: { authorization?: string; source?: string } = {}): Promise<FetchResponse> =>
    p.service.answer({ method: 'GET', path, source: extra.source ?? source, base: 'http://pbx.test:8090', userAgent: 'Yealink SIP-T46S 66.86.0.15', ...(extra.authorization ? { authorization: extra.authorization } : {}) });
  const fetchWithDigest = async (path: string, username: string, password: string) => {
    const first = await get(path);
    assert.equal(first.status, 401);
    const challenge = ([first.headers['www-authenticate']].flat() as string[]).find((c) => !/algorithm=SHA-256/.test(c)) as string;
    return get(path, { authorization: authorization({ challenge, username, password, uri: path }) });
  };

  before(async () => {
    temp = await openTempDatabase();
    writer = new BatchWriter({ client: temp.database.client, logger: quietStoreLogger, flushDelayMs: 1 });
    p = await testProvisioning({ store: new ProvisioningRepository({ db: temp.database.db, writer, logger: quietStoreLogger }), scanThreshold: 20 });
  });
  after(async () => {
    await writer.close();
    await temp.cleanup();
  });

  it('a Yealink phone with its digest credentials gets <mac>.cfg with its line and generated SIP password, and y0000000000xx.cfg', async () => {
    const e = await p.service.enrol({ mac: '001565aabb01', family: 'yealink', extension: '1001', label: 'Desk 1' });
    assert.ok(e);
    const res = await fetchWithDigest('/001565aabb01.cfg', '001565aabb01', e.provisioningPassword);
    assert.equal(res.status, 200);
    // Yealink: the first line must be the version header
    assert.equal(res.body.split('\n')[0], '#!version:1.0.0.1');
    const keys = yealinkKeys(res.body);
    assert.equal(keys.get('account.1.enable'), '1');
    assert.equal(keys.get('account.1.user_name'), '1001');
    assert.equal(keys.get('account.1.auth_name'), '1001');
    assert.equal(keys.get('account.1.display_name'), 'Front Desk');
    assert.equal(keys.get('account.1.label'), 'Desk 1');
    assert.equal(keys.get('account.1.sip_server.1.address'), TEST_SIP_REALM);
    assert.equal(keys.get('account.1.sip_server.1.port'), '5060');
    assert.equal(keys.get('account.1.sip_server.1.transport_type'), '0');
    const password = keys.get('account.1.password') ?? '';
    assert.match(password, /^[A-Za-z0-9_-]{24}$/);
    assert.equal(p.service.devices.byMac('001565aabb01')?.sipPassword, password);
    const common = await fetchWithDigest('/y000000000028.cfg', '001565aabb01', e.provisioningPassword);
    assert.equal(common.status, 200);
    assert.equal(yealinkKeys(common.body).get('auto_provision.server.url'), 'http://pbx.test:8090/');
    assert.ok(!common.body.includes(password), 'the common file carries no secret');
  });

  it("the device's SIP password is one more password of its extension for digest, and stops working when the device is removed", async () => {
    const e = await p.service.enrol({ mac: '001565aabb02', family: 'fanvil', extension: '1002' });
    assert.ok(e);
    const clock = new FakeClock(1_800_000_000_000);
    const sipAuth = new DigestAuthenticator({ realm: TEST_SIP_REALM, secret: Buffer.alloc(32, 3), clock, algorithms: ['MD5'] });
    const ext = { username: '1002', realm: TEST_SIP_REALM, ha1Md5: md5(`1002:${TEST_SIP_REALM}:own-extension-pw`), ha1Sha256: 'x' };
    const lookup = p.service.withDevicePasswords({ find: async () => ext, findCached: () => ext });
    const verify = async (password: string) => {
      const challenge = sipAuth.challenge()[0] as string;
      const auth = authorization({ challenge, username: '1002', password, uri: `sip:${TEST_SIP_REALM}`, method: 'REGISTER' });
      return sipAuth.verify({ method: 'REGISTER', authorization: auth, credentials: await lookup.find('1002') }).ok;
    };
    const devicePassword = p.service.devices.byMac('001565aabb02')?.sipPassword as string;
    assert.equal(await verify('own-extension-pw'), true, "the extension's own password still works");
    assert.equal(await verify(devicePassword), true, "the device's password registers the extension");
    assert.equal(await verify('guess'), false);
    assert.equal(await p.service.devices.remove('001565aabb02'), true);
    assert.equal(await verify(devicePassword), false, 'a removed device is revoked');
    assert.equal(await verify('own-extension-pw'), true);
  });

  it('no credentials, wrong ones, or an unknown MAC: the same 401 (status, headers, body); the unknown MAC is listed as pending', async () => {
    const e = await p.service.enrol({ mac: '001565aabb03', family: 'yealink', extension: '1003' });
    assert.ok(e);
    const shape = (r: FetchResponse) => ({ status: r.status, body: r.body, headers: Object.keys(r.headers).sort(), challenges: [r.headers['www-authenticate']].flat().length });
    const known = await get('/001565aabb03.cfg');
    const unknown = await get('/001565ccdd04.cfg');
    const challenge = [known.headers['www-authenticate']].flat()[1] as string;
    const wrong = await get('/001565aabb03.cfg', { authorization: authorization({ challenge, username: '001565aabb03', password: 'wrong', uri: '/001565aabb03.cfg' }) });
    const unknownCreds = await get('/001565ccdd04.cfg', { authorization: authorization({ challenge, username: '001565ccdd04', password: 'anything', uri: '/001565ccdd04.cfg' }) });
    for (const r of [unknown, wrong, unknownCreds]) assert.deepEqual(shape(r), shape(known));
    assert.equal(known.status, 401);
    for (const r of [known, unknown, wrong, unknownCreds]) assert.ok(!r.body.includes('1003') && !r.body.includes('aabb03'));
    await settled();
    await writer.flush();
    const pending = await p.service.pending();
    assert.deepEqual(
      pending.map((r) => r.mac),
      ['001565ccdd04'],
    );
    assert.equal(pending[0]?.family, 'yealink', 'guessed from the User-Agent');
  });

  it("a token URL serves the device's files; a bad token, another device's file or an unknown name is a 404 with the same body", async () => {
    const e = await p.service.enrol({ mac: '000b82aabb05', family: 'grandstream', extension: '1005' });
    assert.ok(e);
    const ok = await get(`${e.tokenPath}cfg000b82aabb05.xml`);
    assert.equal(ok.status, 200);
    assert.match(ok.body, /<P34>[A-Za-z0-9_-]{24}<\/P34>/);
    const bad = await get('/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/cfg000b82aabb05.xml');
    const other = await get(`${e.tokenPath}cfg001565aabb01.xml`);
    const name = await get('/etc/passwd');
    for (const r of [bad, other, name]) assert.deepEqual({ status: r.status, body: r.body }, { status: 404, body: 'not found\n' });
  });

  it('values are escaped for the format: a label cannot add a Yealink key or break Poly XML', async () => {
    const e = await p.service.enrol({ mac: '0004f2aabb06', family: 'poly', extension: '1006', label: 'x"/>\naccount.1.password = pwned' });
    assert.ok(e);
    const res = await get(`${e.tokenPath}0004f2aabb06-hailing.cfg`);
    assert.equal(res.status, 200);
    assert.ok(res.body.includes('reg.1.label="x&quot;/&gt; account.1.password = pwned"'));
    const y = await p.service.enrol({ mac: '001565aabb07', family: 'yealink', extension: '1007', label: 'a\naccount.1.password = pwned' });
    assert.ok(y);
    const text = (await get(`${y.tokenPath}001565aabb07.cfg`)).body;
    assert.equal(yealinkKeys(text).get('account.1.password'), p.service.devices.byMac('001565aabb07')?.sipPassword);
  });

  it('a custom template with an unknown variable is refused; a good one is served; reset restores the built-in one', async () => {
    assert.deepEqual(await p.service.saveTemplate({ family: 'fanvil', file: 'device', body: 'x {{nope}}' }), { ok: false, reason: 'unknown variables: nope (known: mac, label, display_name, extension, auth_name, sip_password, sip_server, sip_port, sip_transport, transport_code, register_expires, provisioning_url)' });
    assert.equal((await p.service.saveTemplate({ family: 'fanvil', file: 'common', body: 'x' })).ok, false, 'fanvil has no common file');
    assert.deepEqual(await p.service.saveTemplate({ family: 'fanvil', file: 'device', body: 'line={{extension}}' }), { ok: true });
    const e = await p.service.enrol({ mac: '0c383eaabb08', family: 'fanvil', extension: '1008' });
    assert.ok(e);
    assert.equal((await get(`${e.tokenPath}0c383eaabb08.cfg`)).body, 'line=1008');
    await p.service.resetTemplate({ family: 'fanvil', file: 'device' });
    assert.match((await get(`${e.tokenPath}0c383eaabb08.cfg`)).body, /^<<VOIP CONFIG FILE>>/);
  });

  it('a scan of 100 unknown MACs from one source trips one alert, and stops adding to the pending list at the threshold', async () => {
    await settled();
    await writer.flush();
    const before = (await p.service.pending()).length;
    for (let i = 0; i < 100; i++) await get(`/0015650${String(i).padStart(5, '0')}.cfg`, { source: '198.51.100.7' });
    await settled();
    await writer.flush();
    assert.equal(p.alerts.length, 1);
    assert.deepEqual({ alert: p.alerts[0]?.alert, source: p.alerts[0]?.source, macs: p.alerts[0]?.macs }, { alert: 'provisioning-scan', source: '198.51.100.7', macs: 20 });
    assert.equal((await p.service.pending()).length - before, 19, 'the MACs before the alert');
  });

  it('arbitrary paths and Authorization headers are answered 401 or 404, never a file and never a throw (500 random requests)', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const junk = randomBytes(1 + (i % 40)).toString(i % 2 ? 'latin1' : 'base64url');
      const path = i % 3 === 0 ? `/${junk}` : i % 3 === 1 ? `/001565aabb01.cfg` : `/t/${junk}/001565aabb01.cfg`;
      const r = await get(path, { authorization: i % 5 === 0 ? `Digest username="001565aabb01", realm="Hailing provisioning", uri="${path}", ${junk}` : junk, source: `203.0.113.${i % 200}` });
      seen.add(r.status);
    }
    assert.deepEqual([...seen].filter((s) => s !== 401 && s !== 404), []);
  });

  it('a scan spread over many sources fills the pending list up to its bound and no further', async () => {
    for (let i = 0; i < MAX_PENDING + 50; i++) await get(`/0c383e${String(i).padStart(6, '0')}.cfg`, { source: `10.${i >> 8}.${i & 255}.1` });
    await settled();
    await writer.flush();
    assert.equal((await p.service.pending()).length, MAX_PENDING);
  });

  it('over the per-source limit: 429 with Retry-After', async () => {
    p.limited.allow = false;
    const r = await get('/001565aabb01.cfg');
    p.limited.allow = true;
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '60');
  });
});
