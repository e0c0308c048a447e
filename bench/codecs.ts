// Codec cost: encode + decode of one 20 ms frame of a 600 Hz tone (plus light noise, so ADPCM and
// opus do real work), and the cost of concealing a lost frame, per codec and rate, in µs. Prints
// figures; asserts nothing.
//   flock /tmp/bench.lock npx tsx bench/codecs.ts [--frames 3000]
import { performance } from 'node:perf_hooks';
import { createCodec, type CodecName } from '../media/codecs/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const FRAMES = arg('frames', 3000);

const CASES: ReadonlyArray<{ name: CodecName; rate: number }> = [
  { name: 'PCMU', rate: 8000 },
  { name: 'PCMA', rate: 8000 },
  { name: 'G722', rate: 16000 },
  { name: 'L16', rate: 8000 },
  { name: 'L16', rate: 48000 },
  { name: 'opus', rate: 8000 },
  { name: 'opus', rate: 16000 },
  { name: 'opus', rate: 48000 },
];

function signal(rate: number, seconds: number): Int16Array {
  const pcm = new Int16Array(rate * seconds);
  let seed = 1;
  for (let i = 0; i < pcm.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    pcm[i] = Math.round(10000 * Math.sin((2 * Math.PI * 600 * i) / rate) + ((seed >>> 16) % 600) - 300);
  }
  return pcm;
}

const rows: string[] = [];
for (const c of CASES) {
  const codec = createCodec({ name: c.name, sampleRate: c.rate });
  const frame = c.rate / 50;
  const pcm = signal(c.rate, 2);
  const framesInSignal = pcm.length / frame;
  const payload = new Uint8Array(1500);
  const out = new Int16Array(frame * 6);
  const run = (count: number): { encodeUs: number; decodeUs: number } => {
    let encodeMs = 0;
    let decodeMs = 0;
    for (let f = 0; f < count; f++) {
      const at = (f % framesInSignal) * frame;
      const t0 = performance.now();
      const bytes = codec.encode(pcm.subarray(at, at + frame), frame, payload);
      const t1 = performance.now();
      codec.decode(payload, bytes, out);
      decodeMs += performance.now() - t1;
      encodeMs += t1 - t0;
    }
    return { encodeUs: (encodeMs * 1000) / count, decodeUs: (decodeMs * 1000) / count };
  };
  run(Math.min(500, FRAMES)); // warm-up: JIT and the encoder's start-up
  for (let i = 0; i < 200; i++) {
    codec.conceal(out, frame); // warm the concealment path too
    run(1);
  }
  const { encodeUs, decodeUs } = run(FRAMES);
  const lossRuns = Math.max(1, Math.floor(FRAMES / 10));
  let concealMs = 0;
  for (let i = 0; i < lossRuns; i++) {
    const t0 = performance.now();
    codec.conceal(out, frame);
    concealMs += performance.now() - t0;
    run(2); // back to good frames so each conceal starts a new erasure (pitch search)
  }
  codec.close();
  rows.push(
    `${`${c.name}@${c.rate}`.padEnd(12)} encode ${encodeUs.toFixed(1).padStart(7)} µs  decode ${decodeUs.toFixed(1).padStart(7)} µs  ` +
      `enc+dec ${(encodeUs + decodeUs).toFixed(1).padStart(7)} µs  conceal ${((concealMs * 1000) / lossRuns).toFixed(1).padStart(6)} µs`,
  );
}
process.stdout.write(`codecs: µs per 20 ms frame (${FRAMES} frames, node ${process.version})\n${rows.join('\n')}\n`);
