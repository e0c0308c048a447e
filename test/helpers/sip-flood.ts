// The many-source flood of issue 18 §9 on loopback: `sources` addresses 127.1.x.y send REGISTER with
// a made-up Authorization (a nonce Hailing never issued, a random response) at `ratePerSecond` in
// all, while a legitimate phone on its own address starts a registration every 200 ms with the right
// password and a monitor on another address pings OPTIONS. Both retransmit as RFC 3261 §17.1.2.2
// says (T1 = 500 ms, doubling) and give up after `giveUpMs` (Timer F, 64·T1, as a phone does). Used by the regression test and by
// bench/register-flood.ts, which prints the figures.
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { digestCredentials, type Challenge } from './sip-digest.js';
import { startFloodSender } from './sip-flood-sender.js';

export interface FloodOptions {
  readonly sipPort: number;
  readonly realm: string;
  /** the extension the phone registers, and the flood guesses at */
  readonly user: string;
  readonly password: string;
  readonly sources: number;
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** a transaction with no final response by then counts as lost (default 32000: RFC 3261 Timer F, when a phone gives up) */
  readonly giveUpMs?: number;
  /** a new registration starts this often (default 200) */
  readonly registerEveryMs?: number;
  /** gap between OPTIONS pings (default 250) */
  readonly pingEveryMs?: number;
}

export interface FloodResult {
  readonly floodSent: number;
  readonly registrations: number;
  readonly registered: number;
  /** final statuses of the failed registrations (0: no answer) */
  readonly failures: number[];
  readonly pings: number;
  readonly pingsAnswered: number;
}

const PHONE = '127.0.2.1';
/** RFC 3261 §17.1.2.2: a non-INVITE client transaction times out after 64·T1 */
const TIMER_F_MS = 64 * 500;
const MONITOR = '127.0.3.1';
export const token = () => randomBytes(6).toString('hex');

export function bind(address: string): Promise<dgram.Socket> {
  const sock = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, address, () => resolve(sock));
  });
}

export function request(o: { method: string; local: string; localPort: number; sipPort: number; user: string; callId: string; cseq: number; branch: string; auth?: string }): string {
  const aor = `sip:${o.user}@127.0.0.1`;
  return [
    `${o.method} ${o.method === 'REGISTER' ? 'sip:127.0.0.1' : `sip:127.0.0.1:${o.sipPort}`} SIP/2.0`,
    `Via: SIP/2.0/UDP ${o.local}:${o.localPort};branch=${o.branch};rport`,
    'Max-Forwards: 70',
    `From: <${aor}>;tag=${o.callId.slice(0, 8)}`,
    `To: <${o.method === 'REGISTER' ? aor : 'sip:127.0.0.1'}>`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq} ${o.method}`,
    ...(o.method === 'REGISTER' ? [`Contact: <sip:${o.user}@${o.local}:${o.localPort}>`, 'Expires: 600'] : []),
    ...(o.auth ? [`Authorization: ${o.auth}`] : []),
    'User-Agent: flood-test',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Sends and retransmits (RFC 3261 §17.1.2.2) until a final response to `branch` or giveUpMs. */
function transact(sock: dgram.Socket, o: { bytes: string; branch: string; port: number; giveUpMs: number }): Promise<string | undefined> {
  return new Promise((resolve) => {
    let interval = 500;
    let timer: NodeJS.Timeout;
    const send = () => sock.send(o.bytes, o.port, '127.0.0.1');
    const onMessage = (msg: Buffer) => {
      const text = msg.toString('latin1');
      if (!text.includes(`branch=${o.branch}`) || /^SIP\/2\.0 1\d\d/.test(text)) return;
      done(text);
    };
    const done = (text: string | undefined) => {
      clearTimeout(timer);
      clearTimeout(giveUp);
      sock.off('message', onMessage);
      resolve(text);
    };
    const retransmit = () => {
      send();
      interval = Math.min(interval * 2, 4000);
      timer = setTimeout(retransmit, interval);
    };
    sock.on('message', onMessage);
    const giveUp = setTimeout(() => done(undefined), o.giveUpMs);
    send();
    timer = setTimeout(retransmit, interval);
  });
}

/** The WWW-Authenticate challenges of a 401, in order, values as they are written. */
function challenges(response: string): Challenge[] {
  const out: Challenge[] = [];
  for (const m of response.matchAll(/^WWW-Authenticate:\s*Digest\s+(.*)$/gim)) {
    const c: Challenge = { scheme: 'Digest' };
    for (const p of (m[1] ?? '').matchAll(/(\w+)=("[^"]*"|[^,\s]+)/g)) (c as unknown as Record<string, string>)[p[1]!.toLowerCase()] = p[2]!;
    out.push(c);
  }
  return out;
}

const statusOf = (response: string | undefined) => (response === undefined ? 0 : Number(/^SIP\/2\.0 (\d{3})/.exec(response)?.[1] ?? -1));

/** One registration as a phone does it: REGISTER, 401, REGISTER with credentials, 200. */
async function register(sock: dgram.Socket, o: FloodOptions & { callId: string; cseq: number }): Promise<number> {
  const localPort = sock.address().port;
  const giveUpMs = o.giveUpMs ?? TIMER_F_MS;
  const base = { method: 'REGISTER', local: PHONE, localPort, sipPort: o.sipPort, user: o.user, callId: o.callId };
  const first = `z9hG4bK-${token()}`;
  const challenge = await transact(sock, { bytes: request({ ...base, cseq: o.cseq, branch: first }), branch: first, port: o.sipPort, giveUpMs });
  if (statusOf(challenge) !== 401) return statusOf(challenge);
  const c = challenges(challenge!)[0];
  if (!c) return -1;
  const cred = digestCredentials({ challenge: c, user: o.user, password: o.password, method: 'REGISTER', uri: 'sip:127.0.0.1' });
  const auth = `Digest ${Object.entries(cred)
    .filter(([k]) => k !== 'scheme')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}`;
  const second = `z9hG4bK-${token()}`;
  return statusOf(await transact(sock, { bytes: request({ ...base, cseq: o.cseq + 1, branch: second, auth }), branch: second, port: o.sipPort, giveUpMs }));
}

export async function runFlood(o: FloodOptions): Promise<FloodResult> {
  const phone = await bind(PHONE);
  // one listener per transaction in flight
  phone.setMaxListeners(0);
  const monitor = await bind(MONITOR);
  // The flood is sent from its own thread: sending 5,000 packets a second (and discarding the
  // answers) in this event loop would delay the phone's and the monitor's timers and responses, and
  // the test would measure its own lateness rather than Hailing's.
  const flood = await startFloodSender({ sipPort: o.sipPort, realm: o.realm, sources: o.sources, ratePerSecond: o.ratePerSecond, durationMs: o.durationMs + 4000, user: o.user });
  const end = Date.now() + o.durationMs;

  const failures: number[] = [];
  let registrations = 0;
  // A registration starts every registerEveryMs whether the last one has finished or not, as phones
  // behind one address do, so a slow server shows as failures rather than as fewer attempts.
  const attempts: Promise<void>[] = [];
  const phoneLoop = (async () => {
    for (let n = 0; Date.now() < end; n++) {
      registrations++;
      attempts.push(
        register(phone, { ...o, callId: `legit-${n}-${token()}`, cseq: 1 }).then((status) => {
          if (status !== 200) failures.push(status);
        }),
      );
      await new Promise((r) => setTimeout(r, o.registerEveryMs ?? 200));
    }
    await Promise.all(attempts);
  })();
  let pings = 0;
  let pingsAnswered = 0;
  const monitorLoop = (async () => {
    const localPort = monitor.address().port;
    while (Date.now() < end) {
      pings++;
      const branch = `z9hG4bK-${token()}`;
      const bytes = request({ method: 'OPTIONS', local: MONITOR, localPort, sipPort: o.sipPort, user: 'monitor', callId: token(), cseq: 1, branch });
      const response = await transact(monitor, { bytes, branch, port: o.sipPort, giveUpMs: o.giveUpMs ?? TIMER_F_MS });
      if (statusOf(response) === 200) pingsAnswered++;
      await new Promise((r) => setTimeout(r, o.pingEveryMs ?? 250));
    }
  })();
  await Promise.all([phoneLoop, monitorLoop]);
  const floodSent = await flood.stop();
  for (const s of [phone, monitor]) s.close();
  return { floodSent, registrations, registered: registrations - failures.length, failures, pings, pingsAnswered };
}
