// What sherpa-onnx's OfflineSenseVoiceModel (offline-sense-voice-model.cc) and its recogniser
// (offline-recognizer-sense-voice-impl.h) need of a SenseVoice CTC model, checked before it loads
// one. It exit()s when vocab_size, lfr_window_size, lfr_window_shift, normalize_samples, with_itn,
// without_itn, a lang_* id, neg_mean or inv_stddev is missing; its LFR/CMVN metadata is checked as
// Paraformer's is (lfr-cmvn.ts); it feeds the model x, x_length, language,
// text_norm by position, so another number of inputs fails in onnxruntime. Each is a sentence here.
import { InferenceSession } from 'onnxruntime-node';
import { CMVN_LIST_KEYS, lfrCmvnProblem, type LfrCmvnFrontEnd } from './lfr-cmvn.js';

/** the whole numbers sherpa-onnx reads with no default */
export const SENSE_VOICE_INT_KEYS = ['vocab_size', 'lfr_window_size', 'lfr_window_shift', 'normalize_samples', 'with_itn', 'without_itn', 'lang_auto', 'lang_zh', 'lang_en', 'lang_ja', 'lang_ko', 'lang_yue'] as const;
/** the comma-separated float lists it reads */
export const SENSE_VOICE_LIST_KEYS = CMVN_LIST_KEYS;
/** the language names sherpa-onnx maps through lang_* (anything else: it logs and uses auto) */
export const SENSE_VOICE_LANGUAGES = ['auto', 'zh', 'en', 'ja', 'ko', 'yue'] as const;

export interface SenseVoiceFrontEnd extends LfrCmvnFrontEnd {
  readonly vocabSize: number;
}

/** the metadata's problem for sherpa-onnx's SenseVoice model, or the front end it implies */
export function senseVoiceMetadataProblem(meta: Readonly<Record<string, string>>): { problem: string } | SenseVoiceFrontEnd {
  // FunASR Nano (comment containing 'Nano') is another model behind the same class: not checked here
  if ((meta.comment ?? '').includes('Nano')) return { problem: "model is a FunASR Nano model (its comment says so): not supported yet, only SenseVoice" };
  for (const key of SENSE_VOICE_INT_KEYS) {
    if (!/^\d+$/.test(meta[key] ?? '')) return { problem: `model has no whole number '${key}' in its metadata (sherpa-onnx's SenseVoice model reads it)` };
  }
  const vocabSize = Number(meta.vocab_size);
  const blank = Number(meta.blank_id ?? 0);
  if (!Number.isInteger(blank) || blank < 0 || blank >= vocabSize) return { problem: `model has blank_id '${meta.blank_id}' outside its vocab_size ${vocabSize}` };
  const front = lfrCmvnProblem(meta, 'SenseVoice');
  return 'problem' in front ? front : { ...front, vocabSize };
}

/** x, x_length, language, text_norm in; the logits out first */
export async function senseVoiceIoProblem(model: string): Promise<string | null> {
  const session = await InferenceSession.create(model, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  try {
    if (session.inputNames.length !== 4) return `model has ${session.inputNames.length} inputs; sherpa-onnx's SenseVoice feeds 4 (x, x_length, language, text_norm)`;
    return null;
  } finally {
    await session.release();
  }
}
