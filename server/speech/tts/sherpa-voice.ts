// A sherpa-onnx vits/piper voice (installed with `npm run models`) as a TtsEngine. The voice is
// loaded and run in the speech process (it was checked first there, see model-check.ts); its float
// samples at the voice's rate (16/22.05 kHz) come back over IPC and are resampled once to the call's.
import { resampleAll } from '../../../media/index.js';
import type { SpeechResult } from '../worker/protocol.js';
import { TtsError, type TtsEngine, type TtsRequest } from './tts.js';

/** what this engine needs of SpeechProcess */
export interface SpeechRequests {
  request(req: { op: 'load-voice'; name: string; dir: string; check: boolean } | { op: 'synthesize'; voice: string; text: string; speed: number }): Promise<SpeechResult>;
}

export class SherpaVoiceTts implements TtsEngine {
  readonly name = 'sherpa-onnx';
  readonly #speech: SpeechRequests;
  readonly #voice: string;
  readonly #dir: string;
  #loaded: Promise<unknown> | null = null;

  /** `voice`: the name dial plans use; `dir`: the installed model's folder */
  constructor(options: { speech: SpeechRequests; voice: string; dir: string }) {
    this.#speech = options.speech;
    this.#voice = options.voice;
    this.#dir = options.dir;
  }

  voices(): readonly string[] {
    return [this.#voice];
  }

  async synthesize(req: TtsRequest): Promise<Int16Array> {
    if ((req.voice ?? this.#voice) !== this.#voice) throw new TtsError('unknown-voice', `sherpa-onnx has no voice '${req.voice}'`);
    // a crashed speech process forgets its voices: load again after a failure
    this.#loaded ??= this.#speech.request({ op: 'load-voice', name: this.#voice, dir: this.#dir, check: true }).catch((err: unknown) => {
      this.#loaded = null;
      throw err;
    });
    await this.#loaded;
    let r: SpeechResult;
    try {
      r = await this.#speech.request({ op: 'synthesize', voice: this.#voice, text: req.text, speed: req.speed ?? 1 });
    } catch (err) {
      this.#loaded = null;
      throw new TtsError('engine-failed', (err as Error).message);
    }
    if (r.op !== 'synthesize') throw new TtsError('engine-failed', `unexpected answer '${r.op}'`);
    req.onFirstAudio?.();
    const pcm = new Int16Array(r.samples.length);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round((r.samples[i] ?? 0) * 32767)));
    return r.sampleRate === req.rate ? pcm : resampleAll({ input: pcm, fromRate: r.sampleRate, toRate: req.rate, quality: 'high' });
  }
}
