// A phone's audio source for speech tests: digit strings spoken by espeak-ng voices (ones the fixture
// recogniser never heard in training), as a 48 kHz stereo WAV (baresip's source format) made by sox:
// `leadS` of silence, then each utterance followed by `gapS` of silence.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export interface Utterance {
  readonly voice: string;
  /** digits separated by spaces, as espeak-ng reads them one by one */
  readonly digits: string;
}

export function spokenDigitsWav(o: { dir: string; utterances: readonly Utterance[]; leadS?: number; gapS?: number }): { file: string; seconds: number } {
  const parts: string[] = [];
  const silence = (s: number) => {
    const f = path.join(o.dir, `silence-${parts.length}.wav`);
    execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', f, 'trim', '0', String(s)]);
    parts.push(f);
  };
  silence(o.leadS ?? 1);
  for (const [i, u] of o.utterances.entries()) {
    const raw = path.join(o.dir, `espeak-${i}.wav`);
    execFileSync('espeak-ng', ['-v', u.voice, '-w', raw, u.digits]);
    const f = path.join(o.dir, `speech-${i}.wav`);
    execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', f]);
    parts.push(f);
    silence(o.gapS ?? 1.5);
  }
  const file = path.join(o.dir, 'spoken.wav');
  execFileSync('sox', [...parts, '-c', '2', file]);
  return { file, seconds: Number(execFileSync('soxi', ['-D', file]).toString().trim()) };
}

/** `seconds` of 48 kHz stereo silence (a party that says nothing) */
export function silentWav(o: { dir: string; seconds: number }): string {
  const file = path.join(o.dir, 'quiet.wav');
  execFileSync('sox', ['-n', '-r', '48000', '-c', '2', '-b', '16', file, 'trim', '0', String(o.seconds)]);
  return file;
}

/** the digit strings the transcription tests speak, each by a voice the fixture never heard */
export const SPOKEN_DIGITS: readonly Utterance[] = [
  { voice: 'en-us+f4', digits: '4 8 2 1 5' },
  { voice: 'cmn+m3', digits: '9 0 3 7' },
  { voice: 'en-gb-scotland+m3', digits: '6 2 7 3 1' },
];

/** SPOKEN_DIGITS (or `spoken`) as the phone's source: 1 s of silence, each utterance and 1.5 s after it */
export function spokenWav(dir: string, spoken: readonly Utterance[] = SPOKEN_DIGITS): { file: string; seconds: number } {
  return spokenDigitsWav({ dir, utterances: spoken });
}
