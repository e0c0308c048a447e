// Test audio from independent programs: espeak-ng speaks, sox resamples to 8 kHz and does G.711
// (its own codec, not ours), so expectations never come from Hailing's code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** 16-bit mono PCM at `rate` of espeak-ng speaking `text` */
export function espeak(options: { text: string; voice?: string; rate: number }): Int16Array {
  return rendered({ rate: options.rate, write: (wav) => execFileSync('espeak-ng', ['-v', options.voice ?? 'en-us', '-w', wav, options.text]) });
}

/** flite's rendering (Debian's flite, a diphone voice: rms, slt, awb, kal16), resampled by sox */
export function flite(options: { text: string; voice: string; rate: number }): Int16Array {
  return rendered({ rate: options.rate, write: (wav) => execFileSync('flite', ['-voice', options.voice, '-o', wav, '-t', options.text]) });
}

function rendered(options: { rate: number; write: (wav: string) => void }): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'hailing-tts-ref-'));
  try {
    const wav = join(dir, 'a.wav');
    options.write(wav);
    return soxToRaw({ input: wav, rate: options.rate, effects: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function soxToRaw(options: { input: string; rate: number; effects: string[]; inputArgs?: string[] }): Int16Array {
  const raw = execFileSync('sox', [...(options.inputArgs ?? []), options.input, '-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-r', String(options.rate), '-', ...options.effects], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2).slice();
}

/** 8 kHz PCM through G.711 µ-law (sox encodes and decodes: an independent codec) */
export function throughG711(pcm8k: Int16Array): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'hailing-g711-'));
  try {
    const inRaw = join(dir, 'in.raw');
    writeFileSync(inRaw, Buffer.from(pcm8k.buffer, pcm8k.byteOffset, pcm8k.byteLength));
    const ulaw = join(dir, 'x.ul');
    execFileSync('sox', ['-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-r', '8000', inRaw, '-t', 'raw', '-e', 'mu-law', '-b', '8', ulaw]);
    return soxToRaw({ input: ulaw, rate: 8000, effects: [], inputArgs: ['-t', 'raw', '-e', 'mu-law', '-b', '8', '-c', '1', '-r', '8000'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


/** first and last sample index whose magnitude reaches `level` (the utterance's true extent) */
export function extent(pcm: Int16Array, level = 328): { first: number; last: number } {
  let first = -1;
  let last = -1;
  for (let i = 0; i < pcm.length; i++) {
    if (Math.abs(pcm[i] as number) >= level) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return { first, last };
}

/** RMS level in dBFS of 16-bit PCM */
export function rmsDbfs(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return 10 * Math.log10(sum / Math.max(1, pcm.length) / (32768 * 32768));
}

/** PCM resampled by sox (an independent resampler) from one rate to another */
export function resampled(pcm: Int16Array, from: number, to: number): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'hailing-rate-'));
  try {
    const inRaw = join(dir, 'in.raw');
    writeFileSync(inRaw, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    return soxToRaw({ input: inRaw, rate: to, effects: [], inputArgs: ['-t', 'raw', '-e', 'signed', '-b', '16', '-c', '1', '-r', String(from)] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
