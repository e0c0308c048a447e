// What sherpa-onnx's OfflineParaformerModel (offline-paraformer-model.cc) and its recogniser
// (offline-recognizer-paraformer-impl.h) need of an offline Paraformer model, checked before it loads
// one. It exit()s when vocab_size, lfr_window_size, lfr_window_shift, neg_mean or inv_stddev is
// missing (LFR/CMVN as SenseVoice's: lfr-cmvn.ts); it looks up `</s>` in tokens.txt with a map's at(),
// which throws — and kills the process — when tokens.txt has none; it feeds speech and speech_lengths
// by position, and reads the outputs as logits and token_num, or with four or more also the fourth
// (us_cif_peak, the token times): three outputs make it read past the end. Each is a sentence here.
import { InferenceSession } from 'onnxruntime-node';
import { lfrCmvnProblem, type LfrCmvnFrontEnd } from './lfr-cmvn.js';

/** the whole numbers sherpa-onnx reads with no default */
export const PARAFORMER_INT_KEYS = ['vocab_size', 'lfr_window_size', 'lfr_window_shift'] as const;
/** Paraformer's greedy search stops at this token; its id comes from tokens.txt */
export const PARAFORMER_EOS = '</s>';

export interface ParaformerFrontEnd extends LfrCmvnFrontEnd {
  readonly vocabSize: number;
}

/** the metadata's problem for sherpa-onnx's Paraformer model, or the front end it implies */
export function paraformerMetadataProblem(meta: Readonly<Record<string, string>>): { problem: string } | ParaformerFrontEnd {
  for (const key of PARAFORMER_INT_KEYS) {
    if (!/^\d+$/.test(meta[key] ?? '')) return { problem: `model has no whole number '${key}' in its metadata (sherpa-onnx's Paraformer model reads it)` };
  }
  const front = lfrCmvnProblem(meta, 'Paraformer');
  return 'problem' in front ? front : { ...front, vocabSize: Number(meta.vocab_size) };
}

/** speech, speech_lengths in; logits, token_num out, or four or more outputs */
export async function paraformerIoProblem(model: string): Promise<string | null> {
  const session = await InferenceSession.create(model, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  try {
    const inputs = session.inputNames.length;
    const outputs = session.outputNames.length;
    if (inputs !== 2) return `model has ${inputs} inputs; sherpa-onnx's Paraformer feeds 2 (speech, speech_lengths)`;
    if (outputs < 2 || outputs === 3) return `model has ${outputs} outputs; sherpa-onnx's Paraformer reads 2 (logits, token_num) or 4 and more (… us_cif_peak fourth)`;
    return null;
  } finally {
    await session.release();
  }
}

/** tokens.txt (id → symbol) must name the end of sentence */
export function paraformerTokensProblem(tokens: ReadonlyMap<number, string>): string | null {
  return [...tokens.values()].includes(PARAFORMER_EOS) ? null : `tokens.txt has no '${PARAFORMER_EOS}' (sherpa-onnx's Paraformer search stops at it and fails without it)`;
}
