// The sherpa-onnx OfflineRecognizer config for a checked offline model (check/offline-asr-check.ts):
// the type found in its metadata picks the model section. SenseVoice is asked to detect the language
// itself (calls are zh or en, often both) and to write numbers as digits (inverse text
// normalisation), which is what transcripts, their search and PII masking expect.
import type { OfflineAsrModel } from '../check/offline-asr-check.js';
import type { SherpaOfflineRecognizerConfig } from '../sherpa.js';

export function offlineRecognizerConfig(m: OfflineAsrModel): SherpaOfflineRecognizerConfig {
  const common = { tokens: m.tokens, numThreads: 1, debug: false } as const;
  return {
    featConfig: { sampleRate: m.sampleRate, featureDim: m.featureDim },
    modelConfig: m.modelType === 'sense_voice_ctc'
      ? { senseVoice: { model: m.model, language: '', useInverseTextNormalization: 1 }, ...common }
      : { tdnn: { model: m.model }, ...common },
    decodingMethod: 'greedy_search',
  };
}
