// IVR step latency through SIP and the media workers (issue 15): N concurrent callers dial a DID
// whose dial plan step is an IVR flow, hear the welcome and menu prompts (RTP from Hailing's media
// workers), press 1 as RFC 4733 events, and the time from the key's first end packet to the first
// audible RTP packet of the next prompt is the step latency; pressing 9 ends the call (key → BYE).
// A key pressed before its prompt's end, or a prompt heard twice (a timeout), counts as a failure.
// Also: the TTS prompt cache's hit rate in the measured run (new cache files = misses) and the
// server's CPU per IVR call. The callers send RTP only for their keys (no microphone stream), so the
// figure is what the IVR adds, not the cost of N inbound audio streams (bench/relay.ts has that).
//   HAILING_TEST_DIST=1 node --import tsx bench/ivr-calls.ts [--calls 200] [--spread-s 5]
import dgram from 'node:dgram';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchServer } from './calls-server.js';
import { cpuSeconds, sleep } from './calls-process.js';
import { credentials, cseqOf, header, headerLines, parse, percentiles, pickChallenge, randomToken, request, response, sdp, tagOf, uriOf } from './calls-sip.js';
import type { SipResponse } from '../server/sip/index.js';

const { values: o } = parseArgs({ options: { calls: { type: 'string', default: '200' }, 'spread-s': { type: 'string', default: '5' } } });
const CALLS = Number(o.calls);
const SPREAD_MS = Number(o['spread-s']) * 1000;
const HOST = '127.0.0.1';
const PASSWORD = 'bench-ivr-';
/** a packet whose mean |sample| is above this (of 32767) is speech, not silence or comfort noise */
const AUDIBLE = 300;
/** quiet this long after speech: the prompt has ended and the caller presses its key */
const QUIET_MS = 1000;

// one prompt before each key, so "a prompt followed by quiet" is unambiguous to the caller
const FLOW = {
  start: 'main',
  nodes: {
    main: { verb: 'menu', prompt: { say: 'Welcome to Hailing support. For your balance press 1.' }, choices: { '1': 'more' }, timeoutMs: 15000 },
    more: { verb: 'menu', prompt: { say: 'Your balance is one hundred yuan. To end the call press 9.' }, choices: { '9': 'bye' }, timeoutMs: 15000 },
    bye: { verb: 'hangup' },
  },
};

/** G.711 µ-law to linear (ITU-T G.711 §3.2, inverted bits) */
function ulaw(b: number): number {
  const u = ~b & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}
const level = (payload: Buffer): number => {
  let sum = 0;
  for (const b of payload) sum += Math.abs(ulaw(b));
  return payload.length === 0 ? 0 : sum / payload.length;
};

interface Call {
  readonly id: string;
  readonly caller: string;
  readonly fromTag: string;
  readonly rtp: dgram.Socket;
  cseq: number;
  /** the INVITE's branch: the ACK for a non-2xx final response reuses it (RFC 3261 §17.1.1.3) */
  branch: string;
  toTag?: string;
  target?: string;
  rtpTo?: { port: number; address: string };
  heardAt: number;
  speaking: boolean;
  keys: string[];
  keyAt: number | null;
  rtpSeq: number;
  rtpTs: number;
  done: (failure?: string) => void;
}

const server = await startBenchServer({ numbers: Array.from({ length: CALLS }, (_, i) => String(20000 + i)), passwordPrefix: PASSWORD, onPid: () => undefined }).then((b) => b.server);
const flow = await server.api<{ id: number }>('POST', '/api/v1/ivr/flows', { name: 'bench', document: FLOW });
await server.api('POST', '/api/v1/dialplan', { pattern: '800', steps: [{ kind: 'flow', flow: flow.body.id }] });
const sip = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
await new Promise<void>((r) => sip.bind(0, HOST, () => r()));
const sipPort = sip.address().port;
const calls = new Map<string, Call>();
const stepMs: number[] = [];
const byeMs: number[] = [];
const failures: Record<string, number> = {};
let prompts = 0;
let measuring = false;

const send = (buf: Buffer) => sip.send(buf, server.ports.sip, HOST);
const invite = (c: Call, auth?: string) =>
  request({
    method: 'INVITE',
    uri: `sip:800@${HOST}`,
    via: `SIP/2.0/UDP ${HOST}:${sipPort};branch=${(c.branch = `z9hG4bK${randomToken()}`)};rport`,
    headers: [`From: <sip:${c.caller}@${HOST}>;tag=${c.fromTag}`, `To: <sip:800@${HOST}>`, `Call-ID: ${c.id}`, `CSeq: ${c.cseq} INVITE`, `Contact: <sip:${c.caller}@${HOST}:${sipPort}>`, ...(auth ? [auth] : [])],
    body: sdp({ address: HOST, port: c.rtp.address().port, payloads: [0], eventPt: 101 }),
  });

/** RFC 4733 §2.5: three packets of the event, then the end bit three times; one timestamp for the event */
async function press(c: Call, key: string) {
  const to = c.rtpTo;
  if (!to) return;
  const ssrc = 0x1234abcd;
  // one RTP stream per call: sequence numbers and timestamps go on from the last key (RFC 3550 §5.1)
  c.rtpTs = (c.rtpTs + 8000) >>> 0;
  const ts = c.rtpTs;
  const packet = (duration: number, end: boolean, marker: boolean) => {
    const p = Buffer.alloc(16);
    p[0] = 0x80;
    p[1] = (marker ? 0x80 : 0) | 101;
    p.writeUInt16BE(c.rtpSeq++ & 0xffff, 2);
    p.writeUInt32BE(ts >>> 0, 4);
    p.writeUInt32BE(ssrc, 8);
    p[12] = key === '*' ? 10 : key === '#' ? 11 : Number(key);
    p[13] = (end ? 0x80 : 0) | 10;
    p.writeUInt16BE(duration, 14);
    return p;
  };
  for (let i = 1; i <= 3; i++) {
    c.rtp.send(packet(160 * i, false, i === 1), to.port, to.address);
    await sleep(20);
  }
  c.keyAt = performance.now();
  for (let i = 0; i < 3; i++) c.rtp.send(packet(640, true, false), to.port, to.address);
}

function onRtp(c: Call, buf: Buffer) {
  if (buf.length <= 12 || (buf[1]! & 0x7f) !== 0) return;
  const now = performance.now();
  if (level(buf.subarray(12)) < AUDIBLE) return;
  if (!c.speaking) {
    c.speaking = true;
    if (c.keyAt !== null) {
      if (measuring) stepMs.push(now - c.keyAt);
      c.keyAt = null;
    }
    prompts++;
  }
  c.heardAt = now;
}

function onResponse(c: Call, res: SipResponse) {
  const { seq, method } = cseqOf(res);
  if (method !== 'INVITE' || res.status < 200 || seq !== c.cseq) return;
  const ackTo = (uri: string, cseq: number, branch = `z9hG4bK${randomToken()}`) =>
    send(request({ method: 'ACK', uri, via: `SIP/2.0/UDP ${HOST}:${sipPort};branch=${branch};rport`, headers: [`From: <sip:${c.caller}@${HOST}>;tag=${c.fromTag}`, `To: ${header(res, 'To')}`, `Call-ID: ${c.id}`, `CSeq: ${cseq} ACK`] }));
  if (res.status === 407 && c.cseq === 1) {
    ackTo(`sip:800@${HOST}`, 1, c.branch);
    const challenge = pickChallenge(headerLines(res, 'Proxy-Authenticate'), 'SHA-256');
    if (!challenge) return c.done('407 without a challenge');
    c.cseq = 2;
    send(invite(c, `Proxy-Authorization: ${credentials({ challenge, username: c.caller, password: `${PASSWORD}${c.caller}`, method: 'INVITE', uri: `sip:800@${HOST}` })}`));
    return;
  }
  if (res.status >= 300) return c.done(`INVITE ${res.status}`);
  if (c.toTag !== undefined) return;
  c.toTag = tagOf(header(res, 'To'));
  c.target = uriOf(header(res, 'Contact'));
  ackTo(c.target, c.cseq);
  const body = String(res.body);
  const port = Number(/^m=audio (\d+)/m.exec(body)?.[1]);
  const address = /^c=IN IP4 (\S+)/m.exec(body)?.[1] ?? HOST;
  c.rtpTo = { port, address };
}

sip.on('message', (buf, rinfo) => {
  const msg = parse(buf);
  if (!msg) return;
  const c = calls.get(header(msg, 'Call-ID'));
  if (msg.kind === 'response') return c && onResponse(c, msg);
  if (msg.method === 'ACK') return;
  sip.send(response({ request: msg, status: 200, reason: 'OK' }), rinfo.port, rinfo.address);
  if (msg.method === 'BYE' && c) {
    if (c.keyAt !== null && measuring) byeMs.push(performance.now() - c.keyAt);
    c.done(c.keys.length === 0 ? undefined : 'BYE before the last key');
  }
});

async function placeCall(n: number): Promise<void> {
  const rtp = dgram.createSocket('udp4');
  await new Promise<void>((r) => rtp.bind(0, HOST, () => r()));
  await new Promise<void>((resolve) => {
    const c: Call = { id: randomToken(10), caller: String(20000 + n), fromTag: randomToken(4), rtp, cseq: 1, branch: '', heardAt: 0, speaking: false, keys: ['1', '9'], keyAt: null, rtpSeq: Math.floor(Math.random() * 0x7fff), rtpTs: Math.floor(Math.random() * 0x7fffffff), done: () => undefined };
    const timer = setTimeout(() => c.done('no end within 90 s'), 90_000);
    // the caller presses its next key once a prompt has been followed by QUIET_MS of quiet
    const quiet = setInterval(() => {
      if (!c.speaking || performance.now() - c.heardAt < QUIET_MS || c.keyAt !== null) return;
      c.speaking = false;
      const key = c.keys.shift();
      if (key !== undefined) void press(c, key);
    }, 20);
    c.done = (failure) => {
      clearTimeout(timer);
      clearInterval(quiet);
      calls.delete(c.id);
      rtp.close();
      if (failure !== undefined) failures[failure] = (failures[failure] ?? 0) + 1;
      resolve();
    };
    rtp.on('message', (buf) => onRtp(c, buf));
    calls.set(c.id, c);
    send(invite(c));
  });
}

const cacheFiles = () => readdirSync(path.join(server.dataDir, 'tts-cache')).length;
try {
  // warm-up: one call, so each prompt is in the cache before the measured run ("prompts from the cache")
  await placeCall(0);
  const files0 = cacheFiles();
  const prompts0 = prompts;
  const cpu0 = cpuSeconds(server.pid);
  const t0 = performance.now();
  measuring = true;
  await Promise.all(Array.from({ length: CALLS }, (_, n) => sleep((n * SPREAD_MS) / CALLS).then(() => placeCall(n))));
  const wallS = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(server.pid) - cpu0;
  const misses = cacheFiles() - files0;
  const heard = prompts - prompts0;
  const f = (p: ReturnType<typeof percentiles>) => `p50 ${p.p50.toFixed(1)}  p99 ${p.p99.toFixed(1)}  max ${p.max.toFixed(1)} ms (n=${p.n})`;
  console.log(`IVR calls through SIP: ${CALLS} callers arriving over ${SPREAD_MS / 1000} s, ${wallS.toFixed(1)} s in all; failures ${JSON.stringify(failures)}`);
  console.log(`key (RFC 4733 end packet) → first audible RTP packet of the next prompt: ${f(percentiles(stepMs))}`);
  console.log(`key 9 → the server's BYE (hangup verb): ${f(percentiles(byeMs))}`);
  console.log(`TTS cache: ${heard} prompts heard, ${misses} synthesised (hit rate ${((100 * (heard - misses)) / Math.max(1, heard)).toFixed(1)} %)`);
  console.log(`server CPU: ${((cpu * 1000) / CALLS).toFixed(1)} ms per IVR call (${cpu.toFixed(1)} s over ${wallS.toFixed(1)} s)`);
} finally {
  sip.close();
  await server.kill();
}
