// flite (Debian) as the English TTS engine when it is installed: its diphone voices are far more
// intelligible on a phone line than espeak-ng's formant voice (the pocketsphinx judge in
// test/calls-say-baresip reads flite's digits after G.711 without error and espeak-ng's with most
// wrong), so a fresh install's English prompts use it and espeak-ng keeps Mandarin and the rest.
// flite writes a 16 kHz WAV file once synthesis ends (program.ts reads and resamples it once).
// The text is the argument after `-t`, which flite always takes as text, never as an option.
import { spawnSync } from 'node:child_process';
import { synthesizeByProgram } from './program.js';
import { EspeakTts } from './espeak.js';
import { TtsError, type TtsEngine, type TtsRequest } from './tts.js';

/** our voice names → flite's built-in voices (Debian's flite: kal, kal16, awb, rms, slt) */
export const FLITE_VOICES: Readonly<Record<string, string>> = {
  en: 'rms',
  'en-female': 'slt',
};

/** longer text is refused rather than handed to a process argument (Linux caps one at 128 KiB) */
const MAX_TEXT = 20_000;

export class FliteTts implements TtsEngine {
  readonly name = 'flite';
  readonly #program: string;

  constructor(options: { program?: string } = {}) {
    this.#program = options.program ?? 'flite';
  }

  /** whether the program runs here (flite is an optional Debian package) */
  static available(program = 'flite'): boolean {
    return spawnSync(program, ['-lv'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  }

  voices(): readonly string[] {
    return Object.keys(FLITE_VOICES);
  }

  synthesize(req: TtsRequest): Promise<Int16Array> {
    const voice = FLITE_VOICES[req.voice ?? 'en'];
    if (voice === undefined) return Promise.reject(new TtsError('unknown-voice', `flite has no voice '${req.voice}' (${this.voices().join(', ')})`));
    if (req.text.length > MAX_TEXT) return Promise.reject(new TtsError('engine-failed', `text of ${req.text.length} characters is longer than ${MAX_TEXT}`));
    // flite's speed is a stretch of its durations: 2 = half as fast
    const stretch = (1 / (req.speed ?? 1)).toFixed(3);
    const args = (file: string): string[] => ['-voice', voice, '--setf', `duration_stretch=${stretch}`, '-o', file, '-t', req.text];
    return synthesizeByProgram({ program: this.#program, args, stdin: null, debianPackage: 'flite', req });
  }
}

/** the engines a fresh install speaks with, in order of preference: flite for English where it is installed, espeak-ng for the rest */
export function localTtsEngines(): TtsEngine[] {
  return [...(FliteTts.available() ? [new FliteTts()] : []), new EspeakTts()];
}
