// Acceptance (issue 12, provisioning): the real process with its provisioning listener. Phones'
// files are fetched with curl (an independent HTTP digest client) and token URLs; the Poly and
// Grandstream XML is read by Python's xml.etree, the Yealink and Fanvil text by the vendors' rules;
// the generated SIP password of every family then registers node-sip (an independent SIP UA). An
// unknown MAC or bad credentials get 401/404 and nothing of a device; a 100-MAC scan raises the
// alert (events stream and audit row); check-sync and SIP PnP reach node-sip.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort } from './helpers/ports.js';
import { PHONE_ADDRESS, startNodeSipPhone, type NodeSipPhone } from './helpers/node-sip-phone.js';
import { sip, randomToken, type SipMessage } from './helpers/node-sip.js';

const run = promisify(execFile);

interface Enrolled {
  device: { mac: string };
  provisioning: { username: string; password: string; tokenUrl: string; tokenPath: string };
}

/** curl's view of a GET: status, header names and values, body (--digest answers a 401 challenge) */
async function curl(url: string, digest?: { user: string; password: string }): Promise<{ status: number; headers: Map<string, string>; body: string }> {
  const args = ['-s', '-D', '-', ...(digest ? ['--digest', '-u', `${digest.user}:${digest.password}`] : []), url];
  const { stdout } = await run('curl', args, { timeout: 30_000 });
  // with --digest curl prints the 401's headers first: the last response is the answer
  const parts = stdout.split(/\r\n\r\n/);
  let i = 0;
  while (i < parts.length - 2 && /^HTTP\/1\.1 401/.test(parts[i] as string) && digest) i++;
  const head = (parts[i] as string).split('\r\n');
  const headers = new Map<string, string>();
  for (const line of head.slice(1)) {
    const at = line.indexOf(':');
    const name = line.slice(0, at).toLowerCase();
    headers.set(name, headers.has(name) ? `${headers.get(name)}\n${line.slice(at + 1).trim()}` : line.slice(at + 1).trim());
  }
  return { status: Number((head[0] as string).split(' ')[1]), headers, body: parts.slice(i + 1).join('\r\n\r\n') };
}

/** every element of an XML document as Python's xml.etree parses it: tag, attributes, text */
async function parseXml(text: string): Promise<{ tag: string; attrib: Record<string, string>; text: string | null }[]> {
  const script = 'import sys,json,xml.etree.ElementTree as E\nr=E.fromstring(sys.stdin.read())\nprint(json.dumps([{"tag":e.tag,"attrib":e.attrib,"text":(e.text or "").strip() or None} for e in r.iter()]))';
  const child = execFile('python3', ['-c', script]);
  child.stdin?.end(text);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  assert.equal(code, 0, `python could not parse:\n${text}`);
  return JSON.parse(out) as { tag: string; attrib: Record<string, string>; text: string | null }[];
}

/** "key = value" (Yealink) or "Key   :value" (Fanvil) lines */
function keyValues(body: string, separator: '=' | ':'): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of body.split(/\r?\n/)) {
    if (line.startsWith('#') || line.startsWith('<')) continue;
    const at = line.indexOf(separator);
    if (at > 0) map.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return map;
}

async function poll<T>(what: string, get: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('desk-phone provisioning (real process)', { timeout: 240_000 }, () => {
  let server: HailingProcess;
  let prov: string;
  let phone: NodeSipPhone;
  const notifies: SipMessage[] = [];
  const devices = new Map<string, Enrolled>();
  const enrol = async (mac: string, family: string, extension: string) => {
    const r = await server.api<Enrolled>('POST', '/api/v1/devices', { mac, family, extension, label: `Desk ${extension}` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    devices.set(family, r.body);
    return r.body;
  };
  const registers = (user: string, password: string) =>
    phone.register({ user, password, domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip }, algorithm: 'SHA-256', expires: 300 });

  before(async () => {
    const port = await freePort();
    server = await startHailing({ env: { HAILING_PROVISIONING_HTTP_PORT: String(port) } });
    prov = `http://127.0.0.1:${port}`;
    for (const n of ['1001', '1002', '1003', '1004'])
      assert.equal((await server.api('POST', '/api/v1/extensions', { number: n, password: `Own-extension-pw-${n}`, displayName: `Agent ${n}` })).status, 201);
    await enrol('00:15:65:12:34:56', 'yealink', '1001');
    await enrol('0004f2abcdef', 'poly', '1002');
    await enrol('000B82ABCDEF', 'grandstream', '1003');
    await enrol('0c383eabcdef', 'fanvil', '1004');
    phone = startNodeSipPhone(await freePort(PHONE_ADDRESS), { onRequest: (rq) => rq.method === 'NOTIFY' && notifies.push(rq) });
  });
  after(async () => {
    phone?.close();
    await server?.kill('SIGKILL');
  });

  it('Yealink: <mac>.cfg fetched with digest credentials has the line and its generated password, which registers', async () => {
    const e = devices.get('yealink') as Enrolled;
    const res = await curl(`${prov}/001565123456.cfg`, { user: e.provisioning.username, password: e.provisioning.password });
    assert.equal(res.status, 200);
    assert.equal(res.body.split('\n')[0], '#!version:1.0.0.1', 'the header Yealink requires on the first line');
    const keys = keyValues(res.body, '=');
    assert.equal(keys.get('account.1.enable'), '1');
    assert.equal(keys.get('account.1.user_name'), '1001');
    assert.equal(keys.get('account.1.auth_name'), '1001');
    assert.equal(keys.get('account.1.display_name'), 'Agent 1001');
    assert.equal(keys.get('account.1.sip_server.1.address'), '127.0.0.1');
    assert.equal(keys.get('account.1.sip_server.1.port'), String(server.ports.sip));
    const password = keys.get('account.1.password') as string;
    assert.match(password, /^[A-Za-z0-9_-]{24}$/);
    assert.equal((await registers('1001', password)).status, 200, 'the generated password registers');
    assert.equal((await registers('1001', 'Own-extension-pw-1001')).status, 200, "the extension's own password still does");
    const common = await curl(`${prov}/y000000000044.cfg`, { user: e.provisioning.username, password: e.provisioning.password });
    assert.equal(common.status, 200);
    assert.ok(!common.body.includes(password));
  });

  it('Poly, Grandstream and Fanvil: their files parse with the line and a password that registers', async () => {
    const poly = devices.get('poly') as Enrolled;
    const master = await parseXml((await curl(`${poly.provisioning.tokenUrl}0004f2abcdef.cfg`)).body);
    assert.equal(master[0]?.tag, 'APPLICATION');
    assert.equal(master[0]?.attrib['CONFIG_FILES'], '[PHONE_MAC_ADDRESS]-hailing.cfg');
    const polyCfg = await parseXml((await curl(`${poly.provisioning.tokenUrl}0004f2abcdef-hailing.cfg`)).body);
    const reg = polyCfg.find((e) => e.tag === 'reg')?.attrib ?? {};
    assert.equal(reg['reg.1.address'], '1002');
    assert.equal(reg['reg.1.auth.userId'], '1002');
    assert.equal(reg['reg.1.server.1.address'], '127.0.0.1');
    assert.equal(reg['reg.1.server.1.port'], String(server.ports.sip));
    assert.equal((await registers('1002', reg['reg.1.auth.password'] as string)).status, 200);

    const gs = devices.get('grandstream') as Enrolled;
    const gsRes = await curl(`${prov}/cfg000b82abcdef.xml`, { user: gs.provisioning.username, password: gs.provisioning.password });
    assert.equal(gsRes.status, 200);
    const p = new Map((await parseXml(gsRes.body)).map((e) => [e.tag, e.text]));
    assert.equal(p.get('mac'), '000b82abcdef');
    assert.equal(p.get('P271'), '1');
    assert.equal(p.get('P47'), `127.0.0.1:${server.ports.sip}`);
    assert.equal(p.get('P35'), '1003');
    assert.equal(p.get('P36'), '1003');
    assert.equal((await registers('1003', p.get('P34') as string)).status, 200);

    const fanvil = devices.get('fanvil') as Enrolled;
    const fv = await curl(`${fanvil.provisioning.tokenUrl}0c383eabcdef.cfg`);
    assert.match(fv.body, /^<<VOIP CONFIG FILE>>Version:2\.0+\n/);
    const f = keyValues(fv.body, ':');
    assert.equal(f.get('SIP1 Phone Number'), '1004');
    assert.equal(f.get('SIP1 Register User'), '1004');
    assert.equal(f.get('SIP1 Register Addr'), '127.0.0.1');
    assert.equal(f.get('SIP1 Enable Reg'), '1');
    assert.equal((await registers('1004', f.get('SIP1 Register Pswd') as string)).status, 200);
  });

  it('an unknown MAC or bad credentials get the same 401, a bad token 404, and nothing of a device leaks', async () => {
    const known = await curl(`${prov}/001565123456.cfg`);
    const unknown = await curl(`${prov}/001565999999.cfg`);
    const wrong = await curl(`${prov}/001565123456.cfg`, { user: '001565123456', password: 'not-the-password' });
    const unknownCreds = await curl(`${prov}/001565999999.cfg`, { user: '001565999999', password: 'whatever' });
    const shape = (r: Awaited<ReturnType<typeof curl>>) => ({ status: r.status, body: r.body, headers: [...r.headers.keys()].filter((k) => k !== 'date').sort() });
    for (const r of [unknown, wrong, unknownCreds]) assert.deepEqual(shape(r), shape(known));
    assert.equal(known.status, 401);
    assert.match(known.headers.get('www-authenticate') ?? '', /^Digest realm="Hailing provisioning"/);
    const badToken = await curl(`${prov}/t/${'A'.repeat(32)}/001565123456.cfg`);
    assert.deepEqual({ status: badToken.status, body: badToken.body }, { status: 404, body: 'not found\n' });
    for (const r of [known, unknown, wrong, unknownCreds, badToken]) assert.doesNotMatch(r.body + [...r.headers.values()].join(), /1001|123456|account/);
    const pending = await poll('the pending MAC', async () => {
      const r = await server.api<{ items: { mac: string; via: string }[] }>('GET', '/api/v1/devices/pending');
      return r.body.items.find((i) => i.mac === '001565999999');
    });
    assert.equal(pending.via, 'http');
  });

  it('check-sync: the re-sync button sends NOTIFY Event: check-sync to the registered phone', async () => {
    const r = await server.api<{ contacts: number; statuses: number[] }>('POST', '/api/v1/devices/001565123456/resync');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { contacts: 1, statuses: [200] });
    const notify = await poll('the NOTIFY', () => notifies.find((n) => n.headers['event'] === 'check-sync'));
    assert.equal(notify.method, 'NOTIFY');
  });

  it('SIP PnP: a ua-profile SUBSCRIBE from an enrolled MAC gets the token URL in a NOTIFY; an unknown MAC gets 404 and is pending', async () => {
    const port = await freePort('127.0.0.6');
    const got: SipMessage[] = [];
    const ua = sip.create({ port, address: '127.0.0.6', publicAddress: '127.0.0.6', udp: true, tcp: false, logger: {} }, (rq) => {
      got.push(rq);
      ua.send(sip.makeResponse(rq, 200, 'OK'));
    });
    const subscribe = (mac: string) =>
      new Promise<SipMessage>((resolve) => {
        const me = `sip:MAC%3a${mac}@127.0.0.1`;
        ua.send(
          {
            method: 'SUBSCRIBE',
            uri: `sip:MAC%3a${mac}@127.0.0.1:${server.ports.sip}`,
            headers: {
              to: { uri: me, params: {} },
              from: { uri: me, params: { tag: randomToken() } },
              'call-id': randomToken(),
              cseq: { method: 'SUBSCRIBE', seq: 1 },
              contact: [{ uri: `sip:${mac}@127.0.0.6:${port}`, params: {} }],
              event: 'ua-profile;profile-type="device";vendor="Yealink";model="T46S";version="66.86.0.15"',
              accept: 'application/url',
              expires: '0',
              'max-forwards': 70,
            },
          },
          (rs) => (rs.status ?? 0) >= 200 && resolve(rs),
        );
      });
    try {
      assert.equal((await subscribe('001565123456')).status, 200);
      const notify = await poll('the PnP NOTIFY', () => got.find((m) => m.method === 'NOTIFY'));
      assert.equal(notify.headers['content-type'], 'application/url');
      const url = (notify.content ?? '').trim();
      assert.equal(url, (devices.get('yealink') as Enrolled).provisioning.tokenUrl);
      assert.equal((await curl(`${url}001565123456.cfg`)).status, 200);
      assert.equal((await subscribe('001565777777')).status, 404);
      await poll('the PnP pending MAC', async () => {
        const r = await server.api<{ items: { mac: string; via: string }[] }>('GET', '/api/v1/devices/pending');
        return r.body.items.find((i) => i.mac === '001565777777' && i.via === 'pnp');
      });
    } finally {
      ua.destroy();
    }
  });

  it('a scan of 100 MACs raises the alert on the events stream and in the audit log', async () => {
    const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/api/v1/events`, { headers: { authorization: `Bearer ${await server.token()}` } });
    const alerts: { type: string; alert?: string; detail?: { source?: string } }[] = [];
    ws.on('message', (d: Buffer) => {
      const e = JSON.parse(d.toString('utf8')) as (typeof alerts)[number];
      if (e.type === 'alert') alerts.push(e);
    });
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    try {
      const statuses = new Map<number, number>();
      for (let i = 0; i < 100; i++) {
        const r = await fetch(`${prov}/0015650${String(i).padStart(5, '0')}.cfg`);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        await r.arrayBuffer();
      }
      assert.deepEqual([...statuses.keys()].filter((s) => s !== 401 && s !== 429), [], 'only challenges and rate limiting');
      const alert = await poll('the alert', () => alerts.find((a) => a.alert === 'provisioning-scan'));
      assert.equal(alert.detail?.source, '127.0.0.1');
      const audit = await poll('the audit row', async () => {
        const r = await server.api<{ items: { action: string; source?: string }[] }>('GET', '/api/v1/audit?action=security.provisioning-scan');
        return r.body.items[0];
      });
      assert.equal(audit.source, '127.0.0.1');
    } finally {
      ws.close();
    }
  });
});
