// Test signals made by sox, an independent generator, so the DSP tests never judge our code with
// signals our own code produced. Everything is mono signed 16-bit raw PCM.
import { execFileSync, spawnSync } from 'node:child_process';

const RAW = ['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-c', '1'];

function toInt16(buf: Buffer): Int16Array {
  const out = new Int16Array(buf.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}

/** Runs `sox -n -r RATE <raw out> - <effects>` (e.g. ['synth', '0.08', 'sine', '697']). */
export function soxSynth(o: { rate: number; effects: string[] }): Int16Array {
  // -R: sox's noise generators repeat from run to run, so a noise fixture is the same signal in CI
  return toInt16(execFileSync('sox', ['-R', '-n', '-r', String(o.rate), ...RAW, '-', ...o.effects], { maxBuffer: 64 << 20 }));
}

/** 0 dBm0 is a sine 3.14 dB below full scale (G.711); sox's `vol` is relative to full scale. */
export const dbm0ToVolDb = (dbm0: number): string => `${(dbm0 - 3.14).toFixed(2)}dB`;

export interface ToneSpec {
  hz: number;
  dbm0: number;
}

/** Tones mixed by sox (`sox -m`, each input at unity), `seconds` long. */
export function soxTones(o: { rate: number; seconds: number; tones: readonly ToneSpec[] }): Int16Array {
  if (o.tones.length === 1) {
    const t = o.tones[0]!;
    return soxSynth({ rate: o.rate, effects: ['synth', String(o.seconds), 'sine', String(t.hz), 'vol', dbm0ToVolDb(t.dbm0)] });
  }
  const inputs = o.tones.flatMap((t) => ['-v', '1', `|sox -n -r ${o.rate} -c 1 -p synth ${o.seconds} sine ${t.hz} vol ${dbm0ToVolDb(t.dbm0)}`]);
  return toInt16(execFileSync('sox', ['-m', ...inputs, '-r', String(o.rate), ...RAW, '-'], { maxBuffer: 64 << 20 }));
}

/** sox's whitenoise at `vol 0dB` measures RMS 0.2267 of full scale (`sox -n stat`). */
const WHITENOISE_RMS = 0.2267;

/** Adds sox white noise whose RMS is `rmsDbfs` (re full scale) to `pcm`, mixed by sox. */
export function soxAddWhiteNoise(o: { rate: number; pcm: Int16Array; rmsDbfs: number }): Int16Array {
  const seconds = o.pcm.length / o.rate;
  const vol = o.rmsDbfs - 20 * Math.log10(WHITENOISE_RMS);
  const input = Buffer.from(o.pcm.buffer, o.pcm.byteOffset, o.pcm.byteLength);
  const noise = `|sox -n -r ${o.rate} -c 1 -p synth ${seconds} whitenoise vol ${vol.toFixed(2)}dB`;
  const args = ['-m', '-v', '1', '-r', String(o.rate), ...RAW, '-', '-v', '1', noise, '-r', String(o.rate), ...RAW, '-'];
  return toInt16(execFileSync('sox', args, { input, maxBuffer: 64 << 20 }));
}

export function silence(o: { rate: number; seconds: number }): Int16Array {
  return new Int16Array(Math.round(o.rate * o.seconds));
}

export function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs `sox <raw pcm> -n <args>` (default `stat`) and returns what sox printed (stat writes to stderr). */
export function soxMeasure(o: { rate: number; pcm: Int16Array; args?: string[] }): string {
  const input = Buffer.from(o.pcm.buffer, o.pcm.byteOffset, o.pcm.byteLength);
  const r = spawnSync('sox', ['-r', String(o.rate), ...RAW, '-', '-n', ...(o.args ?? ['stat'])], { input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`sox ${o.args?.join(' ') ?? 'stat'}: ${r.stderr.toString()}`);
  return `${r.stdout.toString()}${r.stderr.toString()}`;
}

/** A numeric field of `sox stat` output, e.g. soxField(text, 'RMS\\s+amplitude'). */
export function soxField(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(-?[0-9.]+)`, 'm').exec(text);
  if (!m?.[1]) throw new Error(`sox stat: no "${name}" in:\n${text}`);
  return Number(m[1]);
}

/** Feeds `pcm` to `process` in 20 ms frames, with the frame's start time in ms. */
export function feedFrames(o: { rate: number; pcm: Int16Array; process: (frame: Int16Array, samples: number, timeMs: number) => void }): void {
  const n = o.rate / 50;
  const frame = new Int16Array(n);
  for (let at = 0; at < o.pcm.length; at += n) {
    const samples = Math.min(n, o.pcm.length - at);
    frame.set(o.pcm.subarray(at, at + samples));
    o.process(frame, samples, (at * 1000) / o.rate);
  }
}
