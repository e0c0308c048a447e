// The callee side of the call-setup benchmark, run as its own process by bench/calls.ts. Each
// callee registers over raw UDP with digest, then answers every INVITE at once: 100 (optional), 180,
// 200 with a G.711 answer; it retransmits the 200 until the ACK and answers BYE with 200.
// In self mode (no server) it also plays the server's part for the caller: 407 challenge, digest
// check; the caller then talks to it directly, so the generator can be tested against itself.
import dgram from 'node:dgram';
import {
  T1_MS, T2_MS, answerFormats, challengeValue, credentials, header, headerLines, parse, pickChallenge, randomToken,
  request, response, sdp, tagOf, uriOf, userOf, verifyCredentials,
} from './calls-sip.js';
import type { SipRequest, SipResponse } from '../server/sip/index.js';
import type { UasArgs, UasStats } from './calls-protocol.js';

const args = JSON.parse(process.argv[2] ?? '{}') as UasArgs;
const stats: UasStats = {
  invites: 0, inviteRetransmissions: 0, answered: 0, acks: 0, byes: 0, cancels: 0, okRetransmissions: 0, noAck: 0, unknownDialog: 0,
  rejected: {}, cpuSeconds: 0,
};
const reject = (why: string) => (stats.rejected[why] = (stats.rejected[why] ?? 0) + 1);

interface Socket {
  sock: dgram.Socket;
  address: string;
  port: number;
}
const sockets: Socket[] = [];

interface Dialog {
  toTag: string;
  /** the last response to the INVITE, re-sent when the INVITE is retransmitted (RFC 3261 §17.2.1) */
  last?: Buffer;
  state: 'ringing' | 'answered' | 'confirmed' | 'ended';
  timer?: NodeJS.Timeout;
  request: SipRequest;
  to: { port: number; address: string };
  sock: Socket;
}
const dialogs = new Map<string, Dialog>();
let nextMediaPort = 0;

function send(s: Socket, buf: Buffer, to: { port: number; address: string }) {
  s.sock.send(buf, to.port, to.address);
}

function forget(callId: string, d: Dialog) {
  clearTimeout(d.timer);
  d.state = 'ended';
  // kept a while so that retransmitted BYEs still find the dialog
  setTimeout(() => dialogs.delete(callId), 10_000).unref();
}

/** RFC 3261 §13.3.1.4: the 2xx is retransmitted at T1, doubling to T2, until the ACK; 64*T1 gives up. */
function retransmitOk(callId: string, d: Dialog, interval: number, elapsed: number) {
  d.timer = setTimeout(() => {
    if (d.state !== 'answered' || !d.last) return;
    if (elapsed + interval >= 64 * T1_MS) {
      stats.noAck++;
      forget(callId, d);
      return;
    }
    stats.okRetransmissions++;
    send(d.sock, d.last, d.to);
    retransmitOk(callId, d, Math.min(interval * 2, T2_MS), elapsed + interval);
  }, interval);
}

function answer(callId: string, d: Dialog) {
  if (d.state !== 'ringing') return;
  const offer = Buffer.from(d.request.body).toString('latin1');
  const formats = answerFormats(offer);
  const contact = `<sip:${userOf(d.request.uri) || 'bench'}@${d.sock.address}:${d.sock.port}>`;
  if (!formats) {
    // RFC 3261 §21.4.26: nothing acceptable in the offer
    reject('488 no G.711 in offer');
    d.last = response({ request: d.request, status: 488, reason: 'Not Acceptable Here', toTag: d.toTag });
    send(d.sock, d.last, d.to);
    forget(callId, d);
    return;
  }
  const port = 40000 + 2 * (nextMediaPort++ % 10000);
  const body = sdp({ address: d.sock.address, port, payloads: [formats.payload], eventPt: formats.eventPt });
  d.last = response({ request: d.request, status: 200, reason: 'OK', toTag: d.toTag, contact, copyRecordRoute: true, body });
  d.state = 'answered';
  stats.answered++;
  send(d.sock, d.last, d.to);
  retransmitOk(callId, d, T1_MS, 0);
}

function onInvite(s: Socket, req: SipRequest, to: { port: number; address: string }) {
  const callId = header(req, 'Call-ID');
  const existing = dialogs.get(callId);
  if (existing) {
    // RFC 3261 §17.2.1: a retransmitted INVITE gets the latest response again
    stats.inviteRetransmissions++;
    if (existing.last) send(s, existing.last, to);
    return;
  }
  if (args.selfAuth) {
    const auth = headerLines(req, 'Proxy-Authorization')[0];
    if (auth === undefined) {
      // RFC 3261 §22.3: challenge; statelessly, like Hailing (the ACK for it is absorbed below)
      const toTag = randomToken(4);
      send(s, response({ request: req, status: 407, reason: 'Proxy Authentication Required', toTag,
        extra: [`Proxy-Authenticate: ${challengeValue({ realm: args.selfAuth.realm, algorithm: args.algorithm })}`] }), to);
      return;
    }
    const user = userOf(uriOf(header(req, 'From')));
    const v = verifyCredentials({ value: auth, password: `${args.passwordPrefix}${user}`, method: 'INVITE' });
    if (!v.ok || v.username !== user) {
      reject('403 bad credentials');
      send(s, response({ request: req, status: 403, reason: 'Forbidden', toTag: randomToken(4) }), to);
      return;
    }
  }
  stats.invites++;
  const d: Dialog = { toTag: randomToken(4), state: 'ringing', request: req, to, sock: s };
  dialogs.set(callId, d);
  if (args.trying) {
    d.last = response({ request: req, status: 100, reason: 'Trying' });
    send(s, d.last, to);
  }
  const contact = `<sip:${userOf(req.uri) || 'bench'}@${s.address}:${s.port}>`;
  d.last = response({ request: req, status: 180, reason: 'Ringing', toTag: d.toTag, contact, copyRecordRoute: true });
  send(s, d.last, to);
  if (args.ringMs > 0) d.timer = setTimeout(() => answer(callId, d), args.ringMs);
  else answer(callId, d);
}

function onRequest(s: Socket, req: SipRequest, to: { port: number; address: string }) {
  const callId = header(req, 'Call-ID');
  const d = dialogs.get(callId);
  switch (req.method) {
    case 'INVITE':
      return onInvite(s, req, to);
    case 'ACK':
      // an ACK for a 2xx confirms the dialog (RFC 3261 §13.3.1.4); one for a non-2xx ends nothing
      if (d?.state === 'answered' && tagOf(header(req, 'To')) === d.toTag) {
        clearTimeout(d.timer);
        d.state = 'confirmed';
        stats.acks++;
      }
      return;
    case 'BYE':
      if (!d || tagOf(header(req, 'To')) !== d.toTag) {
        // RFC 3261 §15.1.2: no matching dialog
        stats.unknownDialog++;
        send(s, response({ request: req, status: 481, reason: 'Call/Transaction Does Not Exist' }), to);
        return;
      }
      if (d.state !== 'ended') stats.byes++;
      send(s, response({ request: req, status: 200, reason: 'OK' }), to);
      forget(callId, d);
      return;
    case 'CANCEL':
      stats.cancels++;
      send(s, response({ request: req, status: 200, reason: 'OK', toTag: d?.toTag }), to);
      if (d?.state === 'ringing') {
        // RFC 3261 §9.2: the INVITE is answered 487
        d.last = response({ request: d.request, status: 487, reason: 'Request Terminated', toTag: d.toTag });
        send(s, d.last, d.to);
        forget(callId, d);
      }
      return;
    default:
      // OPTIONS keepalives and anything else: 200, nothing is kept
      send(s, response({ request: req, status: 200, reason: 'OK', toTag: randomToken(4) }), to);
  }
}

// --- registration (hailing mode): REGISTER → 401 → REGISTER with Authorization → 200 ----------
const registrations = new Map<string, { user: string; s: Socket; step: number; done: (ok: boolean) => void; timer: NodeJS.Timeout }>();

function registerMessage(user: string, s: Socket, callId: string, step: number, auth?: string): Buffer {
  const aor = `sip:${user}@${args.domain}`;
  return request({
    method: 'REGISTER',
    uri: `sip:${args.domain}`,
    via: `SIP/2.0/UDP ${s.address}:${s.port};branch=z9hG4bK${randomToken()};rport`,
    headers: [
      `From: <${aor}>;tag=${callId.slice(0, 8)}`, `To: <${aor}>`, `Call-ID: ${callId}`, `CSeq: ${step} REGISTER`,
      `Contact: <sip:${user}@${s.address}:${s.port}>`, 'Expires: 3600', ...(auth ? [`Authorization: ${auth}`] : []),
    ],
  });
}

function onRegisterResponse(res: SipResponse) {
  const callId = header(res, 'Call-ID');
  const r = registrations.get(callId);
  if (!r || res.status < 200 || !args.server) return;
  if (res.status === 401 && r.step === 1) {
    const c = pickChallenge(headerLines(res, 'WWW-Authenticate'), args.algorithm);
    if (c) {
      r.step = 2;
      const auth = credentials({ challenge: c, username: r.user, password: `${args.passwordPrefix}${r.user}`, method: 'REGISTER', uri: `sip:${args.domain}` });
      send(r.s, registerMessage(r.user, r.s, callId, 2, auth), { address: args.server.host, port: args.server.port });
      return;
    }
  }
  clearTimeout(r.timer);
  registrations.delete(callId);
  r.done(res.status === 200 && r.step === 2);
}

function register(user: string, s: Socket): Promise<boolean> {
  const server = args.server!;
  return new Promise((done) => {
    const callId = randomToken(9);
    const timer = setTimeout(() => (registrations.delete(callId), done(false)), 10_000);
    registrations.set(callId, { user, s, step: 1, done, timer });
    send(s, registerMessage(user, s, callId, 1), { address: server.host, port: server.port });
  });
}

function onMessage(s: Socket, buf: Buffer, rinfo: dgram.RemoteInfo) {
  const msg = parse(buf);
  if (!msg) return;
  if (msg.kind === 'response') return onRegisterResponse(msg);
  onRequest(s, msg, { address: rinfo.address, port: rinfo.port });
}

async function main() {
  for (let i = 0; i < args.sources; i++) {
    const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    const address = `127.0.0.${100 + (i % 150)}`;
    await new Promise<void>((r) => sock.bind(0, address, () => r()));
    const s: Socket = { sock, address, port: sock.address().port };
    sock.on('message', (buf, rinfo) => onMessage(s, buf, rinfo));
    sockets.push(s);
  }
  let registered = 0;
  if (args.server) {
    // a bounded window of registrations in flight, so start-up does not trip rate limits
    let next = 0;
    const worker = async () => {
      while (next < args.callees) {
        const i = next++;
        if (await register(String(args.firstCallee + i), sockets[i % sockets.length]!)) registered++;
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
  }
  const cpu0 = process.cpuUsage();
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') {
      const c = process.cpuUsage(cpu0);
      process.send?.({ type: 'stats', stats: { ...stats, cpuSeconds: (c.user + c.system) / 1e6 } });
    } else if (m.type === 'stop') process.exit(0);
  });
  // the bench process went away (stopped, crashed or interrupted): nothing is left running
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', registered, targets: sockets.map((s) => ({ host: s.address, port: s.port })) });
}

void main();
