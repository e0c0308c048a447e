// The caller side of the call-setup benchmark, run as its own process by bench/calls.ts. For each
// `run` command it places calls open-loop at the given rate: INVITE with a G.711 offer → 407 → ACK →
// INVITE with Proxy-Authorization → 100/180/200 → ACK → (hold) → BYE → 200, over raw UDP, with the
// RFC 3261 retransmissions, and reports counts and latencies.
import dgram from 'node:dgram';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  T1_MS, T2_MS, credentials, cseqOf, header, headerLines, parse, percentiles, pickChallenge, randomToken, request,
  response, sdp, tagOf, uriOf,
} from './calls-sip.js';
import type { SipRequest, SipResponse } from '../server/sip/index.js';
import type { LoadArgs, RunCommand, RunResult } from './calls-protocol.js';

const args = JSON.parse(process.argv[2] ?? '{}') as LoadArgs;

interface Socket {
  sock: dgram.Socket;
  address: string;
  port: number;
}
const sockets: Socket[] = [];

type Phase = 'invite' | 'answered' | 'bye' | 'done';
interface Call {
  callId: string;
  caller: string;
  uri: string;
  s: Socket;
  target: { host: string; port: number };
  fromTag: string;
  phase: Phase;
  /** 1 for the first INVITE, 2 once it carries credentials */
  cseq: number;
  branch: string;
  /** the ACK for the 407, re-sent if the 407 is retransmitted */
  challengeAck?: Buffer;
  out: Buffer;
  ack?: Buffer;
  toTag?: string;
  remoteTarget?: string;
  provisional: boolean;
  retx?: NodeJS.Timeout;
  deadline?: NodeJS.Timeout;
  hold?: NodeJS.Timeout;
  holdMs: number;
  t0: bigint;
  tInvite: bigint;
  t180?: bigint;
  tBye?: bigint;
}

const calls = new Map<string, Call>();
let run: { cmd: RunCommand; sample: Record<'i180' | 'i200' | 'f180' | 'f200' | 'bye', number[]>; r: RunResult; first200?: bigint; last200?: bigint; launched: number; total: number; finish: () => void } | undefined;
const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;

function finishCall(c: Call, failure?: string) {
  if (c.phase === 'done') return;
  c.phase = 'done';
  clearTimeout(c.retx);
  clearTimeout(c.deadline);
  clearTimeout(c.hold);
  // kept a few seconds so retransmitted final responses still get their ACK
  setTimeout(() => calls.delete(c.callId), 5_000).unref();
  if (!run) return;
  if (failure) {
    run.r.failed++;
    run.r.failures[failure] = (run.r.failures[failure] ?? 0) + 1;
  } else run.r.completed++;
  if (run.r.completed + run.r.failed === run.total && run.launched === run.total) run.finish();
}

/**
 * RFC 3261 §17.1.1.2 Timer A (INVITE, until a provisional) and §17.1.2.2 Timer E (BYE, capped at
 * T2). The phase's deadline (--timeout-ms) runs from the first transmission, not from each copy.
 */
function transmit(c: Call, interval = T1_MS, first = true) {
  c.s.sock.send(c.out, c.target.port, c.target.host);
  clearTimeout(c.retx);
  c.retx = setTimeout(() => {
    if (c.phase === 'done' || (c.phase !== 'bye' && c.provisional)) return;
    if (c.phase !== 'bye' && run) run.r.inviteRetransmissions++;
    transmit(c, c.phase === 'bye' ? Math.min(interval * 2, T2_MS) : interval * 2, false);
  }, interval);
  if (!first) return;
  clearTimeout(c.deadline);
  c.deadline = setTimeout(() => finishCall(c, `${c.phase === 'bye' ? 'BYE' : 'INVITE'} timeout`), args.timeoutMs);
}

/** `auth` is a whole header line: Proxy-Authorization after a 407, Authorization after a 401 */
function invite(c: Call, cseq: number, auth?: string): Buffer {
  c.branch = `z9hG4bK${randomToken()}`;
  const body = sdp({ address: c.s.address, port: 30000 + 2 * (Number.parseInt(c.callId.slice(0, 4), 16) % 5000), payloads: [0, 8], eventPt: 101 });
  return request({
    method: 'INVITE',
    uri: c.uri,
    via: `SIP/2.0/UDP ${c.s.address}:${c.s.port};branch=${c.branch};rport`,
    headers: [
      `From: <sip:${c.caller}@${args.domain}>;tag=${c.fromTag}`, `To: <${c.uri}>`, `Call-ID: ${c.callId}`, `CSeq: ${cseq} INVITE`,
      `Contact: <sip:${c.caller}@${c.s.address}:${c.s.port}>`, 'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS',
      ...(auth ? [auth] : []),
    ],
    body,
  });
}

/**
 * RFC 3261 §17.1.1.3: the ACK for a non-2xx final response belongs to the INVITE transaction (same
 * branch, Request-URI and CSeq number); §13.2.2.4: the ACK for a 2xx is its own request to the
 * remote target, with a new branch.
 */
function ack(c: Call, res: SipResponse, cseq: number, twoxx: boolean): Buffer {
  return request({
    method: 'ACK',
    uri: twoxx ? (c.remoteTarget ?? c.uri) : c.uri,
    via: `SIP/2.0/UDP ${c.s.address}:${c.s.port};branch=${twoxx ? `z9hG4bK${randomToken()}` : c.branch};rport`,
    headers: [`From: <sip:${c.caller}@${args.domain}>;tag=${c.fromTag}`, `To: ${header(res, 'To')}`, `Call-ID: ${c.callId}`, `CSeq: ${cseq} ACK`],
  });
}

function bye(c: Call) {
  if (c.phase !== 'answered') return;
  c.phase = 'bye';
  c.tBye = process.hrtime.bigint();
  c.out = request({
    method: 'BYE',
    uri: c.remoteTarget ?? c.uri,
    via: `SIP/2.0/UDP ${c.s.address}:${c.s.port};branch=z9hG4bK${randomToken()};rport`,
    headers: [`From: <sip:${c.caller}@${args.domain}>;tag=${c.fromTag}`, `To: <${c.uri}>;tag=${c.toTag}`, `Call-ID: ${c.callId}`, `CSeq: ${c.cseq + 1} BYE`],
  });
  transmit(c);
}

function onInviteResponse(c: Call, res: SipResponse, seq: number) {
  const now = process.hrtime.bigint();
  if (seq !== c.cseq) {
    // the challenged transaction's final response again: its ACK was lost (RFC 3261 §17.1.1.2)
    if (res.status >= 300 && c.challengeAck) c.s.sock.send(c.challengeAck, c.target.port, c.target.host);
    return;
  }
  if (res.status < 200) {
    c.provisional = true;
    clearTimeout(c.retx);
    if ((res.status === 180 || res.status === 183) && c.t180 === undefined) {
      c.t180 = now;
      if (c.phase !== 'invite') {
        if (run) run.r.late180++;
      } else {
        run?.sample.i180.push(ms(c.tInvite, now));
        run?.sample.f180.push(ms(c.t0, now));
      }
    }
    return;
  }
  if (res.status >= 300) {
    const a = ack(c, res, c.cseq, false);
    c.s.sock.send(a, c.target.port, c.target.host);
    if (c.phase !== 'invite') return; // a retransmission of the final response we already had
    const challenged = (res.status === 407 || res.status === 401) && c.cseq === 1;
    if (!challenged) return finishCall(c, c.cseq > 1 && res.status === 407 ? 'INVITE 407 (credentials refused)' : `INVITE ${res.status}`);
    const challenge = pickChallenge(headerLines(res, res.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate'), args.algorithm);
    if (!challenge) return finishCall(c, `INVITE ${res.status} without a usable challenge`);
    const auth = credentials({ challenge, username: c.caller, password: `${args.passwordPrefix}${c.caller}`, method: 'INVITE', uri: c.uri });
    // RFC 3261 §22.2: the same Call-ID and From tag, CSeq + 1; §22.3 (407) and §22.2 (401) name the header
    c.challengeAck = a;
    c.cseq = 2;
    c.provisional = false;
    c.tInvite = now;
    c.out = invite(c, 2, `${res.status === 407 ? 'Proxy-Authorization' : 'Authorization'}: ${auth}`);
    transmit(c);
    return;
  }
  // 2xx: every one, retransmissions included, is ACKed (RFC 3261 §13.2.2.4)
  if (c.phase !== 'invite') {
    if (c.ack && tagOf(header(res, 'To')) === c.toTag) c.s.sock.send(c.ack, c.target.port, c.target.host);
    return;
  }
  c.toTag = tagOf(header(res, 'To'));
  const contact = header(res, 'Contact');
  c.remoteTarget = contact ? uriOf(contact) : c.uri;
  c.ack = ack(c, res, c.cseq, true);
  c.s.sock.send(c.ack, c.target.port, c.target.host);
  c.phase = 'answered';
  clearTimeout(c.retx);
  clearTimeout(c.deadline);
  if (run) {
    run.sample.i200.push(ms(c.tInvite, now));
    run.sample.f200.push(ms(c.t0, now));
    if (c.t180 === undefined) run.r.no180++;
    run.first200 ??= now;
    run.last200 = now;
  }
  c.hold = setTimeout(() => bye(c), c.holdMs);
}

function onResponse(res: SipResponse) {
  const c = calls.get(header(res, 'Call-ID'));
  if (!c) return;
  const { seq, method } = cseqOf(res);
  if (method === 'INVITE') return onInviteResponse(c, res, seq);
  if (method === 'BYE' && c.phase === 'bye' && res.status >= 200) {
    if (res.status === 200 || res.status === 481) {
      // 481: the dialog had already ended at the other side; the call was still set up and released
      if (run && c.tBye !== undefined) run.sample.bye.push(ms(c.tBye, process.hrtime.bigint()));
      return finishCall(c, res.status === 481 ? 'BYE 481' : undefined);
    }
    finishCall(c, `BYE ${res.status}`);
  }
}

function onRequest(s: Socket, req: SipRequest, rinfo: dgram.RemoteInfo) {
  const to = { address: rinfo.address, port: rinfo.port };
  const c = calls.get(header(req, 'Call-ID'));
  if (req.method === 'ACK') return;
  if (req.method === 'BYE') {
    // the far end (or Hailing's media timeout) ended the call before our BYE
    s.sock.send(response({ request: req, status: c ? 200 : 481, reason: c ? 'OK' : 'Call/Transaction Does Not Exist' }), to.port, to.address);
    if (c && c.phase !== 'done' && c.phase !== 'bye') finishCall(c, 'BYE from the server before ours');
    return;
  }
  // OPTIONS keepalives, re-INVITEs we do not expect, anything else: a plain 200 without a body
  s.sock.send(response({ request: req, status: 200, reason: 'OK', toTag: tagOf(header(req, 'To')) ? undefined : randomToken(4) }), to.port, to.address);
}

function launch(n: number) {
  if (!run) return;
  const { cmd } = run;
  const callerIdx = n % args.callers;
  const calleeIdx = n % args.callees;
  const caller = String(args.firstCaller + callerIdx);
  const callee = String(args.firstCallee + calleeIdx);
  const now = process.hrtime.bigint();
  const c: Call = {
    callId: randomToken(10),
    caller,
    uri: `sip:${callee}@${args.domain}`,
    s: sockets[callerIdx % sockets.length]!,
    target: args.targets[calleeIdx % args.targets.length]!,
    fromTag: randomToken(4),
    phase: 'invite',
    cseq: 1,
    branch: '',
    out: Buffer.alloc(0),
    provisional: false,
    holdMs: cmd.holdMinMs + Math.random() * (cmd.holdMaxMs - cmd.holdMinMs),
    t0: now,
    tInvite: now,
  };
  calls.set(c.callId, c);
  c.out = invite(c, 1);
  transmit(c);
}

let callCounter = 0;

function startRun(cmd: RunCommand): Promise<RunResult> {
  const total = Math.max(1, Math.round(cmd.rate * cmd.durationS));
  const r: RunResult = {
    attempted: total, completed: 0, failed: 0, failures: {}, setupPerSecond: 0, seconds: 0, inviteRetransmissions: 0, no180: 0, late180: 0, loadCpuSeconds: 0, loopDelayP99Ms: NaN,
    inviteTo180: percentiles([]), inviteTo200: percentiles([]), firstInviteTo180: percentiles([]), firstInviteTo200: percentiles([]), byeTo200: percentiles([]),
  };
  const cpu0 = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const finish = () => {
      const cpu = process.cpuUsage(cpu0);
      const cur = run!;
      r.seconds = ms(started, process.hrtime.bigint()) / 1000;
      const span = cur.first200 !== undefined && cur.last200 !== undefined ? ms(started, cur.last200) / 1000 : NaN;
      r.setupPerSecond = r.completed > 0 && span > 0 ? (cur.sample.i200.length / span) : 0;
      r.inviteTo180 = percentiles(cur.sample.i180);
      r.inviteTo200 = percentiles(cur.sample.i200);
      r.firstInviteTo180 = percentiles(cur.sample.f180);
      r.firstInviteTo200 = percentiles(cur.sample.f200);
      r.byeTo200 = percentiles(cur.sample.bye);
      r.loadCpuSeconds = (cpu.user + cpu.system) / 1e6;
      loop.disable();
      r.loopDelayP99Ms = loop.percentile(99) / 1e6;
      run = undefined;
      resolve(r);
    };
    run = { cmd, r, sample: { i180: [], i200: [], f180: [], f200: [], bye: [] }, launched: 0, total, finish };
    // open loop: calls start on schedule whether or not earlier ones have finished
    const interval = 1000 / cmd.rate;
    let due = 0;
    const tick = () => {
      const cur = run;
      if (!cur) return;
      const elapsed = ms(started, process.hrtime.bigint());
      while (cur.launched < total && due <= elapsed) {
        cur.launched++;
        launch(callCounter++);
        due += cmd.arrival === 'poisson' ? -Math.log(1 - Math.random()) * interval : interval;
      }
      if (cur.launched < total) setTimeout(tick, Math.max(0, due - elapsed - 0.5));
    };
    tick();
  });
}

async function main() {
  for (let i = 0; i < args.sources; i++) {
    const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    const address = `127.0.0.${2 + (i % 90)}`;
    await new Promise<void>((r) => sock.bind(0, address, () => r()));
    const s: Socket = { sock, address, port: sock.address().port };
    sock.on('message', (buf, rinfo) => {
      const msg = parse(buf);
      if (!msg) return;
      if (msg.kind === 'response') onResponse(msg);
      else onRequest(s, msg, rinfo);
    });
    sockets.push(s);
  }
  process.on('message', (m: RunCommand | { type: 'stop' }) => {
    if (m.type === 'run') void startRun(m).then((result) => process.send?.({ type: 'result', result }));
    else process.exit(0);
  });
  // the bench process went away (stopped, crashed or interrupted): nothing is left running
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready' });
}

void main();
