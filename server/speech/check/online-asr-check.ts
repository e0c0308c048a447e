// The checks a streaming transducer (sherpa-onnx OnlineRecognizer / KeywordSpotter) must pass before
// sherpa-onnx loads it, on top of the per-kind ONNX check (model-check.ts: T, decode_chunk_len,
// vocab_size, context_size). sherpa-onnx exit()s when the encoder's model_type is unknown, when a
// key its model class reads is missing (online-lstm-transducer-model.cc reads num_encoder_layers,
// rnn_hidden_size and d_model too; zipformer and zipformer2: zipformer-check.ts), when tokens.txt is missing or
// has no blank; a vocabulary that disagrees with the decoder only shows as garbage. Each is a
// sentence here instead.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ModelError } from '../models/errors.js';
import { readOnnxHeader } from './onnx-metadata.js';
import { onnxModelCheck } from './model-check.js';
import { transducerFiles } from './model-files.js';
import { BLANKS, parseTokens } from './offline-asr-check.js';
import { zipformerIoProblem, zipformerMetadataProblem } from './zipformer-check.js';

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
  /** the encoder's model_type (sherpa-onnx picks its model class by it) */
  readonly modelType: 'lstm' | 'zipformer' | 'zipformer2';
}

/** the encoder keys sherpa-onnx's lstm model reads without a default */
const LSTM_KEYS = ['num_encoder_layers', 'T', 'decode_chunk_len', 'rnn_hidden_size', 'd_model'];
/** types sherpa-onnx has but whose variant keys are not checked here yet */
const NOT_YET = ['conformer', 'ebranchformer'];

/** a folder holding encoder*.onnx is a streaming transducer (sherpa-onnx's file names) */
export const STREAMING_FILES = ['encoder*.onnx', 'decoder*.onnx', 'joiner*.onnx', 'tokens.txt'] as const;

/** the encoder's problem for its model type, or null (the model type being one we load) */
async function encoderProblem(encoder: string, enc: Readonly<Record<string, string>>): Promise<string | null> {
  const file = basename(encoder);
  const type = enc.model_type ?? '';
  if (type === 'lstm') {
    for (const k of LSTM_KEYS) if (!/^\d+$/.test(enc[k] ?? '')) return `${file} has no whole number '${k}' in its metadata (sherpa-onnx's lstm model reads it)`;
    if (Number(enc.T) < Number(enc.decode_chunk_len)) return `${file} has T ${enc.T} below decode_chunk_len ${enc.decode_chunk_len}`;
    return null;
  }
  if (type === 'zipformer2' || type === 'zipformer') {
    const meta = zipformerMetadataProblem(type, enc);
    if ('problem' in meta) return meta.problem.replace(/^encoder/, file);
    const io = await zipformerIoProblem({ encoder, states: meta.states });
    return io === null ? null : io.replace(/^encoder/, file);
  }
  if (NOT_YET.includes(type)) return `${file} has model_type '${type}': sherpa-onnx's ${type} streaming transducer is not supported yet (only 'lstm', 'zipformer' and 'zipformer2')`;
  return `${file} has model_type '${type}'; only 'lstm', 'zipformer' and 'zipformer2' streaming transducers are supported`;
}

export async function onlineAsrCheck(options: { name: string; dir: string }): Promise<OnlineAsrModel> {
  const refuse = (why: string): never => {
    throw new ModelError('bad-model', `'${options.name}' is refused before loading: ${why}`);
  };
  await onnxModelCheck({ entry: { name: options.name, kind: 'streaming-asr', languages: [], sampleRate: null, url: 'file:///', format: 'tar.bz2', sizeBytes: null, licence: null, sha256: null, files: [...STREAMING_FILES] }, dir: options.dir });
  const files = transducerFiles(options.dir) ?? refuse('no encoder*.onnx');
  const { encoder, decoder, joiner } = files;
  const header = async (path: string) => (await readOnnxHeader({ path }).catch(() => refuse(`${basename(path)} is missing or unreadable`))).metadata;
  const enc = await header(encoder);
  const dec = await header(decoder);
  await header(joiner);
  const problem = await encoderProblem(encoder, enc);
  if (problem !== null) refuse(problem);
  const vocabSize = Number(dec.vocab_size);
  if (!Number.isInteger(Number(dec.context_size)) || Number(dec.context_size) < 1) refuse(`${basename(decoder)} has context_size '${dec.context_size}'`);
  const tokensText = await readFile(join(options.dir, 'tokens.txt'), 'utf8').catch(() => refuse('tokens.txt is missing'));
  const tokens = parseTokens(tokensText);
  if (tokens.get(0) === undefined || !BLANKS.includes(tokens.get(0)!)) refuse('tokens.txt has no blank symbol (<blk>, <eps> or <blank>) as id 0 (sherpa-onnx\'s transducer search takes 0 as blank)');
  if (tokens.size !== vocabSize) refuse(`tokens.txt holds ${tokens.size} symbols but the decoder's vocab_size is ${vocabSize}`);
  // icefall's streaming models carry no front-end metadata: they use 16 kHz, 80 bins; ours state 8 kHz, 23.
  // Call audio at 8 kHz is resampled to the model's rate by sherpa-onnx's stream (acceptWaveform).
  const sampleRate = Number(enc.sample_rate ?? 16000);
  const featureDim = Number(enc.feature_dim ?? 80);
  if (!(sampleRate === 8000 || sampleRate === 16000)) refuse(`${basename(encoder)} has sample_rate '${enc.sample_rate}'`);
  if (!Number.isInteger(featureDim) || featureDim < 1 || featureDim > 512) refuse(`${basename(encoder)} has feature_dim '${enc.feature_dim}'`);
  const symbols = [...Array(vocabSize).keys()].map((i) => tokens.get(i) ?? '');
  return { encoder, decoder, joiner, tokens: join(options.dir, 'tokens.txt'), symbols, sampleRate, featureDim, vocabSize, modelType: enc.model_type as OnlineAsrModel['modelType'] };
}
