// The speech process's streaming transducers: per loaded model an OnlineRecognizer and, made on the
// first stream that has keywords, a KeywordSpotter on the same files. Each model is checked first
// (check/online-asr-check.ts): sherpa-onnx exit()s on the problems the check turns into refusals.
import { transducerFiles } from '../check/model-files.js';
import { onlineAsrCheck, type OnlineAsrModel } from '../check/online-asr-check.js';
import { keywordStream, sherpa, type SherpaKeywordSpotter, type SherpaOnlineModel, type SherpaOnlineRecognizer } from '../sherpa.js';
import { OnlineStreamAsr } from './online-stream-asr.js';
import type { SpeechEvent } from './protocol.js';
import type { StreamAsrConfig } from './stream-asr.js';

/**
 * Endpointing (sherpa-onnx endpoint.h, seconds of trailing blanks): an utterance ends 0.8 s after
 * its last token; with nothing recognised yet, the segment is cut after 5 s of silence (nothing is
 * published for it); 30 s is the longest utterance, as the offline path.
 */
const ENDPOINT = { rule1MinTrailingSilence: 5, rule2MinTrailingSilence: 0.8, rule3MinUtteranceLength: 30 };
/** KeywordSpotter needs a list of its own; its hits are not any call's (names start with '_') */
const PLACEHOLDER = '_placeholder';

interface Loaded {
  readonly model: OnlineAsrModel;
  readonly config: SherpaOnlineModel;
  readonly recognizer: SherpaOnlineRecognizer;
  spotter: SherpaKeywordSpotter | null;
}

export class OnlineModels {
  readonly #loaded = new Map<string, Loaded>();

  /** a folder holding encoder*.onnx is a streaming transducer (sherpa-onnx's file names; check/model-files.ts) */
  isStreaming(dir: string): boolean {
    return transducerFiles(dir) !== null;
  }

  has(name: string): boolean {
    return this.#loaded.has(name);
  }

  async load(name: string, dir: string): Promise<{ sampleRate: number; featureDim: number; vocabSize: number; modelType: string }> {
    const model = await onlineAsrCheck({ name, dir });
    const config: SherpaOnlineModel = {
      featConfig: { sampleRate: model.sampleRate, featureDim: model.featureDim },
      // modelType: sherpa-onnx would otherwise load the encoder once more only to read it
      modelConfig: { transducer: { encoder: model.encoder, decoder: model.decoder, joiner: model.joiner }, tokens: model.tokens, modelType: model.modelType, numThreads: 1, debug: false },
    };
    const recognizer = new (sherpa().OnlineRecognizer)({ ...config, decodingMethod: 'greedy_search', enableEndpoint: true, ...ENDPOINT });
    this.#loaded.set(name, { model, config, recognizer, spotter: null });
    return { sampleRate: model.sampleRate, featureDim: model.featureDim, vocabSize: model.vocabSize, modelType: model.modelType };
  }

  /** a keyword is the model's tokens separated by spaces; one the model cannot spell is refused by name */
  checkKeywords(name: string, keywords: readonly string[]): void {
    const m = this.#get(name).model;
    for (const k of keywords) {
      const tokens = k.trim().split(/\s+/);
      const bad = tokens.find((t) => t === '' || t === m.symbols[0] || !m.symbols.includes(t));
      if (bad !== undefined) throw new Error(`keyword '${k}': '${bad}' is not a token of '${name}' (a keyword is the model's tokens separated by spaces)`);
    }
  }

  streamAsr(o: { stream: number; config: StreamAsrConfig; rate: number; emit: (e: SpeechEvent) => void }): OnlineStreamAsr {
    const loaded = this.#get(o.config.recognizer);
    let spotter: ConstructorParameters<typeof OnlineStreamAsr>[0]['spotter'] = null;
    if (o.config.keywords.length > 0) {
      loaded.spotter ??= this.#spotter(loaded);
      // names k0, k1…: sherpa-onnx takes the text after '@' up to the next space as the keyword's name
      const names = new Map(o.config.keywords.map((k, i) => [`k${i}`, k]));
      const lines = [...names].map(([n, k]) => `${k.trim()} @${n}`).join('/');
      spotter = { spotter: loaded.spotter, stream: keywordStream(loaded.spotter, lines), keywords: names };
    }
    return new OnlineStreamAsr({ stream: o.stream, rate: o.rate, recognizer: loaded.recognizer, partials: o.config.partialEveryMs > 0, spotter, emit: o.emit });
  }

  #spotter(loaded: Loaded): SherpaKeywordSpotter {
    // a placeholder keyword as long as the longest plausible one: it must exist, it is never reported
    const first = loaded.model.symbols.find((s, i) => i > 0 && s !== '') ?? '';
    const buf = `${Array(12).fill(first).join(' ')} @${PLACEHOLDER}\n`;
    return new (sherpa().KeywordSpotter)({ ...loaded.config, keywordsBuf: buf, keywordsBufSize: Buffer.byteLength(buf), maxActivePaths: 4, numTrailingBlanks: 1, keywordsScore: 1.0, keywordsThreshold: 0.25 });
  }

  #get(name: string): Loaded {
    const loaded = this.#loaded.get(name);
    if (!loaded) throw new Error(`recogniser '${name}' is not loaded`);
    return loaded;
  }
}
