// REGISTER load generator, run as a second process by bench/register.ts. Each simulated phone does
// the two-step digest exchange over UDP (REGISTER → 401 → REGISTER with Authorization → 200).
// Its digest code is written here from RFC 7616 with node:crypto, independent of server/sip/auth.
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';

interface Args {
  host: string;
  port: number;
  domain: string;
  users: number;
  firstUser: number;
  passwordPrefix: string;
  total: number;
  window: number;
  sources: number;
  algorithm: 'SHA-256' | 'MD5';
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const h = (alg: string, s: string) => createHash(alg === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');

interface Pending {
  user: string;
  step: 1 | 2;
  sock: dgram.Socket;
  local: string;
  startedAt: bigint;
  timer: NodeJS.Timeout;
}

const pending = new Map<string, Pending>();
let sent = 0;
let ok = 0;
let failed = 0;
const failures = new Map<string, number>();
const latencies: number[] = [];
let done: () => void;
const finished = new Promise<void>((r) => (done = r));

function message(p: Pending, callId: string, auth?: string): Buffer {
  const [addr, port] = p.local.split(':');
  const lines = [
    `REGISTER sip:${args.domain} SIP/2.0`,
    `Via: SIP/2.0/UDP ${addr}:${port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${p.user}@${args.domain}>;tag=${callId.slice(0, 8)}`,
    `To: <sip:${p.user}@${args.domain}>`,
    `Call-ID: ${callId}`,
    `CSeq: ${p.step} REGISTER`,
    `Contact: <sip:${p.user}@${addr}:${port}>`,
    'Expires: 3600',
    'User-Agent: hailing-bench',
  ];
  if (auth) lines.push(`Authorization: ${auth}`);
  lines.push('Content-Length: 0', '', '');
  return Buffer.from(lines.join('\r\n'));
}

function fail(callId: string, why: string) {
  const p = pending.get(callId);
  if (!p) return;
  clearTimeout(p.timer);
  pending.delete(callId);
  failed++;
  failures.set(why, (failures.get(why) ?? 0) + 1);
  next();
}

function send(p: Pending, callId: string, auth?: string) {
  clearTimeout(p.timer);
  p.timer = setTimeout(() => fail(callId, 'timeout'), 5000);
  const [, port] = p.local.split(':');
  p.sock.send(message(p, callId, auth), args.port, args.host);
  void port;
}

const sockets: { sock: dgram.Socket; local: string }[] = [];

/** Start the next registration. A user always registers from the same socket, as a phone would. */
function next() {
  if (sent >= args.total) {
    if (pending.size === 0) done();
    return;
  }
  const i = sent++ % args.users;
  const user = String(args.firstUser + i);
  const { sock, local } = sockets[i % sockets.length]!;
  const callId = randomBytes(9).toString('hex');
  const p: Pending = { user, step: 1, sock, local, startedAt: process.hrtime.bigint(), timer: setTimeout(() => {}, 0) };
  pending.set(callId, p);
  send(p, callId);
}

function header(text: string, name: string): string | undefined {
  const m = text.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'im'));
  return m?.[1]?.trim();
}

function onResponse(buf: Buffer) {
  const text = buf.toString('latin1');
  const status = Number(text.slice(8, 11));
  const callId = header(text, '(?:Call-ID|i)');
  if (!callId) return;
  const p = pending.get(callId);
  if (!p || status < 200) return;
  if (status === 401 && p.step === 1) {
    const challenges = text.match(/^WWW-Authenticate\s*:.*$/gim) ?? [];
    const chosen = challenges.find((c) => c.includes(`algorithm=${args.algorithm}`)) ?? challenges[0];
    if (!chosen) return fail(callId, 'no challenge');
    const param = (n: string) => chosen.match(new RegExp(`${n}="?([^",]*)"?`))?.[1] ?? '';
    const realm = param('realm');
    const nonce = param('nonce');
    const opaque = param('opaque');
    const alg = param('algorithm') || 'MD5';
    const uri = `sip:${args.domain}`;
    const cnonce = randomBytes(8).toString('hex');
    const nc = '00000001';
    const password = `${args.passwordPrefix}${p.user}`;
    const ha1 = h(alg, `${p.user}:${realm}:${password}`);
    const ha2 = h(alg, `REGISTER:${uri}`);
    const response = h(alg, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
    const auth =
      `Digest username="${p.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", ` +
      `algorithm=${alg}, cnonce="${cnonce}", qop=auth, nc=${nc}` + (opaque ? `, opaque="${opaque}"` : '');
    p.step = 2;
    send(p, callId, auth);
    return;
  }
  clearTimeout(p.timer);
  pending.delete(callId);
  if (status === 200 && p.step === 2) {
    ok++;
    latencies.push(Number(process.hrtime.bigint() - p.startedAt) / 1e6);
  } else {
    failed++;
    failures.set(`status ${status}`, (failures.get(`status ${status}`) ?? 0) + 1);
  }
  next();
}

async function main() {
  for (let s = 0; s < args.sources; s++) {
    const address = `127.0.0.${2 + (s % 250)}`;
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, address, () => r()));
    sock.on('message', onResponse);
    sockets.push({ sock, local: `${address}:${sock.address().port}` });
  }
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let w = 0; w < args.window; w++) next();
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  process.stdout.write(
    JSON.stringify({
      registrations: ok,
      failed,
      failures: Object.fromEntries(failures),
      seconds,
      perSecond: ok / seconds,
      failureRate: failed / Math.max(1, ok + failed),
      p50ms: pct(0.5),
      p99ms: pct(0.99),
      loadGeneratorCpuSeconds: (cpu.user + cpu.system) / 1e6,
    }) + '\n',
  );
  for (const s of sockets) s.sock.close();
}

void main();
