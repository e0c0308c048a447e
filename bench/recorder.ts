// Call recording load: N concurrent recordings in one thread, fed one 20 ms stereo 8 kHz frame per
// tick at real time (as a media worker's tick does) for S seconds, first as WAV, then as Ogg/Opus.
// Prints CPU per frame, how long a tick's writes took, dropped frames (target: 0) and bytes
// written. Files go to a temp dir, deleted after. Asserts nothing.
//   flock /tmp/bench.lock npx tsx bench/recorder.ts [--wav 500] [--ogg 100] [--seconds 10]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Recorder, type RecordingFormat } from '../media/recorder/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const WAV_N = arg('wav', 500);
const OGG_N = arg('ogg', 100);
const SECONDS = arg('seconds', 10);
const RATE = 8000;
const FRAME = RATE / 50;
const TICK_MS = 20;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function run(format: RecordingFormat, n: number, dir: string): Promise<void> {
  if (n <= 0) return;
  const recorders: Recorder[] = [];
  for (let i = 0; i < n; i++) {
    // Calls start at different moments, so their once-a-second flushes fall on different ticks;
    // offsetting each clock by up to a second reproduces that (all at once, one tick would issue
    // N file writes).
    const offset = (i % 50) * TICK_MS;
    const now = (): number => performance.now() + offset;
    recorders.push(await Recorder.open({ path: path.join(dir, `r${i}.${format}`), format, sampleRate: RATE, channels: 2, now }));
  }
  const left = new Int16Array(FRAME);
  const right = new Int16Array(FRAME);
  const ticks = SECONDS * 50;
  const tickMs = new Float64Array(ticks);
  // CPU time of the tick too: on a shared machine the wall figure includes time descheduled
  const tickCpuMs = new Float64Array(ticks);
  let phase = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let k = 0;
  // bounded by the tick count and by wall time: a machine that cannot keep up stops on time
  for (; k < ticks && performance.now() - start < SECONDS * 1000; k++) {
    // a speech-like level: two tones, new samples every tick so Opus cannot coast on silence
    for (let i = 0; i < FRAME; i++, phase++) {
      left[i] = Math.round(6000 * Math.sin((2 * Math.PI * 400 * phase) / RATE));
      right[i] = Math.round(6000 * Math.sin((2 * Math.PI * 850 * phase) / RATE));
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const r of recorders) r.write(left, right, FRAME);
    tickMs[k] = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    tickCpuMs[k] = (c1.user + c1.system) / 1000;
    // drift-free 20 ms schedule; the event loop runs the background writes in between
    await sleep(start + (k + 1) * TICK_MS - performance.now());
  }
  const wall = performance.now() - start;
  const results = await Promise.all(recorders.map((r) => r.close()));
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const frames = n * k;
  const sorted = Array.from(tickMs.subarray(0, k)).sort((a, b) => a - b);
  const sortedCpu = Array.from(tickCpuMs.subarray(0, k)).sort((a, b) => a - b);
  const dropped = results.reduce((s, r) => s + r.droppedFrames, 0);
  const bytes = results.reduce((s, r) => s + r.bytes, 0);
  const errors = results.filter((r) => r.error !== null).length;
  const lines = [
    `${format.toUpperCase()}: ${n} stereo ${RATE} Hz recordings × ${SECONDS} s (${frames} frames) in ${(wall / 1000).toFixed(1)} s wall${k < ticks ? ` (real time not kept: ${k} of ${ticks} ticks)` : ''}`,
    `  CPU ${(cpuMs / 1000).toFixed(2)} s (${((cpuMs / wall) * 100).toFixed(0)} % of one core, incl. close), ${((cpuMs * 1000) / frames).toFixed(2)} µs per frame`,
    `  tick (${n} writes): p50 ${sorted[Math.floor(k / 2)]?.toFixed(2)} ms, p99 ${sorted[Math.floor(k * 0.99)]?.toFixed(2)} ms, max ${sorted[k - 1]?.toFixed(2)} ms wall; CPU p50 ${sortedCpu[Math.floor(k / 2)]?.toFixed(2)} ms, p99 ${sortedCpu[Math.floor(k * 0.99)]?.toFixed(2)} ms`,
    `  dropped frames ${dropped} (target 0), write errors ${errors}, bytes written ${(bytes / 1e6).toFixed(1)} MB`,
    `  one core would carry about ${Math.floor((TICK_MS * 1000) / ((cpuMs * 1000) / frames))} such recordings`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'hailing-bench-rec-'));
try {
  await run('wav', WAV_N, dir);
  await run('ogg', OGG_N, dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}
