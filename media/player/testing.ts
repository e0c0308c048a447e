// Test support (not built): fixtures made by sox and measurements taken by sox, an independent
// implementation, so tests of the resampler and the WAV reader never check our output against itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  readonly path: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'hailing-player-'));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** runs sox and returns what it printed (stat prints on stderr) */
export function sox(args: readonly string[]): string {
  return execFileSync('sox', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 }) ?? '';
}

function soxStderr(args: readonly string[]): string {
  const r = spawnSync('sox', args, { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`sox ${args.join(' ')}: ${r.stderr}`);
  return r.stderr;
}

/** signed 16-bit native-endian raw file → samples */
export function readRaw(path: string): Int16Array {
  const b = readFileSync(path);
  const copy = new Uint8Array(b.length - (b.length % 2));
  copy.set(b.subarray(0, copy.length));
  return new Int16Array(copy.buffer);
}

export function writeRaw(path: string, samples: Int16Array): void {
  writeFileSync(path, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
}

/** a mono 16-bit tone made by sox at `rate`: `sox -D -n -r RATE -b 16 -e signed-integer -c 1 x.raw synth S sine HZ vol V` */
export function soxTone(o: { dir: TempDir; rate: number; hz: number; seconds: number; volume?: number }): Int16Array {
  const f = o.dir.file(`tone-${o.rate}-${o.hz}-${o.seconds}.raw`);
  sox(['-D', '-n', '-r', String(o.rate), '-b', '16', '-e', 'signed-integer', '-c', '1', f, 'synth', String(o.seconds), 'sine', String(o.hz), 'vol', String(o.volume ?? 0.5)]);
  return readRaw(f);
}

interface Measure {
  readonly dir: TempDir;
  readonly samples: Int16Array;
  readonly rate: number;
  /** seconds cut from the start and from the end before measuring (filter transients) */
  readonly trimS?: number;
  /** sox effects applied before measuring, e.g. ['sinc', '4500'] (a high-pass) */
  readonly effects?: readonly string[];
}

function measured(o: Measure, extra: readonly string[]): string {
  const f = o.dir.file(`measure-${process.hrtime.bigint()}.raw`);
  writeRaw(f, o.samples);
  const trim = o.trimS ?? 0;
  const len = o.samples.length / o.rate - 2 * trim;
  const args = ['-t', 's16', '-r', String(o.rate), '-c', '1', f, '-n', ...(trim > 0 ? ['trim', String(trim), String(len)] : []), ...(o.effects ?? []), 'stat', ...extra];
  return soxStderr(args);
}

/** sox's RMS amplitude (full scale 1.0) */
export function soxRms(o: Measure): number {
  const m = /^RMS\s+amplitude:\s+([0-9.eE+-]+)/m.exec(measured(o, []));
  if (!m?.[1]) throw new Error('sox stat: no RMS amplitude');
  return Number(m[1]);
}

/** the frequency of the biggest bin of sox's power spectrum (`stat -freq`, 4096-point DFT) */
export function soxPeakHz(o: Measure): number {
  let best = -1;
  let hz = NaN;
  for (const line of measured(o, ['-freq']).split('\n')) {
    const m = /^\s*([0-9.]+)\s+([0-9.eE+-]+)\s*$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const p = Number(m[2]);
    if (p > best) {
      best = p;
      hz = Number(m[1]);
    }
  }
  return hz;
}

/** ratio of two amplitudes in dB */
export const db = (a: number, b: number): number => 20 * Math.log10(a / b);
