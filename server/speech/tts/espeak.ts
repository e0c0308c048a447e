// espeak-ng as a TTS engine (22050 Hz WAV on stdout, resampled once by program.ts). Text goes in on
// stdin, never as an argument, so no text can be read as an option. Mandarin (`zh`) text with Hanzi
// is spoken as tone-numbered pinyin by `cmn-latn-pinyin` (hanzi-pinyin.ts says why); `zh-pinyin`
// takes pinyin as written ("ni3 hao3").
import { synthesizeByProgram } from './program.js';
import { hanziToPinyin, hasHanzi } from './hanzi-pinyin.js';
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
    let voice = ESPEAK_VOICES[req.voice ?? 'en'];
    if (voice === undefined) return Promise.reject(new TtsError('unknown-voice', `espeak-ng has no voice '${req.voice}' (${this.voices().join(', ')})`));
    let text = req.text;
    if (voice === 'cmn' && hasHanzi(text)) {
      voice = 'cmn-latn-pinyin';
      text = hanziToPinyin(text);
    }
    const wpm = String(Math.round(WPM * (req.speed ?? 1)));
    return synthesizeByProgram({ program: this.#program, args: ['-v', voice, '-s', wpm, '--stdout'], stdin: text, debianPackage: 'espeak-ng', req });
  }
}
