// Digits spoken by espeak-ng voices the fixture digit recogniser never heard in training
// (test/fixtures/speech/digits-tdnn), as a WAV a baresip phone plays into a call (aufile).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export interface Utterance {
  readonly voice: string;
  readonly digits: string;
}

export const SPOKEN_DIGITS: readonly Utterance[] = [
  { voice: 'en-us+f4', digits: '4 8 2 1 5' },
  { voice: 'cmn+m3', digits: '9 0 3 7' },
  { voice: 'en-gb-scotland+m3', digits: '6 2 7 3 1' },
];

/** 48 kHz stereo WAV (the phones' source format) in `dir`: 1 s of silence, each utterance, 1.5 s of silence after each */
export function spokenWav(dir: string, spoken: readonly Utterance[] = SPOKEN_DIGITS): { file: string; seconds: number } {
  const parts: string[] = [];
  const silence = (s: number) => {
    const f = path.join(dir, `silence-${parts.length}.wav`);
    execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', f, 'trim', '0', String(s)]);
    parts.push(f);
  };
  silence(1);
  for (const [i, u] of spoken.entries()) {
    const raw = path.join(dir, `espeak-${i}.wav`);
    execFileSync('espeak-ng', ['-v', u.voice, '-w', raw, u.digits]);
    const f = path.join(dir, `speech-${i}.wav`);
    execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', f]);
    parts.push(f);
    silence(1.5);
  }
  const file = path.join(dir, 'spoken.wav');
  execFileSync('sox', [...parts, '-c', '2', file]);
  return { file, seconds: Number(execFileSync('soxi', ['-D', file]).toString().trim()) };
}
