// Offline ASR through the speech process: a whole recording (or utterance) is cut into speech
// segments by VAD (Silero, in the speech process), and each segment goes through the loaded
// sherpa-onnx offline CTC recogniser. Segmenting first keeps each decode short (the model sees an
// utterance, not minutes of silence) and gives each piece of text its place in the recording.
import type { OfflineRecognizer, RecognitionResult } from './asr.js';
import type { SpeechResult } from './worker/protocol.js';

/** what this recogniser needs of SpeechProcess */
export interface AsrRequests {
  request(
    req:
      | { op: 'load-recognizer'; name: string; dir: string }
      | { op: 'vad'; rate: 8000 | 16000; pcm: Int16Array }
      | { op: 'transcribe'; recognizer: string; rate: 8000 | 16000; pcm: Int16Array },
  ): Promise<SpeechResult>;
}

/** speech kept either side of a VAD segment: Silero's edges fall inside the first and last phones */
const MARGIN_MS = 150;

export class SherpaOfflineAsr implements OfflineRecognizer {
  readonly #speech: AsrRequests;
  readonly #name: string;
  readonly #dir: string;
  #loaded: Promise<unknown> | null = null;

  /** `name`: how the speech process knows the model; `dir`: its folder (model.onnx, tokens.txt) */
  constructor(options: { speech: AsrRequests; name: string; dir: string }) {
    this.#speech = options.speech;
    this.#name = options.name;
    this.#dir = options.dir;
  }

  /** how the speech process knows the model (stream recognition names it) */
  get name(): string {
    return this.#name;
  }

  /** loads the model (checked first, in the speech process); a refused model rejects with the reason */
  load(): Promise<unknown> {
    // a crashed speech process forgets its models: load again after a failure
    this.#loaded ??= this.#speech.request({ op: 'load-recognizer', name: this.#name, dir: this.#dir }).catch((err: unknown) => {
      this.#loaded = null;
      throw err;
    });
    return this.#loaded;
  }

  /** the speech process was replaced (it forgets its models): the next load() loads again */
  forget(): void {
    this.#loaded = null;
  }

  /** one utterance, no segmentation: text, tokens and their times (s from the start) */
  async utterance(options: { pcm: Int16Array; rate: 8000 | 16000 }): Promise<{ text: string; tokens: string[]; timestamps: number[] }> {
    await this.load();
    let r: SpeechResult;
    try {
      r = await this.#speech.request({ op: 'transcribe', recognizer: this.#name, rate: options.rate, pcm: options.pcm });
    } catch (err) {
      this.#loaded = null;
      throw err;
    }
    if (r.op !== 'transcribe') throw new Error(`unexpected answer '${r.op}'`);
    return r;
  }

  async transcribe(options: { pcm: Int16Array; rate: 8000 | 16000 }): Promise<RecognitionResult[]> {
    await this.load();
    const vad = await this.#speech.request({ op: 'vad', rate: options.rate, pcm: options.pcm });
    if (vad.op !== 'vad') throw new Error(`unexpected answer '${vad.op}'`);
    const perMs = options.rate / 1000;
    const out: RecognitionResult[] = [];
    for (const s of vad.segments) {
      const startMs = Math.max(0, s.startMs - MARGIN_MS);
      const endMs = Math.min(options.pcm.length / perMs, s.endMs + MARGIN_MS);
      const r = await this.utterance({ pcm: options.pcm.subarray(Math.round(startMs * perMs), Math.round(endMs * perMs)), rate: options.rate });
      // CTC greedy search gives no per-token probabilities through sherpa-onnx: confidence unknown
      if (r.text !== '') out.push({ text: r.text, startMs: s.startMs, endMs: s.endMs, confidence: null });
    }
    return out;
  }
}
