// The checks an offline recogniser must pass before sherpa-onnx loads it, on top of the per-kind ONNX
// check (model-check.ts). Two types load: sherpa-onnx's `tdnn` CTC model (our fixture) and SenseVoice
// (`sense_voice_ctc`, sense-voice-check.ts); the type comes from model_type in the metadata, not from
// the folder's name. sherpa-onnx exit()s when the model has no `model_type` it knows, when tokens.txt
// is missing, or (tdnn) when tokens.txt has no blank (`<blk>`, `<eps>` or `<blank>`); a vocabulary
// that disagrees with the network's output only shows as garbage text. Each is a sentence here.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ModelError } from '../models/errors.js';
import { readOnnxHeader } from './onnx-metadata.js';
import { onnxModelCheck } from './model-check.js';
import { looksLikeWhisper, offlineModelFile } from './model-files.js';
import { senseVoiceIoProblem, senseVoiceMetadataProblem } from './sense-voice-check.js';

export interface OfflineAsrModel {
  readonly modelType: 'tdnn' | 'sense_voice_ctc';
  readonly model: string;
  readonly tokens: string;
  readonly sampleRate: number;
  readonly featureDim: number;
  readonly vocabSize: number;
  /** the factor by which sherpa-onnx's token times are short: for a tdnn model it assumes no subsampling */
  readonly subsamplingFactor: number;
}

/** types sherpa-onnx has that are not wired here yet: refused with this sentence */
const NOT_YET: Readonly<Record<string, string>> = {
  paraformer: 'paraformer models are not supported yet (only tdnn and SenseVoice offline models load)',
  whisper: 'whisper models are not supported yet (only tdnn and SenseVoice offline models load)',
};

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
  const refuse = (why: string): never => {
    throw new ModelError('bad-model', `'${options.name}' is refused before loading: ${why}`);
  };
  if (looksLikeWhisper(options.dir)) refuse(NOT_YET.whisper!);
  await onnxModelCheck({ entry: { name: options.name, kind: 'offline-asr', languages: [], sampleRate: null, url: 'file:///', format: 'tar.bz2', sizeBytes: null, licence: null, sha256: null, files: ['model*.onnx', 'tokens.txt'] }, dir: options.dir });
  const model = offlineModelFile(options.dir) ?? refuse('no model.onnx');
  const file = basename(model);
  const { metadata } = await readOnnxHeader({ path: model }).catch(() => refuse(`${file} is missing or unreadable`));
  const type = metadata.model_type ?? '';
  if (NOT_YET[type] !== undefined) refuse(`${file} has model_type '${type}': ${NOT_YET[type]}`);
  if (type !== 'tdnn' && type !== 'sense_voice_ctc') refuse(`${file} has model_type '${type}'; only 'tdnn' (offline CTC) and 'sense_voice_ctc' (SenseVoice) are supported`);
  const tokensText = await readFile(join(options.dir, 'tokens.txt'), 'utf8').catch(() => refuse('tokens.txt is missing'));
  const tokens = parseTokens(tokensText);
  const tokensAgree = (vocabSize: number): void => {
    if (tokens.size !== vocabSize) refuse(`tokens.txt holds ${tokens.size} symbols but the model's vocab_size is ${vocabSize}`);
  };
  if (type === 'sense_voice_ctc') {
    const front = senseVoiceMetadataProblem(metadata);
    if ('problem' in front) return refuse(front.problem.replace(/^model/, file));
    const io = await senseVoiceIoProblem(model);
    if (io !== null) refuse(io.replace(/^model/, file));
    tokensAgree(front.vocabSize);
    // SenseVoice is a 16 kHz model (sherpa-onnx resamples 8 kHz call audio in the stream); its
    // timestamps already count lfr_window_shift frames of 10 ms
    const sampleRate = Number(metadata.sample_rate ?? 16000);
    if (!(sampleRate === 8000 || sampleRate === 16000)) refuse(`${file} has sample_rate '${metadata.sample_rate}'`);
    return { modelType: type, model, tokens: join(options.dir, 'tokens.txt'), sampleRate, featureDim: front.featureDim, vocabSize: front.vocabSize, subsamplingFactor: 1 };
  }
  const vocabSize = Number(metadata.vocab_size);
  if (![...tokens.values()].some((t) => BLANKS.includes(t))) refuse('tokens.txt has no blank symbol (<blk>, <eps> or <blank>)');
  tokensAgree(vocabSize);
  // feature front end: our fixture models state theirs; icefall's yesno tdnn uses 8 kHz, 23 bins
  const sampleRate = Number(metadata.sample_rate ?? 8000);
  const featureDim = Number(metadata.feature_dim ?? 23);
  if (!(sampleRate === 8000 || sampleRate === 16000)) refuse(`${file} has sample_rate '${metadata.sample_rate}'`);
  if (!Number.isInteger(featureDim) || featureDim < 1 || featureDim > 512) refuse(`${file} has feature_dim '${metadata.feature_dim}'`);
  const subsamplingFactor = Number(metadata.subsampling_factor ?? 1);
  if (!Number.isInteger(subsamplingFactor) || subsamplingFactor < 1 || subsamplingFactor > 16) refuse(`${file} has subsampling_factor '${metadata.subsampling_factor}'`);
  return { modelType: 'tdnn', model, tokens: join(options.dir, 'tokens.txt'), sampleRate, featureDim, vocabSize, subsamplingFactor };
}
