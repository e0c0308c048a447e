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

/**
 * SenseVoice (model_type 'sense_voice_ctc'): language '' or auto/zh/en/ja/ko/yue;
 * useInverseTextNormalization 1 asks the model for written forms (numbers as digits, punctuation)
 */
export interface SherpaSenseVoiceConfig {
  readonly model: string;
  readonly language: string;
  readonly useInverseTextNormalization: 0 | 1;
}

/** Whisper: language '' lets a multilingual model detect it (English-only models ignore it); task transcribe */
export interface SherpaWhisperConfig {
  readonly encoder: string;
  readonly decoder: string;
  readonly language: string;
  readonly task: 'transcribe';
}

/** the offline recogniser config: an icefall-style `tdnn` CTC model, SenseVoice, Paraformer or Whisper (one of them) */
export interface SherpaOfflineRecognizerConfig {
  readonly featConfig: { readonly sampleRate: number; readonly featureDim: number };
  readonly modelConfig: { readonly tdnn?: { readonly model: string }; readonly senseVoice?: SherpaSenseVoiceConfig; readonly paraformer?: { readonly model: string }; readonly whisper?: SherpaWhisperConfig; readonly tokens: string; readonly numThreads: number; readonly debug: boolean; readonly provider?: 'cpu' };
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

/** a streaming transducer's files and front end (OnlineRecognizer and KeywordSpotter share them) */
export interface SherpaOnlineModel {
  readonly featConfig: { readonly sampleRate: number; readonly featureDim: number };
  /** modelType: the encoder's model_type (lstm, zipformer2…); sherpa-onnx reads it from the encoder when absent */
  readonly modelConfig: { readonly transducer: { readonly encoder: string; readonly decoder: string; readonly joiner: string }; readonly tokens: string; readonly modelType?: string; readonly numThreads: number; readonly debug: boolean; readonly provider?: 'cpu' };
}

/** endpointing rules in seconds (sherpa-onnx's endpoint.h): 1 no speech yet, 2 after speech, 3 the longest utterance */
export interface SherpaOnlineRecognizerConfig extends SherpaOnlineModel {
  readonly decodingMethod: 'greedy_search';
  readonly enableEndpoint: boolean;
  readonly rule1MinTrailingSilence: number;
  readonly rule2MinTrailingSilence: number;
  readonly rule3MinUtteranceLength: number;
}

export interface SherpaOnlineStream {
  readonly handle: unknown;
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
  inputFinished(): void;
}

/** OnlineRecognizerResult::AsJsonString(): start_time in s from the stream's start, timestamps from the segment's */
export interface SherpaOnlineResult {
  readonly text: string;
  readonly tokens: string[];
  readonly timestamps: number[];
  readonly start_time: number;
}

export interface SherpaOnlineRecognizer {
  createStream(): SherpaOnlineStream;
  isReady(stream: SherpaOnlineStream): boolean;
  decode(stream: SherpaOnlineStream): void;
  isEndpoint(stream: SherpaOnlineStream): boolean;
  reset(stream: SherpaOnlineStream): void;
  getResult(stream: SherpaOnlineStream): SherpaOnlineResult;
}

/** keywordsBuf: one keyword a line, its tokens separated by spaces, then `@name` */
export interface SherpaKeywordSpotterConfig extends SherpaOnlineModel {
  readonly keywordsBuf: string;
  readonly keywordsBufSize: number;
  readonly maxActivePaths: number;
  readonly numTrailingBlanks: number;
  readonly keywordsScore: number;
  readonly keywordsThreshold: number;
}

/** a hit: `keyword` is the `@name`, timestamps in s from the stream's start */
export interface SherpaKeywordResult {
  readonly keyword: string;
  readonly start_time: number;
  readonly timestamps: number[];
}

export interface SherpaKeywordSpotter {
  readonly handle: unknown;
  isReady(stream: SherpaOnlineStream): boolean;
  decode(stream: SherpaOnlineStream): void;
  reset(stream: SherpaOnlineStream): void;
  getResult(stream: SherpaOnlineStream): SherpaKeywordResult;
}

/** a CT-transformer punctuation model (sherpa-onnx OfflinePunctuation) */
export interface SherpaOfflinePunctuationConfig {
  readonly model: { readonly ctTransformer: string; readonly numThreads: number; readonly debug: boolean; readonly provider?: 'cpu' };
}

export interface SherpaOfflinePunctuation {
  /** the text with the model's marks after its words, closed by 。 or ？ */
  addPunct(text: string): string;
}

interface SherpaModule {
  OfflineTts: new (config: SherpaVitsConfig) => SherpaOfflineTts;
  OfflineRecognizer: new (config: SherpaOfflineRecognizerConfig) => SherpaOfflineRecognizer;
  OnlineRecognizer: new (config: SherpaOnlineRecognizerConfig) => SherpaOnlineRecognizer;
  KeywordSpotter: new (config: SherpaKeywordSpotterConfig) => SherpaKeywordSpotter;
  OfflinePunctuation: new (config: SherpaOfflinePunctuationConfig) => SherpaOfflinePunctuation;
}

let loaded: SherpaModule | null = null;

export function sherpa(): SherpaModule {
  loaded ??= createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule;
  return loaded;
}

/**
 * A keyword stream with its own keyword list (lines as in keywordsBuf, joined by '/'), on top of the
 * spotter's own list. The package's KeywordSpotter.createStream() takes no list, but its addon's
 * createKeywordStream does (SherpaOnnxCreateKeywordStreamWithKeywords); sherpa-onnx logs and
 * returns no stream when a keyword has a token the model lacks, so callers check tokens first.
 */
export function keywordStream(spotter: SherpaKeywordSpotter, keywords: string): SherpaOnlineStream {
  const req = createRequire(import.meta.url);
  const addon = req('sherpa-onnx-node/addon.js') as { createKeywordStream(spotter: unknown, keywords: string): unknown };
  const { OnlineStream } = req('sherpa-onnx-node/streaming-asr.js') as { OnlineStream: new (handle: unknown) => SherpaOnlineStream };
  return new OnlineStream(addon.createKeywordStream(spotter.handle, keywords));
}
