// SIP over WebSocket (RFC 7118), the way a browser softphone (JsSIP) registers: text frames on a
// "sip" subprotocol connection, over WS and over WSS with the server's generated certificate.
// The digest answer is computed here from RFC 7616 §3.4.1 with node:crypto.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function register(o: { user: string; callId: string; cseq: number; viaHost: string; transport: 'WS' | 'WSS'; authorization?: string }): string {
  return [
    'REGISTER sip:127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/${o.transport} ${o.viaHost}.invalid;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
    'Max-Forwards: 70',
    `From: <sip:${o.user}@127.0.0.1>;tag=${o.callId.slice(0, 6)}`,
    `To: <sip:${o.user}@127.0.0.1>`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq} REGISTER`,
    // RFC 7118 §5: a browser cannot be reached by address, so JsSIP registers an .invalid host
    `Contact: <sip:${o.user}@${o.viaHost}.invalid;transport=ws>;expires=600`,
    'User-Agent: ws-test (a browser softphone)',
    ...(o.authorization ? [`Authorization: ${o.authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

async function registerOver(url: string, user: string, password: string, transport: 'WS' | 'WSS', ca?: string): Promise<{ status: number; ws: WebSocket }> {
  const ws = new WebSocket(url, 'sip', ca ? { ca } : {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  assert.equal(ws.protocol, 'sip', 'RFC 7118 §4: the server accepts the "sip" subprotocol');
  const next = () => new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
  const callId = randomBytes(8).toString('hex');
  const viaHost = randomBytes(4).toString('hex');
  ws.send(register({ user, callId, cseq: 1, viaHost, transport }));
  const challenge = await next();
  assert.match(challenge, /^SIP\/2\.0 401 /);
  const line = challenge.split('\r\n').find((l) => /^WWW-Authenticate:.*algorithm=SHA-256/i.test(l)) ?? '';
  const param = (n: string) => line.match(new RegExp(`${n}="?([^",]*)"?`))?.[1] ?? '';
  const uri = 'sip:127.0.0.1';
  const cnonce = randomBytes(8).toString('hex');
  const response = sha256(`${sha256(`${user}:${param('realm')}:${password}`)}:${param('nonce')}:00000001:${cnonce}:auth:${sha256(`REGISTER:${uri}`)}`);
  const authorization =
    `Digest username="${user}", realm="${param('realm')}", nonce="${param('nonce')}", uri="${uri}", response="${response}", ` +
    `algorithm=SHA-256, cnonce="${cnonce}", qop=auth, nc=00000001, opaque="${param('opaque')}"`;
  ws.send(register({ user, callId, cseq: 2, viaHost, transport, authorization }));
  const final = await next();
  return { status: Number(final.slice(8, 11)), ws };
}

describe('SIP over WebSocket (RFC 7118)', () => {
  let server: HailingProcess;
  const sockets: WebSocket[] = [];
  before(async () => {
    server = await startHailing();
    for (const n of ['4001', '4002']) assert.equal((await server.api('POST', '/api/v1/extensions', { number: n, password: `ws-secret-${n}`, displayName: n })).status, 201);
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.kill();
  });

  it('registers over WS and over WSS and is listed with that transport', async () => {
    const ws = await registerOver(`ws://127.0.0.1:${server.ports.ws}`, '4001', 'ws-secret-4001', 'WS');
    sockets.push(ws.ws);
    assert.equal(ws.status, 200);
    const ca = readFileSync(path.join(server.dataDir, 'tls', 'selfsigned-cert.pem'), 'utf8');
    const wss = await registerOver(`wss://127.0.0.1:${server.ports.wss}`, '4002', 'ws-secret-4002', 'WSS', ca);
    sockets.push(wss.ws);
    assert.equal(wss.status, 200);
    const list = (await server.api<{ items: { aor: string; transport: string }[] }>('GET', '/api/v1/registrations')).body.items;
    assert.deepEqual(
      list.map((b) => [b.aor, b.transport]).sort(),
      [
        ['sip:4001@127.0.0.1', 'ws'],
        ['sip:4002@127.0.0.1', 'wss'],
      ],
    );
  });

  it('refuses a WebSocket handshake without the "sip" subprotocol', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.ports.ws}`);
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
      ws.once('error', () => resolve('error'));
    });
    ws.terminate();
    assert.notEqual(outcome, 'open');
  });
});
