// What sherpa-onnx's OfflineWhisperModel (offline-whisper-model.cc) and its recogniser
// (offline-recognizer-whisper-impl.h, offline-whisper-greedy-search-decoder.cc) need of a Whisper
// encoder/decoder pair, checked before it loads one. It exit()s when the encoder's metadata lacks
// n_mels, n_text_layer, n_text_ctx, n_text_state, n_vocab, sot, eot, blank_id, translate, transcribe,
// is_multilingual, no_timestamps, no_speech or sot_sequence, and — multilingual only —
// all_language_tokens / all_language_codes or when their lengths differ; a multilingual model's
// search writes the language and task into sot_sequence's second and third places (a shorter one is
// written past its end). It feeds the encoder the mel (one input, two outputs read: cross k and v)
// and the decoder six inputs by position (tokens, self k/v caches, cross k/v, offset), reading three
// outputs. Each is a sentence here.
import { InferenceSession } from 'onnxruntime-node';

/** the whole numbers sherpa-onnx reads from the encoder with no default */
export const WHISPER_INT_KEYS = ['n_mels', 'n_text_layer', 'n_text_ctx', 'n_text_state', 'n_vocab', 'sot', 'eot', 'blank_id', 'translate', 'transcribe', 'is_multilingual', 'no_timestamps', 'no_speech'] as const;
/** the lists it reads: sot_sequence always, the language lists for a multilingual model */
export const WHISPER_LIST_KEYS = ['sot_sequence'] as const;
export const WHISPER_LANGUAGE_KEYS = ['all_language_tokens', 'all_language_codes'] as const;

export interface WhisperFrontEnd {
  /** log-mel bins (80, or 128 for large-v3) */
  readonly nMels: number;
  readonly nVocab: number;
  readonly multilingual: boolean;
}

const ints = (v: string | undefined): number[] | null => {
  const parts = (v ?? '').split(',').filter((p) => p.trim() !== '');
  return parts.length > 0 && parts.every((p) => /^\s*\d+\s*$/.test(p)) ? parts.map(Number) : null;
};

/** the encoder metadata's problem for sherpa-onnx's Whisper model, or what it implies */
export function whisperMetadataProblem(meta: Readonly<Record<string, string>>): { problem: string } | WhisperFrontEnd {
  for (const key of WHISPER_INT_KEYS) {
    if (!/^\d+$/.test(meta[key] ?? '')) return { problem: `encoder has no whole number '${key}' in its metadata (sherpa-onnx's Whisper model reads it)` };
  }
  const n = (key: (typeof WHISPER_INT_KEYS)[number]): number => Number(meta[key]);
  const sotSequence = ints(meta.sot_sequence);
  if (sotSequence === null) return { problem: "encoder has no 'sot_sequence' (token ids separated by commas) in its metadata (sherpa-onnx's Whisper model reads it)" };
  const nVocab = n('n_vocab');
  for (const key of ['sot', 'eot', 'translate', 'transcribe', 'no_timestamps'] as const) {
    if (n(key) >= nVocab) return { problem: `encoder has ${key} ${n(key)}, outside its n_vocab ${nVocab}` };
  }
  if (![80, 128].includes(n('n_mels'))) return { problem: `encoder has n_mels ${n('n_mels')}; Whisper uses 80 or 128` };
  if (n('n_text_layer') < 1 || n('n_text_state') < 1) return { problem: 'encoder has n_text_layer or n_text_state 0' };
  if (n('n_text_ctx') <= sotSequence.length + 1) return { problem: `encoder has n_text_ctx ${n('n_text_ctx')}: no room after its ${sotSequence.length}-token sot_sequence` };
  const multilingual = n('is_multilingual') !== 0;
  if (multilingual) {
    if (sotSequence.length < 3) return { problem: `encoder is multilingual but its sot_sequence has ${sotSequence.length} tokens; sherpa-onnx writes the language and task into the second and third` };
    const tokens = ints(meta.all_language_tokens);
    if (tokens === null) return { problem: "encoder has no 'all_language_tokens' in its metadata (sherpa-onnx's multilingual Whisper reads it)" };
    const codes = (meta.all_language_codes ?? '').split(',').filter((c) => c !== '');
    if (codes.length === 0) return { problem: "encoder has no 'all_language_codes' in its metadata (sherpa-onnx's multilingual Whisper reads it)" };
    if (codes.length !== tokens.length) return { problem: `encoder has ${tokens.length} 'all_language_tokens' but ${codes.length} 'all_language_codes'` };
  }
  return { nMels: n('n_mels'), nVocab, multilingual };
}

async function ioCounts(path: string): Promise<{ inputs: number; outputs: number }> {
  const session = await InferenceSession.create(path, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  try {
    return { inputs: session.inputNames.length, outputs: session.outputNames.length };
  } finally {
    await session.release();
  }
}

/** encoder: mel in, cross k/v out; decoder: 6 in, logits and the self caches out */
export async function whisperIoProblem(encoder: string, decoder: string): Promise<string | null> {
  const enc = await ioCounts(encoder);
  if (enc.inputs !== 1 || enc.outputs < 2) return `encoder has ${enc.inputs} inputs and ${enc.outputs} outputs; sherpa-onnx's Whisper feeds 1 (mel) and reads 2 (n_layer_cross_k, n_layer_cross_v)`;
  const dec = await ioCounts(decoder);
  if (dec.inputs !== 6 || dec.outputs < 3) return `decoder has ${dec.inputs} inputs and ${dec.outputs} outputs; sherpa-onnx's Whisper feeds 6 (tokens, self k/v caches, cross k/v, offset) and reads 3 (logits, self k/v caches)`;
  return null;
}
