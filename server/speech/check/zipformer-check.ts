// What sherpa-onnx's zipformer streaming encoders need, checked before it loads one:
// OnlineZipformer2TransducerModel (online-zipformer2-transducer-model.cc, model_type zipformer2) and
// OnlineZipformerTransducerModel (online-zipformer-transducer-model.cc, model_type zipformer: the
// first Zipformer, icefall's pruned_transducer_stateless7_streaming). Each reads comma-separated
// per-stack lists and two numbers from the metadata and exit()s when one is missing, empty or not
// integers; it indexes every list by the stack number of encoder_dims (a shorter list is read past
// its end) and builds its cached states from them — zipformer2: 6 per layer (the sum of
// num_encoder_layers) + embed_states + processed_lens; zipformer: 7 per stack — feeding them to the
// encoder by position, so an encoder with another number of inputs or outputs fails in onnxruntime
// on the first chunk. Each of these is a sentence here instead.
import { InferenceSession } from 'onnxruntime-node';

export type ZipformerType = 'zipformer' | 'zipformer2';

/** the per-stack lists each model reads (SHERPA_ONNX_READ_META_DATA_VEC) */
export const ZIPFORMER_LIST_KEYS: Readonly<Record<ZipformerType, readonly string[]>> = {
  zipformer2: ['encoder_dims', 'query_head_dims', 'value_head_dims', 'num_heads', 'num_encoder_layers', 'cnn_module_kernels', 'left_context_len'],
  zipformer: ['encoder_dims', 'attention_dims', 'num_encoder_layers', 'cnn_module_kernels', 'left_context_len'],
};
/** the single numbers both read (SHERPA_ONNX_READ_META_DATA) */
export const ZIPFORMER_NUMBER_KEYS = ['T', 'decode_chunk_len'] as const;

/** the metadata's problem for sherpa-onnx's model of this type, or the number of cached states it implies */
export function zipformerMetadataProblem(type: ZipformerType, meta: Readonly<Record<string, string>>): { problem: string } | { states: number } {
  const lists = new Map<string, number[]>();
  for (const key of ZIPFORMER_LIST_KEYS[type]) {
    const v = meta[key];
    if (v === undefined || v === '') return { problem: `encoder has no '${key}' in its metadata (sherpa-onnx's ${type} model reads it)` };
    // SplitStringToIntegers, omitting empty fields; negative or zero sizes make no tensor
    const parts = v.split(',').filter((p) => p.trim() !== '');
    if (parts.length === 0 || !parts.every((p) => /^\s*\d+\s*$/.test(p) && Number(p) > 0)) {
      return { problem: `encoder has '${key}' = '${v}' in its metadata; sherpa-onnx's ${type} model needs positive whole numbers separated by commas` };
    }
    lists.set(key, parts.map(Number));
  }
  for (const key of ZIPFORMER_NUMBER_KEYS) {
    if (!/^\d+$/.test(meta[key] ?? '') || Number(meta[key]) < 1) return { problem: `encoder has no whole number '${key}' in its metadata (sherpa-onnx's ${type} model reads it)` };
  }
  const stacks = lists.get('encoder_dims')!.length;
  for (const [key, v] of lists) {
    if (v.length !== stacks) return { problem: `encoder has ${v.length} value(s) in '${key}' but ${stacks} in 'encoder_dims' (one per encoder stack)` };
  }
  if (Number(meta.T) < Number(meta.decode_chunk_len)) return { problem: `encoder has T ${meta.T} below decode_chunk_len ${meta.decode_chunk_len}` };
  if (type === 'zipformer') return { states: 7 * stacks };
  const layers = lists.get('num_encoder_layers')!.reduce((a, b) => a + b, 0);
  return { states: 6 * layers + 2 };
}

/** the encoder's inputs/outputs against the states its metadata implies (features + states in, encoder_out + states out) */
export async function zipformerIoProblem(options: { encoder: string; states: number }): Promise<string | null> {
  const session = await InferenceSession.create(options.encoder, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  try {
    const want = 1 + options.states;
    if (session.inputNames.length !== want) {
      return `encoder has ${session.inputNames.length} inputs but its metadata implies ${want}: the features and ${options.states} cached states`;
    }
    if (session.outputNames.length !== want) {
      return `encoder has ${session.outputNames.length} outputs but its metadata implies ${want}: encoder_out and ${options.states} next states`;
    }
    return null;
  } finally {
    await session.release();
  }
}
