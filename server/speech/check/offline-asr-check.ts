// The checks an offline CTC recogniser (sherpa-onnx `tdnn` model type) must pass before sherpa-onnx
// loads it, on top of the per-kind ONNX check (model-check.ts). sherpa-onnx exit()s when the model
// has no `model_type` it knows, when tokens.txt is missing, or when tokens.txt has no blank
// (`<blk>`, `<eps>` or `<blank>`); a vocabulary that disagrees with the network's output only
// shows as garbage text. Each of these is a sentence here instead.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError } from '../models/errors.js';
import { readOnnxHeader } from './onnx-metadata.js';
import { onnxModelCheck } from './model-check.js';

export interface OfflineAsrModel {
  readonly model: string;
  readonly tokens: string;
  readonly sampleRate: number;
  readonly featureDim: number;
  readonly vocabSize: number;
  /** input frames per output frame; sherpa-onnx's timestamps for a tdnn model assume 1 */
  readonly subsamplingFactor: number;
}

export const BLANKS = ['<blk>', '<eps>', '<blank>'];

/** tokens.txt: `symbol id` per line; returns the symbols by id */
export function parseTokens(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s*$/.exec(line.trim());
    if (m) out.set(Number(m[2]), m[1]!);
  }
  return out;
}

export async function offlineAsrCheck(options: { name: string; dir: string }): Promise<OfflineAsrModel> {
  await onnxModelCheck({ entry: { name: options.name, kind: 'offline-asr', languages: [], sampleRate: null, url: 'file:///', format: 'tar.bz2', sizeBytes: null, licence: null, sha256: null, files: ['model.onnx', 'tokens.txt'] }, dir: options.dir });
  const model = join(options.dir, 'model.onnx');
  const refuse = (why: string): never => {
    throw new ModelError('bad-model', `'${options.name}' is refused before loading: ${why}`);
  };
  const { metadata } = await readOnnxHeader({ path: model }).catch(() => refuse('model.onnx is missing or unreadable'));
  if (metadata.model_type !== 'tdnn') refuse(`model.onnx has model_type '${metadata.model_type ?? ''}'; only 'tdnn' (offline CTC) is supported`);
  const vocabSize = Number(metadata.vocab_size);
  const tokensText = await readFile(join(options.dir, 'tokens.txt'), 'utf8').catch(() => refuse('tokens.txt is missing'));
  const tokens = parseTokens(tokensText);
  if (![...tokens.values()].some((t) => BLANKS.includes(t))) refuse('tokens.txt has no blank symbol (<blk>, <eps> or <blank>)');
  if (tokens.size !== vocabSize) refuse(`tokens.txt holds ${tokens.size} symbols but the model's vocab_size is ${vocabSize}`);
  // feature front end: our fixture models state theirs; icefall's yesno tdnn uses 8 kHz, 23 bins
  const sampleRate = Number(metadata.sample_rate ?? 8000);
  const featureDim = Number(metadata.feature_dim ?? 23);
  if (!(sampleRate === 8000 || sampleRate === 16000)) refuse(`model.onnx has sample_rate '${metadata.sample_rate}'`);
  if (!Number.isInteger(featureDim) || featureDim < 1 || featureDim > 512) refuse(`model.onnx has feature_dim '${metadata.feature_dim}'`);
  const subsamplingFactor = Number(metadata.subsampling_factor ?? 1);
  if (!Number.isInteger(subsamplingFactor) || subsamplingFactor < 1 || subsamplingFactor > 16) refuse(`model.onnx has subsampling_factor '${metadata.subsampling_factor}'`);
  return { model, tokens: join(options.dir, 'tokens.txt'), sampleRate, featureDim, vocabSize, subsamplingFactor };
}
