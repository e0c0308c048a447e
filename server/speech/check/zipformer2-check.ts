// What sherpa-onnx's OnlineZipformer2TransducerModel (online-zipformer2-transducer-model.cc) needs of
// a zipformer2 encoder, checked before it loads one. It reads seven comma-separated per-stack lists
// and two numbers from the metadata and exit()s when one is missing, empty or not integers; it then
// indexes every list by the stack number of encoder_dims (a shorter list is read past its end) and
// builds 6 cached states per layer (the sum of num_encoder_layers) + embed_states + processed_lens,
// feeding them to the encoder by position: an encoder with another number of inputs or outputs fails
// in onnxruntime on the first chunk. Each of these is a sentence here instead.
import { InferenceSession } from 'onnxruntime-node';

/** the per-stack lists sherpa-onnx reads (SHERPA_ONNX_READ_META_DATA_VEC) */
export const ZIPFORMER2_LIST_KEYS = ['encoder_dims', 'query_head_dims', 'value_head_dims', 'num_heads', 'num_encoder_layers', 'cnn_module_kernels', 'left_context_len'] as const;
/** the single numbers it reads (SHERPA_ONNX_READ_META_DATA) */
export const ZIPFORMER2_NUMBER_KEYS = ['T', 'decode_chunk_len'] as const;

/** the metadata's problem for sherpa-onnx's zipformer2 model, or null; the states it implies otherwise */
export function zipformer2MetadataProblem(meta: Readonly<Record<string, string>>): { problem: string } | { states: number } {
  const lists = new Map<string, number[]>();
  for (const key of ZIPFORMER2_LIST_KEYS) {
    const v = meta[key];
    if (v === undefined || v === '') return { problem: `encoder has no '${key}' in its metadata (sherpa-onnx's zipformer2 model reads it)` };
    // SplitStringToIntegers, omitting empty fields; negative or zero sizes make no tensor
    const parts = v.split(',').filter((p) => p.trim() !== '');
    if (parts.length === 0 || !parts.every((p) => /^\s*\d+\s*$/.test(p) && Number(p) > 0)) {
      return { problem: `encoder has '${key}' = '${v}' in its metadata; sherpa-onnx's zipformer2 model needs positive whole numbers separated by commas` };
    }
    lists.set(key, parts.map(Number));
  }
  for (const key of ZIPFORMER2_NUMBER_KEYS) {
    if (!/^\d+$/.test(meta[key] ?? '') || Number(meta[key]) < 1) return { problem: `encoder has no whole number '${key}' in its metadata (sherpa-onnx's zipformer2 model reads it)` };
  }
  const stacks = lists.get('encoder_dims')!.length;
  for (const [key, v] of lists) {
    if (v.length !== stacks) return { problem: `encoder has ${v.length} value(s) in '${key}' but ${stacks} in 'encoder_dims' (one per encoder stack)` };
  }
  if (Number(meta.T) < Number(meta.decode_chunk_len)) return { problem: `encoder has T ${meta.T} below decode_chunk_len ${meta.decode_chunk_len}` };
  const layers = lists.get('num_encoder_layers')!.reduce((a, b) => a + b, 0);
  return { states: 6 * layers + 2 };
}

/** the encoder's inputs/outputs against the states its metadata implies (features + states in, encoder_out + states out) */
export async function zipformer2IoProblem(options: { encoder: string; states: number }): Promise<string | null> {
  const session = await InferenceSession.create(options.encoder, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  try {
    const want = 1 + options.states;
    if (session.inputNames.length !== want) {
      return `encoder has ${session.inputNames.length} inputs but its metadata (num_encoder_layers) implies ${want}: the features and ${options.states} cached states`;
    }
    if (session.outputNames.length !== want) {
      return `encoder has ${session.outputNames.length} outputs but its metadata (num_encoder_layers) implies ${want}: encoder_out and ${options.states} next states`;
    }
    return null;
  } finally {
    await session.release();
  }
}
