// A typed face on the parts of sherpa-onnx-node Hailing uses (the package ships no declarations).
// Only the speech process loads it: sherpa-onnx calls exit() on several bad configurations, which
// would end whichever process holds it (docs/speech.md).
import { createRequire } from 'node:module';

export interface SherpaVitsConfig {
  readonly model: { readonly vits: { readonly model: string; readonly tokens: string; readonly dataDir?: string; readonly lexicon?: string }; readonly numThreads: number; readonly debug: boolean; readonly provider?: 'cpu' };
  readonly maxNumSentences: number;
}

export interface SherpaGeneratedAudio {
  readonly samples: Float32Array;
  readonly sampleRate: number;
}

export interface SherpaOfflineTts {
  readonly sampleRate: number;
  readonly numSpeakers: number;
  generate(request: { text: string; sid: number; speed: number }): SherpaGeneratedAudio;
}

/** the offline recogniser config for an icefall-style `tdnn` CTC model (model_type 'tdnn' in its metadata) */
export interface SherpaOfflineRecognizerConfig {
  readonly featConfig: { readonly sampleRate: number; readonly featureDim: number };
  readonly modelConfig: { readonly tdnn: { readonly model: string }; readonly tokens: string; readonly numThreads: number; readonly debug: boolean; readonly provider?: 'cpu' };
  readonly decodingMethod?: 'greedy_search';
}

export interface SherpaOfflineStream {
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
}

/** OfflineRecognitionResult::AsJsonString(): timestamps in seconds from the stream's start, one per token */
export interface SherpaOfflineResult {
  readonly text: string;
  readonly tokens: string[];
  readonly timestamps: number[];
}

export interface SherpaOfflineRecognizer {
  createStream(): SherpaOfflineStream;
  decode(stream: SherpaOfflineStream): void;
  getResult(stream: SherpaOfflineStream): SherpaOfflineResult;
}

interface SherpaModule {
  OfflineTts: new (config: SherpaVitsConfig) => SherpaOfflineTts;
  OfflineRecognizer: new (config: SherpaOfflineRecognizerConfig) => SherpaOfflineRecognizer;
}

let loaded: SherpaModule | null = null;

export function sherpa(): SherpaModule {
  loaded ??= createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule;
  return loaded;
}
