// One load-generator process of bench/relay.ts: phones A and B of calls [first, first + count),
// G.711 packets (172 bytes, 20 ms) both ways, send time in the payload. Reports counts and a
// latency histogram (10 µs buckets) over IPC.
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';

const PACKET = 172; // 12 RTP header + 160 bytes of G.711 (20 ms at 8000 Hz)
const PERIOD_MS = 20;
const BUCKET_MS = 0.01;
type Command = { type: 'run'; targets: number[]; startEpochMs: number; seconds: number; phaseOffset: number; phaseSpan: number };
const send = (m: unknown): void => void process.send?.(m);

const streams = Number(process.argv[2]);
const sockets: dgram.Socket[] = [];
const bound: Promise<void>[] = [];
for (let s = 0; s < streams; s++) {
  // a literal-only lookup answers at once, so 'listening' may fire inside bind(): listen first
  const sock = dgram.createSocket({ type: 'udp4', lookup: (h, _o, cb) => cb(null, h, 4) });
  bound.push(new Promise((resolve) => sock.bind(0, '127.0.0.1', resolve)));
  sockets.push(sock);
}
await Promise.all(bound);

const histogram = new Uint32Array(100_001);
let received = 0;
let measuring = true;
const onMessage = (msg: Buffer): void => {
  if (!measuring || msg.length < 20) return;
  const latency = performance.now() - msg.readDoubleLE(12);
  histogram[Math.min(histogram.length - 1, Math.max(0, Math.round(latency / BUCKET_MS)))]!++;
  received++;
};
for (const s of sockets) s.on('message', onMessage);

async function run(command: Command): Promise<void> {
  const target = Int32Array.from(command.targets);
  const buffers = sockets.map((_, s) => {
    const b = Buffer.alloc(PACKET);
    b[0] = 0x80;
    b.writeUInt32BE(0x10000 + s, 8);
    return b;
  });
  // packet k is stream k % streams in round k / streams; phases spread evenly over the period
  // (this process's share of it), so due times only grow with k
  const total = Math.floor((command.seconds * 1000) / PERIOD_MS) * streams;
  const start = command.startEpochMs - performance.timeOrigin;
  let k = 0;
  const cpu0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const now = performance.now();
      while (k < total) {
        const s = k % streams;
        const round = Math.floor(k / streams);
        if (start + round * PERIOD_MS + command.phaseOffset + (s / streams) * command.phaseSpan > now) break;
        const b = buffers[s]!;
        b.writeUInt16BE(round & 0xffff, 2);
        b.writeUInt32BE((round * 160) >>> 0, 4);
        b.writeDoubleLE(performance.now(), 12);
        sockets[s]!.send(b, target[s]!, '127.0.0.1');
        k++;
      }
      if (k < total) setTimeout(pump, 1);
      else resolve();
    };
    setTimeout(pump, Math.max(0, start - performance.now()));
  });
  const sendSeconds = (performance.now() - start) / 1000;
  await new Promise((r) => setTimeout(r, 500)); // packets still in flight
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  send({ type: 'done', sent: total, received, sendSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, histogram: Array.from(histogram) });
}

process.on('message', (command: Command) => {
  if (command.type === 'run') void run(command).then(() => setTimeout(() => process.exit(0), 100));
});
send({ type: 'ready', ports: sockets.map((s) => s.address().port) });
