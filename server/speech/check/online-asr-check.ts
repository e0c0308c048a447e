// The checks a streaming transducer (sherpa-onnx OnlineRecognizer / KeywordSpotter) must pass before
// sherpa-onnx loads it, on top of the per-kind ONNX check (model-check.ts: T, decode_chunk_len,
// vocab_size, context_size). sherpa-onnx exit()s when the encoder's model_type is unknown, when a
// key its model class reads is missing (online-lstm-transducer-model.cc reads num_encoder_layers,
// rnn_hidden_size and d_model too), when tokens.txt is missing or has no blank; a vocabulary that
// disagrees with the decoder only shows as garbage. Each is a sentence here instead.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError } from '../models/errors.js';
import { readOnnxHeader } from './onnx-metadata.js';
import { onnxModelCheck } from './model-check.js';
import { BLANKS, parseTokens } from './offline-asr-check.js';

export interface OnlineAsrModel {
  readonly encoder: string;
  readonly decoder: string;
  readonly joiner: string;
  readonly tokens: string;
  /** by id, for keyword lists (a keyword is spelled in these symbols) */
  readonly symbols: readonly string[];
  readonly sampleRate: number;
  readonly featureDim: number;
  readonly vocabSize: number;
}

/** the encoder keys each supported model class reads without a default */
const ENCODER_KEYS: Readonly<Record<string, readonly string[]>> = {
  lstm: ['num_encoder_layers', 'T', 'decode_chunk_len', 'rnn_hidden_size', 'd_model'],
};

/** a folder holding encoder.onnx is a streaming transducer (sherpa-onnx's file names) */
export const STREAMING_FILES = ['encoder.onnx', 'decoder.onnx', 'joiner.onnx', 'tokens.txt'] as const;

export async function onlineAsrCheck(options: { name: string; dir: string }): Promise<OnlineAsrModel> {
  const refuse = (why: string): never => {
    throw new ModelError('bad-model', `'${options.name}' is refused before loading: ${why}`);
  };
  await onnxModelCheck({ entry: { name: options.name, kind: 'streaming-asr', languages: [], sampleRate: null, url: 'file:///', format: 'tar.bz2', sizeBytes: null, licence: null, sha256: null, files: [...STREAMING_FILES] }, dir: options.dir });
  const [encoder, decoder, joiner] = ['encoder.onnx', 'decoder.onnx', 'joiner.onnx'].map((f) => join(options.dir, f)) as [string, string, string];
  const header = async (path: string, file: string) => (await readOnnxHeader({ path }).catch(() => refuse(`${file} is missing or unreadable`))).metadata;
  const enc = await header(encoder, 'encoder.onnx');
  const dec = await header(decoder, 'decoder.onnx');
  await header(joiner, 'joiner.onnx');
  const type = enc.model_type ?? '';
  const keys = ENCODER_KEYS[type];
  if (keys === undefined) refuse(`encoder.onnx has model_type '${type}'; only ${Object.keys(ENCODER_KEYS).map((k) => `'${k}'`).join(', ')} streaming transducers are supported`);
  for (const k of keys ?? []) if (!/^\d+$/.test(enc[k] ?? '')) refuse(`encoder.onnx has no whole number '${k}' in its metadata (sherpa-onnx's ${type} model reads it)`);
  if (Number(enc.T) < Number(enc.decode_chunk_len)) refuse(`encoder.onnx has T ${enc.T} below decode_chunk_len ${enc.decode_chunk_len}`);
  const vocabSize = Number(dec.vocab_size);
  if (!Number.isInteger(Number(dec.context_size)) || Number(dec.context_size) < 1) refuse(`decoder.onnx has context_size '${dec.context_size}'`);
  const tokensText = await readFile(join(options.dir, 'tokens.txt'), 'utf8').catch(() => refuse('tokens.txt is missing'));
  const tokens = parseTokens(tokensText);
  if (tokens.get(0) === undefined || !BLANKS.includes(tokens.get(0)!)) refuse('tokens.txt has no blank symbol (<blk>, <eps> or <blank>) as id 0 (sherpa-onnx\'s transducer search takes 0 as blank)');
  if (tokens.size !== vocabSize) refuse(`tokens.txt holds ${tokens.size} symbols but the decoder's vocab_size is ${vocabSize}`);
  // icefall's streaming models carry no front-end metadata: they use 16 kHz, 80 bins; ours state 8 kHz, 23
  const sampleRate = Number(enc.sample_rate ?? 16000);
  const featureDim = Number(enc.feature_dim ?? 80);
  if (!(sampleRate === 8000 || sampleRate === 16000)) refuse(`encoder.onnx has sample_rate '${enc.sample_rate}'`);
  if (!Number.isInteger(featureDim) || featureDim < 1 || featureDim > 512) refuse(`encoder.onnx has feature_dim '${enc.feature_dim}'`);
  const symbols = [...Array(vocabSize).keys()].map((i) => tokens.get(i) ?? '');
  return { encoder, decoder, joiner, tokens: join(options.dir, 'tokens.txt'), symbols, sampleRate, featureDim, vocabSize };
}
