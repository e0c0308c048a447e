// One load-generator process of the media benches (transcode, conference, recording; see
// bench/transcode-harness.ts): one UDP socket per phone, each sending RTP every 20 ms to its engine
// endpoint and counting what comes back. G.711 payloads are a 400 Hz µ-law tone; Opus payloads are
// pre-encoded once with @discordjs/opus (1 s of a 1 kHz tone with light noise, cycled), so sending
// costs no encoding. Per receiving phone: sequence-based loss (RFC 3550 A.3: expected = extended
// highest − base + 1), wrong payload types, µ-law packets that are silence, and a histogram of the
// gaps between arrivals (0.1 ms buckets) while the phones send.
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { ULAW_ENCODE } from '../media/codecs/index.js';
import { GAP_BUCKET_MS, GAP_BUCKETS, PAYLOAD_TYPE, PERIOD_MS, type LoadCommand, type LoadCounts, type LoadSent, type PhoneCodec } from './transcode-protocol.js';

/** RFC 3551 §4.5.14 (8000 Hz) and RFC 7587 §4.1 (48000 Hz whatever the audio bandwidth) */
const YIELD_MS = 4;
const TIMESTAMP_STEP: Readonly<Record<PhoneCodec, number>> = { PCMU: 160, opus: 960 };

/** 50 frames of audio as RTP payloads: µ-law through the G.711 table, Opus through libopus */
function payloads(codec: PhoneCodec): Buffer[] {
  const frames: Buffer[] = [];
  if (codec === 'PCMU') {
    for (let f = 0; f < 50; f++) {
      const b = Buffer.alloc(160);
      for (let i = 0; i < 160; i++) b[i] = ULAW_ENCODE[Math.round(8000 * Math.sin((2 * Math.PI * 400 * (f * 160 + i)) / 8000)) & 0xffff]!;
      frames.push(b);
    }
    return frames;
  }
  const { OpusEncoder } = createRequire(import.meta.url)('@discordjs/opus') as typeof import('@discordjs/opus');
  const encoder = new OpusEncoder(48000, 1);
  encoder.setBitrate(32000);
  let seed = 7;
  for (let f = 0; f < 50; f++) {
    const pcm = Buffer.alloc(960 * 2);
    for (let i = 0; i < 960; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 1000 * (f * 960 + i)) / 48000) + ((seed >>> 16) % 800) - 400), i * 2);
    }
    frames.push(encoder.encode(pcm));
  }
  return frames;
}

const send = (m: unknown): void => void process.send?.(m);
const codecs = (process.argv[2] ?? '').split(',').filter((c) => c !== '') as PhoneCodec[];
const streams = codecs.length;
const frames: Record<PhoneCodec, Buffer[]> = { PCMU: payloads('PCMU'), opus: codecs.includes('opus') ? payloads('opus') : [] };

const sockets: dgram.Socket[] = [];
const bound: Promise<void>[] = [];
for (let s = 0; s < streams; s++) {
  // a literal-only lookup answers at once, so 'listening' may fire inside bind(): listen first
  const sock = dgram.createSocket({ type: 'udp4', lookup: (h, _o, cb) => cb(null, h, 4) });
  bound.push(new Promise((resolve) => sock.bind(0, '127.0.0.1', resolve)));
  sockets.push(sock);
}
await Promise.all(bound);

// receive state per phone; counting starts at 'run' (engine-originated streams flow before it)
const counting = { on: false, gaps: false };
const received = new Float64Array(streams);
const baseSeq = new Float64Array(streams).fill(-1);
const highest = new Float64Array(streams); // extended: cycles × 65536 + seq
const lastArrival = new Float64Array(streams).fill(-1);
const gaps = new Uint32Array(GAP_BUCKETS);
const tally = { wrongPayloadType: 0, silentPcmu: 0, pcmuPackets: 0, opusPackets: 0, opusBytes: 0 };

sockets.forEach((sock, s) => {
  const codec = codecs[s]!;
  const pt = PAYLOAD_TYPE[codec];
  sock.on('message', (msg: Buffer) => {
    if (!counting.on || msg.length < 12 || (msg[0]! & 0xc0) !== 0x80) return;
    const now = performance.now();
    received[s]!++;
    const seq = msg.readUInt16BE(2);
    if (baseSeq[s]! < 0) {
      baseSeq[s] = seq;
      highest[s] = seq;
    } else {
      // RFC 3550 A.1: a small forward step (mod 2^16) advances the highest; a wrap adds a cycle
      const last = highest[s]! % 65536;
      const delta = (seq - last + 65536) % 65536;
      if (delta > 0 && delta < 0x8000) highest[s] = highest[s]! + delta;
    }
    if (counting.gaps && lastArrival[s]! >= 0) gaps[Math.min(GAP_BUCKETS - 1, Math.round((now - lastArrival[s]!) / GAP_BUCKET_MS))]!++;
    lastArrival[s] = now;
    // payload checks while the phones send (not the engine's silence before and after)
    if (!counting.gaps) return;
    if ((msg[1]! & 0x7f) !== pt) {
      tally.wrongPayloadType++;
      return;
    }
    if (codec === 'opus') {
      tally.opusPackets++;
      tally.opusBytes += msg.length - 12;
      return;
    }
    tally.pcmuPackets++;
    // µ-law segment 0 (|x| ≤ 120 of 32767) in every byte: silence, not the tone or mix sent
    let loud = false;
    for (let i = 12; i < msg.length && !loud; i++) loud = (~msg[i]! & 0x70) !== 0;
    if (!loud) tally.silentPcmu++;
  });
});

async function run(command: Extract<LoadCommand, { type: 'run' }>): Promise<void> {
  const target = Int32Array.from(command.targets);
  const headers = codecs.map((codec, s) => {
    const b = Buffer.alloc(1500);
    b[0] = 0x80;
    b[1] = PAYLOAD_TYPE[codec];
    b.writeUInt32BE(0x10000 + s, 8);
    return b;
  });
  const firstTimestamp = codecs.map((_, s) => (s * 7919 * 160) >>> 0);
  // packet k is stream k % streams in round k / streams; phases spread evenly over the period
  // (this process's share of it), so due times only grow with k
  const total = Math.floor((command.seconds * 1000) / PERIOD_MS) * streams;
  const start = command.startEpochMs - performance.timeOrigin;
  const end = start + command.seconds * 1000 + PERIOD_MS;
  let k = 0;
  counting.on = true;
  const cpu0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      counting.gaps = true;
      const now = performance.now();
      // a generator that fell behind still yields every few ms, so that its phones keep reading
      // (else their socket buffers overflow and the loss is the generator's, not the engine's)
      const yieldAt = now + YIELD_MS;
      // a generator starved of CPU stops at the planned end instead of sending its backlog late
      while (k < total && now <= end) {
        if ((k & 63) === 0 && performance.now() > yieldAt) break;
        const s = k % streams;
        const round = Math.floor(k / streams);
        if (start + round * PERIOD_MS + command.phaseOffset + (s / streams) * command.phaseSpan > now) break;
        const codec = codecs[s]!;
        const b = headers[s]!;
        const payload = frames[codec][round % 50]!;
        b.writeUInt16BE(round & 0xffff, 2);
        b.writeUInt32BE((firstTimestamp[s]! + round * TIMESTAMP_STEP[codec]) >>> 0, 4);
        payload.copy(b, 12);
        sockets[s]!.send(b, 0, 12 + payload.length, target[s]!, '127.0.0.1');
        k++;
      }
      if (k >= total || now > end) resolve();
      else if (performance.now() > yieldAt) setImmediate(pump);
      else setTimeout(pump, 1);
    };
    setTimeout(pump, Math.max(0, start - performance.now()));
  });
  counting.gaps = false;
  const cpu = process.cpuUsage(cpu0);
  send({ type: 'sent', sent: Math.min(k, total), planned: total, sendSeconds: (performance.now() - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 } satisfies LoadSent);
}

function finish(): void {
  counting.on = false;
  let expected = 0;
  for (let s = 0; s < streams; s++) if (baseSeq[s]! >= 0) expected += highest[s]! - baseSeq[s]! + 1;
  const total = received.reduce((n, r) => n + r, 0);
  send({ type: 'counts', received: total, expected, ...tally, gaps: Array.from(gaps) } satisfies LoadCounts);
  setTimeout(() => process.exit(0), 100);
}

process.on('message', (command: LoadCommand) => {
  if (command.type === 'run') void run(command);
  else finish();
});
send({ type: 'ready', ports: sockets.map((s) => s.address().port) });
