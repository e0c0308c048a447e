// Punctuation of recognised text through the speech process (worker/punctuation.ts): a
// CT-transformer model of sherpa-onnx's contract, loaded once and loaded again after the speech
// process was replaced (a new process has forgotten its models).
import type { SpeechResult } from './worker/protocol.js';

/** what the punctuator needs of SpeechProcess */
export interface PunctuationRequests {
  request(req: { op: 'load-punctuation'; name: string; dir: string } | { op: 'punctuate'; punctuation: string; text: string }): Promise<SpeechResult>;
}

export interface Punctuator {
  /** the text with punctuation; '' stays '' */
  punctuate(text: string): Promise<string>;
}

export class SherpaPunctuator implements Punctuator {
  readonly #speech: PunctuationRequests;
  readonly #name: string;
  readonly #dir: string;
  #loaded: Promise<unknown> | null = null;

  /** `name`: how the speech process knows the model; `dir`: its folder (model.onnx) */
  constructor(options: { speech: PunctuationRequests; name: string; dir: string }) {
    this.#speech = options.speech;
    this.#name = options.name;
    this.#dir = options.dir;
  }

  /** loads the model (checked first, in the speech process); a refused model rejects with the reason */
  load(): Promise<unknown> {
    this.#loaded ??= this.#speech.request({ op: 'load-punctuation', name: this.#name, dir: this.#dir }).catch((err: unknown) => {
      this.#loaded = null;
      throw err;
    });
    return this.#loaded;
  }

  async punctuate(text: string): Promise<string> {
    if (text.trim() === '') return text;
    await this.load();
    let r: SpeechResult;
    try {
      r = await this.#speech.request({ op: 'punctuate', punctuation: this.#name, text });
    } catch (err) {
      // the speech process may have been replaced: load again next time
      this.#loaded = null;
      throw err;
    }
    if (r.op !== 'punctuate') throw new Error(`unexpected answer '${r.op}'`);
    return r.text;
  }
}
