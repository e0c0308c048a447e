/**
 * Test-only helpers for the codec tests: sox (an independent implementation) to make and convert
 * signals, and measurements (Goertzel tone fraction, RMS, SNR) that do not depend on our codecs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** null when sox runs, else why not (tests skip with this message) */
export const SOX_MISSING: string | null = (() => {
  const r = spawnSync('sox', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'sox is not installed: skipping comparisons against sox';
})();

export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'hailing-codecs-'));
  path(name: string): string {
    return join(this.dir, name);
  }
  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs sox; throws with its stderr when it fails. Returns stdout + stderr (stat prints to stderr). */
export function sox(args: readonly string[]): string {
  const r = spawnSync('sox', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sox ${args.join(' ')} failed: ${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

/** Raw mono 16-bit little-endian PCM, as sox writes `-e signed -b 16` on this machine. */
export function readPcm(path: string): Int16Array {
  const bytes = readFileSync(path);
  const out = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(2 * i);
  return out;
}

export function writePcm(path: string, pcm: Int16Array): void {
  const bytes = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) bytes.writeInt16LE(pcm[i]!, 2 * i);
  writeFileSync(path, bytes);
}

export const RAW16 = (rate: number): string[] => ['-t', 'raw', '-r', String(rate), '-e', 'signed', '-b', '16', '-c', '1'];

/** A sox-made sine (`synth sine`), `gainDb` below full scale. */
export function soxSine(o: { scratch: Scratch; rate: number; hz: number; seconds: number; gainDb?: number }): Int16Array {
  const file = o.scratch.path(`sine-${o.rate}-${o.hz}.raw`);
  sox(['-n', ...RAW16(o.rate), file, 'synth', String(o.seconds), 'sine', String(o.hz), 'gain', String(o.gainDb ?? -6)]);
  return readPcm(file);
}

/** sox `stat` "Rough frequency" of PCM: an independent estimate of the dominant frequency. */
export function soxRoughHz(o: { scratch: Scratch; rate: number; pcm: Int16Array }): number {
  const file = o.scratch.path('measure.raw');
  writePcm(file, o.pcm);
  const text = sox([...RAW16(o.rate), file, '-n', 'stat']);
  const m = /Rough\s+frequency:\s+(-?[0-9.]+)/.exec(text);
  if (!m?.[1]) throw new Error(`no rough frequency in sox stat output:\n${text}`);
  return Number(m[1]);
}

/**
 * Share of the signal's energy at `hz` (Goertzel), 1 for a pure tone over whole periods; phase
 * does not matter, so codec delay does not either.
 */
export function toneFraction(o: { pcm: Int16Array; rate: number; hz: number }): number {
  const n = o.pcm.length;
  const coeff = 2 * Math.cos((2 * Math.PI * o.hz) / o.rate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const x = o.pcm[i]!;
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (n * energy);
}

export function rms(pcm: Int16Array): number {
  let e = 0;
  for (const x of pcm) e += x * x;
  return pcm.length === 0 ? 0 : Math.sqrt(e / pcm.length);
}

/** SNR in dB of `decoded` against `reference` delayed by the best lag in [0, maxLag]. */
export function alignedSnrDb(o: { reference: Int16Array; decoded: Int16Array; maxLag: number; skip: number }): { snrDb: number; lag: number } {
  let best = { snrDb: -Infinity, lag: 0 };
  for (let lag = 0; lag <= o.maxLag; lag++) {
    let signal = 0;
    let noise = 0;
    for (let i = o.skip; i + lag < o.decoded.length && i < o.reference.length; i++) {
      const ref = o.reference[i]!;
      const err = o.decoded[i + lag]! - ref;
      signal += ref * ref;
      noise += err * err;
    }
    const snrDb = 10 * Math.log10(signal / Math.max(noise, 1e-9));
    if (snrDb > best.snrDb) best = { snrDb, lag };
  }
  return best;
}

/** The largest sample-to-sample step, a click detector. */
export function maxStep(pcm: Int16Array, from = 1, to = pcm.length): number {
  let max = 0;
  for (let i = Math.max(1, from); i < to; i++) max = Math.max(max, Math.abs(pcm[i]! - pcm[i - 1]!));
  return max;
}
