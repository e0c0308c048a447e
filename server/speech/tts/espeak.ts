// espeak-ng as a TTS engine. It writes a 22050 Hz WAV to stdout as it synthesises; we resample once
// to the call's rate (the player then plays it as is). Text goes in on stdin, never as an argument,
// so no text can be read as an option. Debian's espeak-ng 1.51 reads Hanzi poorly with `cmn`;
// `zh-pinyin` (cmn-latn-pinyin) speaks tone-numbered pinyin ("ni3 hao3") properly.
import { spawn } from 'node:child_process';
import { parseWav, resampleAll } from '../../../media/index.js';
import { TtsError, type TtsEngine, type TtsRequest } from './tts.js';

/** our voice names → espeak-ng voices */
export const ESPEAK_VOICES: Readonly<Record<string, string>> = {
  en: 'en-us',
  'en-gb': 'en-gb',
  zh: 'cmn',
  'zh-pinyin': 'cmn-latn-pinyin',
};

/** espeak-ng's default speed in words per minute (espeak-ng(1) -s) */
const WPM = 175;
const WAV_HEADER = 44;

export class EspeakTts implements TtsEngine {
  readonly name = 'espeak-ng';
  readonly #program: string;

  constructor(options: { program?: string } = {}) {
    this.#program = options.program ?? 'espeak-ng';
  }

  voices(): readonly string[] {
    return Object.keys(ESPEAK_VOICES);
  }

  synthesize(req: TtsRequest): Promise<Int16Array> {
    const voice = ESPEAK_VOICES[req.voice ?? 'en'];
    if (voice === undefined) return Promise.reject(new TtsError('unknown-voice', `espeak-ng has no voice '${req.voice}' (${this.voices().join(', ')})`));
    const wpm = String(Math.round(WPM * (req.speed ?? 1)));
    return new Promise((resolve, reject) => {
      const child = spawn(this.#program, ['-v', voice, '-s', wpm, '--stdout'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let bytes = 0;
      let first = false;
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => {
        chunks.push(b);
        bytes += b.length;
        if (!first && bytes > WAV_HEADER) {
          first = true;
          req.onFirstAudio?.();
        }
      });
      child.stderr.on('data', (b: Buffer) => void (stderr += b.toString()));
      child.on('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ENOENT' ? new TtsError('engine-missing', 'espeak-ng is not installed (apt-get install espeak-ng)') : new TtsError('engine-failed', err.message)),
      );
      child.on('close', (code) => {
        if (code !== 0) return reject(new TtsError('engine-failed', `espeak-ng exited ${code}: ${stderr.trim()}`));
        const wav = parseWav(Buffer.concat(chunks));
        if (!wav.ok) return reject(new TtsError('engine-failed', `espeak-ng wrote no WAV: ${wav.error.detail}`));
        resolve(wav.sampleRate === req.rate ? wav.samples : resampleAll({ input: wav.samples, fromRate: wav.sampleRate, toRate: req.rate, quality: 'high' }));
      });
      child.stdin.end(req.text);
    });
  }
}
