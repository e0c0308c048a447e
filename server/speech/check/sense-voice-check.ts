// What sherpa-onnx's OfflineSenseVoiceModel (offline-sense-voice-model.cc) and its recogniser
// (offline-recognizer-sense-voice-impl.h) need of a SenseVoice CTC model, checked before it loads
// one. It exit()s when vocab_size, lfr_window_size, lfr_window_shift, normalize_samples, with_itn,
// without_itn, a lang_* id, neg_mean or inv_stddev is missing; it applies CMVN with neg_mean's length
// as the row width (a length that is not feature_dim × lfr_window_size misreads every frame, and
// inv_stddev shorter than neg_mean is read past its end); it feeds the model x, x_length, language,
// text_norm by position, so another number of inputs fails in onnxruntime. Each is a sentence here.
import { InferenceSession } from 'onnxruntime-node';

/** the whole numbers sherpa-onnx reads with no default */
export const SENSE_VOICE_INT_KEYS = ['vocab_size', 'lfr_window_size', 'lfr_window_shift', 'normalize_samples', 'with_itn', 'without_itn', 'lang_auto', 'lang_zh', 'lang_en', 'lang_ja', 'lang_ko', 'lang_yue'] as const;
/** the comma-separated float lists it reads (SHERPA_ONNX_READ_META_DATA_VEC_FLOAT) */
export const SENSE_VOICE_LIST_KEYS = ['neg_mean', 'inv_stddev'] as const;
/** the language names sherpa-onnx maps through lang_* (anything else: it logs and uses auto) */
export const SENSE_VOICE_LANGUAGES = ['auto', 'zh', 'en', 'ja', 'ko', 'yue'] as const;

export interface SenseVoiceFrontEnd {
  /** fbank bins per 10 ms frame before low-frame-rate stacking: neg_mean's length / lfr_window_size */
  readonly featureDim: number;
  /** 10 ms frames per output frame (sherpa-onnx's timestamps use it) */
  readonly lfrWindowShift: number;
  readonly vocabSize: number;
}

function floats(v: string | undefined): number[] | null {
  if (v === undefined || v.trim() === '') return null;
  const parts = v.split(',').filter((p) => p.trim() !== '').map(Number);
  return parts.length > 0 && parts.every(Number.isFinite) ? parts : null;
}

/** the metadata's problem for sherpa-onnx's SenseVoice model, or the front end it implies */
export function senseVoiceMetadataProblem(meta: Readonly<Record<string, string>>): { problem: string } | SenseVoiceFrontEnd {
  // FunASR Nano (comment containing 'Nano') is another model behind the same class: not checked here
  if ((meta.comment ?? '').includes('Nano')) return { problem: "model is a FunASR Nano model (its comment says so): not supported yet, only SenseVoice" };
  for (const key of SENSE_VOICE_INT_KEYS) {
    if (!/^\d+$/.test(meta[key] ?? '')) return { problem: `model has no whole number '${key}' in its metadata (sherpa-onnx's SenseVoice model reads it)` };
  }
  const vocabSize = Number(meta.vocab_size);
  const window = Number(meta.lfr_window_size);
  const shift = Number(meta.lfr_window_shift);
  if (window < 1 || shift < 1) return { problem: `model has lfr_window_size ${window} and lfr_window_shift ${shift}; both must be at least 1` };
  const blank = Number(meta.blank_id ?? 0);
  if (!Number.isInteger(blank) || blank < 0 || blank >= vocabSize) return { problem: `model has blank_id '${meta.blank_id}' outside its vocab_size ${vocabSize}` };
  const lists: number[][] = [];
  for (const key of SENSE_VOICE_LIST_KEYS) {
    const l = floats(meta[key]);
    if (l === null) return { problem: `model has no '${key}' (numbers separated by commas) in its metadata (sherpa-onnx's SenseVoice model reads it)` };
    lists.push(l);
  }
  const [negMean, invStddev] = lists as [number[], number[]];
  if (negMean.length !== invStddev.length) return { problem: `model has ${negMean.length} values in 'neg_mean' but ${invStddev.length} in 'inv_stddev'` };
  if (negMean.length % window !== 0) return { problem: `model has ${negMean.length} values in 'neg_mean', not a multiple of lfr_window_size ${window} (one per stacked feature)` };
  const featureDim = negMean.length / window;
  if (featureDim > 512) return { problem: `model's neg_mean implies ${featureDim} fbank bins per frame` };
  return { featureDim, lfrWindowShift: shift, vocabSize };
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
