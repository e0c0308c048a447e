// Measures how strong given frequencies are in a stretch of a WAV file, so that a test can tell
// which of several phones' tones a phone heard (conference, monitoring). sox, an independent tool,
// reads the file (any rate or channel count) and hands us 8 kHz mono samples; a Goertzel filter
// (one DFT bin) under a Hann window gives each frequency's amplitude. The window keeps the other
// tones' leakage into a bin far below the levels the tests compare (sidelobes fall ~18 dB/octave).
import { execFile } from 'node:child_process';

const RATE = 8000;

function sox(args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('sox', args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`sox ${args.join(' ')}: ${err.message}\n${stderr.toString()}`));
      else resolve(stdout);
    });
  });
}

/** The file's length in seconds (sox --info). */
export async function wavLengthS(file: string): Promise<number> {
  const out = await sox(['--info', '-D', file]);
  return Number(out.toString().trim());
}

/** 8 kHz mono samples in [-1, 1) from `startS` for `durationS` (less when the file ends sooner). */
export async function readSamples(o: { file: string; startS: number; durationS: number }): Promise<Float64Array> {
  const raw = await sox([o.file, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-c', '1', '-r', String(RATE), '-L', '-', 'trim', o.startS.toFixed(3), o.durationS.toFixed(3)]);
  const out = new Float64Array(raw.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = raw.readInt16LE(i * 2) / 32768;
  return out;
}

/**
 * The amplitude of `hz` in dBFS (0 dBFS: a full-scale sine), from a Hann-windowed Goertzel bin.
 * A sine of amplitude A gives |X| = A·N/4 under a Hann window (its mean is 1/2).
 */
export function toneDbfs(samples: Float64Array, hz: number): number {
  const n = samples.length;
  if (n === 0) return -Infinity;
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const s0 = samples[i]! * w + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  const amplitude = (4 * Math.sqrt(Math.max(power, 0))) / n;
  return 20 * Math.log10(Math.max(amplitude, 1e-12));
}

/** RMS of the samples in dBFS (a full-scale sine is -3 dBFS). */
export function rmsDbfs(samples: Float64Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return 10 * Math.log10(Math.max(sum / Math.max(samples.length, 1), 1e-24));
}

export interface ToneLevels {
  /** dBFS per frequency asked for */
  readonly levels: ReadonlyMap<number, number>;
  readonly rmsDb: number;
  /** seconds actually measured */
  readonly seconds: number;
}

/** The level of each of `hz` in the stretch [startS, startS + durationS) of `file`. */
export async function measureTones(o: { file: string; hz: readonly number[]; startS: number; durationS: number }): Promise<ToneLevels> {
  const samples = await readSamples(o);
  return { levels: new Map(o.hz.map((f) => [f, toneDbfs(samples, f)])), rmsDb: rmsDbfs(samples), seconds: samples.length / RATE };
}

/** `levels` as "400 Hz -12.3 dB, 800 Hz -71.0 dB" for assertion messages. */
export function describeLevels(t: ToneLevels): string {
  return [...t.levels].map(([hz, db]) => `${hz} Hz ${db.toFixed(1)} dB`).join(', ') + ` (RMS ${t.rmsDb.toFixed(1)} dB over ${t.seconds.toFixed(2)} s)`;
}

/**
 * The levels in the wall-clock stretch [from, to) (ms since the epoch) of a dump written in real
 * time that ended at `endedAt` (a phone's decoded audio ends when its call closes): the file's start
 * is `endedAt` minus its length. Undefined when less than `minS` of the stretch lies in the file.
 */
export async function measureWallClock(o: {
  file: string;
  hz: readonly number[];
  endedAt: number;
  from: number;
  to: number;
  minS?: number;
}): Promise<(ToneLevels & { startS: number }) | undefined> {
  const startAt = o.endedAt - (await wavLengthS(o.file)) * 1000;
  const startS = (o.from - startAt) / 1000;
  const durationS = (o.to - o.from) / 1000;
  if (startS < 0 || durationS < (o.minS ?? 1)) return undefined;
  const levels = await measureTones({ file: o.file, hz: o.hz, startS, durationS });
  return levels.seconds < (o.minS ?? 1) ? undefined : { ...levels, startS };
}

/** the loudest 1 s stretch of `hz` in a file, with the other tones' levels there */
export async function strongest(file: string, hz: number, others: readonly number[]): Promise<{ at: number; db: number; otherDb: number }> {
  const length = await wavLengthS(file);
  let best = { at: 0, db: -Infinity, otherDb: -Infinity };
  for (let at = 0; at + 1 <= length; at += 0.5) {
    const t = await measureTones({ file, hz: [hz, ...others], startS: at, durationS: 1 });
    const db = t.levels.get(hz)!;
    if (db > best.db) best = { at, db, otherDb: Math.max(...others.map((f) => t.levels.get(f)!)) };
  }
  return best;
}
