// The low-frame-rate stacking and CMVN metadata that sherpa-onnx's SenseVoice and Paraformer models
// share (FunASR's front end): lfr_window_size frames every lfr_window_shift, then neg_mean /
// inv_stddev applied with neg_mean's length as the row width. A length that is not feature_dim ×
// lfr_window_size misreads every frame, and an inv_stddev shorter than neg_mean is read past its end;
// both are sentences here, with the model class that reads them named.

export interface LfrCmvnFrontEnd {
  /** fbank bins per 10 ms frame before stacking: neg_mean's length / lfr_window_size */
  readonly featureDim: number;
  /** 10 ms frames per output frame */
  readonly lfrWindowShift: number;
}

/** the comma-separated float lists sherpa-onnx reads (SHERPA_ONNX_READ_META_DATA_VEC_FLOAT) */
export const CMVN_LIST_KEYS = ['neg_mean', 'inv_stddev'] as const;

function floats(v: string | undefined): number[] | null {
  if (v === undefined || v.trim() === '') return null;
  const parts = v.split(',').filter((p) => p.trim() !== '').map(Number);
  return parts.length > 0 && parts.every(Number.isFinite) ? parts : null;
}

/** `reader` names sherpa-onnx's class in the sentences ("SenseVoice", "Paraformer"); lfr_* are whole numbers already */
export function lfrCmvnProblem(meta: Readonly<Record<string, string>>, reader: string): { problem: string } | LfrCmvnFrontEnd {
  const window = Number(meta.lfr_window_size);
  const shift = Number(meta.lfr_window_shift);
  if (window < 1 || shift < 1) return { problem: `model has lfr_window_size ${window} and lfr_window_shift ${shift}; both must be at least 1` };
  const lists: number[][] = [];
  for (const key of CMVN_LIST_KEYS) {
    const l = floats(meta[key]);
    if (l === null) return { problem: `model has no '${key}' (numbers separated by commas) in its metadata (sherpa-onnx's ${reader} model reads it)` };
    lists.push(l);
  }
  const [negMean, invStddev] = lists as [number[], number[]];
  if (negMean.length !== invStddev.length) return { problem: `model has ${negMean.length} values in 'neg_mean' but ${invStddev.length} in 'inv_stddev'` };
  if (negMean.length % window !== 0) return { problem: `model has ${negMean.length} values in 'neg_mean', not a multiple of lfr_window_size ${window} (one per stacked feature)` };
  const featureDim = negMean.length / window;
  if (featureDim > 512) return { problem: `model's neg_mean implies ${featureDim} fbank bins per frame` };
  return { featureDim, lfrWindowShift: shift };
}
