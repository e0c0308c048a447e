// The sherpa-onnx OfflineRecognizer config for a checked offline model (check/offline-asr-check.ts):
// the type found in its metadata picks the model section. SenseVoice is asked to detect the language
// itself (calls are zh or en, often both) and to write numbers as digits (inverse text
// normalisation), which is what transcripts, their search and PII masking expect. Paraformer takes its
// front end (LFR, CMVN) from its metadata; sherpa-onnx forces its window, as for SenseVoice. Whisper
// detects the language itself when multilingual, as SenseVoice does.
import type { OfflineAsrModel } from '../check/offline-asr-check.js';
import type { SherpaOfflineRecognizerConfig } from '../sherpa.js';

function modelSection(m: OfflineAsrModel): Pick<SherpaOfflineRecognizerConfig['modelConfig'], 'tdnn' | 'senseVoice' | 'paraformer' | 'whisper'> {
  switch (m.modelType) {
    case 'sense_voice_ctc': return { senseVoice: { model: m.model, language: '', useInverseTextNormalization: 1 } };
    case 'paraformer': return { paraformer: { model: m.model } };
    case 'whisper': return { whisper: { encoder: m.model, decoder: m.decoder ?? '', language: '', task: 'transcribe' } };
    case 'tdnn': return { tdnn: { model: m.model } };
  }
}

export function offlineRecognizerConfig(m: OfflineAsrModel): SherpaOfflineRecognizerConfig {
  const common = { tokens: m.tokens, numThreads: 1, debug: false } as const;
  return {
    featConfig: { sampleRate: m.sampleRate, featureDim: m.featureDim },
    modelConfig: { ...modelSection(m), ...common },
    decodingMethod: 'greedy_search',
  };
}
