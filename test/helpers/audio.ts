// Measures a WAV file with sox (`sox FILE -n stat`), an independent tool: length, RMS and sox's
// rough frequency, so a test can check that the tone one phone sent is what the other one heard.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';

export interface AudioStat {
  lengthS: number;
  rms: number;
  /** sox "Rough frequency" in Hz (from the ratio of RMS delta to RMS amplitude) */
  roughHz: number;
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('sox', [file, '-n', ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`sox ${file} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(`${stdout}${stderr}`); // stat prints to stderr
    });
  });
}

function field(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(-?[0-9.]+)`, 'm').exec(text);
  if (!m?.[1]) throw new Error(`sox stat: no "${name}" in:\n${text}`);
  return Number(m[1]);
}

export interface StatOptions {
  file: string;
  /** seconds cut from the start (jitter-buffer fill, the moment before media flows) */
  skipS?: number;
  /** seconds measured after skipS (default: to the end) */
  durationS?: number;
}

export async function soxStat(o: StatOptions): Promise<AudioStat> {
  const trim = o.skipS || o.durationS ? ['trim', String(o.skipS ?? 0), ...(o.durationS ? [String(o.durationS)] : [])] : [];
  const text = await run(o.file, [...trim, 'stat']);
  return { lengthS: field(text, 'Length \\(seconds\\)'), rms: field(text, 'RMS\\s+amplitude'), roughHz: field(text, 'Rough\\s+frequency') };
}

export interface ToneExpectation {
  file: string;
  /** the frequency the far end sent */
  hz: number;
  /** relative tolerance on the frequency; default 0.05 (±5 %) */
  tolerance?: number;
  /** RMS the audio must exceed to count as not silence; default 0.05 (a full ausine tone is ~0.3) */
  minRms?: number;
  minLengthS?: number;
}

/** Asserts the file holds the expected tone, and returns what sox measured. */
export async function assertTone(o: ToneExpectation): Promise<AudioStat> {
  const whole = await soxStat({ file: o.file });
  const minLengthS = o.minLengthS ?? 1;
  assert.ok(whole.lengthS >= minLengthS, `${o.file}: ${whole.lengthS} s of audio, expected at least ${minLengthS} s`);
  // The first half second may be silence or the start of the stream; measure the rest.
  const s = await soxStat({ file: o.file, skipS: 0.5 });
  const tol = o.tolerance ?? 0.05;
  assert.ok(s.rms > (o.minRms ?? 0.05), `${o.file}: RMS ${s.rms} is silence (tone ${o.hz} Hz expected)`);
  assert.ok(Math.abs(s.roughHz - o.hz) <= o.hz * tol, `${o.file}: rough frequency ${s.roughHz} Hz, expected ${o.hz} Hz ±${tol * 100} %`);
  return { ...s, lengthS: whole.lengthS };
}

/** seconds and RMS of `file` between its first and last sound above 1 % (sox's silence effect, both ends) */
export function speechExtent(file: string): { lengthS: number; rms: number } {
  // sox prints `stat` on stderr
  const r = spawnSync('sox', [file, '-n', 'remix', '1', 'silence', '1', '0.02', '1%', 'reverse', 'silence', '1', '0.02', '1%', 'reverse', 'stat'], { encoding: 'utf8' });
  const field = (re: RegExp): number => Number(re.exec(r.stderr)?.[1] ?? NaN);
  return { lengthS: field(/Length \(seconds\):\s+([0-9.]+)/), rms: field(/RMS\s+amplitude:\s+([0-9.]+)/) };
}

/** how Hailing's default English voice renders `text` (flite's rms, TtsPrompts' first engine for 'en'), as a WAV file */
export function renderEnglishPrompt(file: string, text: string): void {
  execFileSync('flite', ['-voice', 'rms', '-o', file, '-t', text]);
}
