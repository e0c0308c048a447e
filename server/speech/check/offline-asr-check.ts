// The checks an offline recogniser must pass before sherpa-onnx loads it, on top of the per-kind ONNX
// check (model-check.ts). Four types load: sherpa-onnx's `tdnn` CTC model (our fixture), SenseVoice
// (`sense_voice_ctc`, sense-voice-check.ts), Paraformer (`paraformer`, paraformer-check.ts) and
// Whisper (whisper-check.ts). A Whisper folder is known by its files (`<name>-encoder.onnx`,
// `<name>-decoder.onnx`: model-files.ts), the others by model_type in model*.onnx's metadata — never
// by the folder's name. sherpa-onnx exit()s when the model has no `model_type` it knows, when
// tokens.txt is missing, or (tdnn) when tokens.txt has no blank (`<blk>`, `<eps>` or `<blank>`); a
// vocabulary that disagrees with the network's output only shows as garbage text. Each is a sentence here.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelError } from '../models/errors.js';
import { readOnnxHeader } from './onnx-metadata.js';
import { onnxModelCheck } from './model-check.js';
import { offlineModelFile, whisperFiles, type WhisperFiles } from './model-files.js';
import { paraformerIoProblem, paraformerMetadataProblem, paraformerTokensProblem } from './paraformer-check.js';
import { senseVoiceIoProblem, senseVoiceMetadataProblem } from './sense-voice-check.js';
import { whisperIoProblem, whisperMetadataProblem } from './whisper-check.js';

export type OfflineModelType = 'tdnn' | 'sense_voice_ctc' | 'paraformer' | 'whisper';

export interface OfflineAsrModel {
  readonly modelType: OfflineModelType;
  /** the model, or Whisper's encoder */
  readonly model: string;
  /** Whisper's decoder */
  readonly decoder?: string;
  readonly tokens: string;
  readonly sampleRate: number;
  readonly featureDim: number;
  readonly vocabSize: number;
  /** the factor by which sherpa-onnx's token times are short: for a tdnn model it assumes no subsampling */
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

/** what each type's check is given: the model file, its metadata, tokens.txt read, and how to refuse */
interface TypeCheck {
  readonly dir: string;
  readonly model: string;
  readonly file: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tokens: ReadonlyMap<number, string>;
  readonly refuse: (why: string) => never;
}

function tokensAgree(c: TypeCheck, vocabSize: number): void {
  if (c.tokens.size !== vocabSize) c.refuse(`tokens.txt holds ${c.tokens.size} symbols but the model's vocab_size is ${vocabSize}`);
}

/** SenseVoice and Paraformer are 16 kHz models unless the metadata says (sherpa-onnx resamples 8 kHz call audio in the stream) */
function funAsrSampleRate(c: TypeCheck): number {
  const sampleRate = Number(c.metadata.sample_rate ?? 16000);
  if (!(sampleRate === 8000 || sampleRate === 16000)) c.refuse(`${c.file} has sample_rate '${c.metadata.sample_rate}'`);
  return sampleRate;
}

async function senseVoiceModel(c: TypeCheck): Promise<OfflineAsrModel> {
  const front = senseVoiceMetadataProblem(c.metadata);
  if ('problem' in front) return c.refuse(front.problem.replace(/^model/, c.file));
  const io = await senseVoiceIoProblem(c.model);
  if (io !== null) c.refuse(io.replace(/^model/, c.file));
  tokensAgree(c, front.vocabSize);
  // its timestamps already count lfr_window_shift frames of 10 ms
  return { modelType: 'sense_voice_ctc', model: c.model, tokens: join(c.dir, 'tokens.txt'), sampleRate: funAsrSampleRate(c), featureDim: front.featureDim, vocabSize: front.vocabSize, subsamplingFactor: 1 };
}

async function paraformerModel(c: TypeCheck): Promise<OfflineAsrModel> {
  const front = paraformerMetadataProblem(c.metadata);
  if ('problem' in front) return c.refuse(front.problem.replace(/^model/, c.file));
  const io = await paraformerIoProblem(c.model);
  if (io !== null) c.refuse(io.replace(/^model/, c.file));
  const eos = paraformerTokensProblem(c.tokens);
  if (eos !== null) c.refuse(eos);
  tokensAgree(c, front.vocabSize);
  // its timestamps (from us_cif_peak, when the model has it) are in seconds already
  return { modelType: 'paraformer', model: c.model, tokens: join(c.dir, 'tokens.txt'), sampleRate: funAsrSampleRate(c), featureDim: front.featureDim, vocabSize: front.vocabSize, subsamplingFactor: 1 };
}

function tdnnModel(c: TypeCheck): OfflineAsrModel {
  const { metadata, file, refuse } = c;
  const vocabSize = Number(metadata.vocab_size);
  if (![...c.tokens.values()].some((t) => BLANKS.includes(t))) refuse('tokens.txt has no blank symbol (<blk>, <eps> or <blank>)');
  tokensAgree(c, vocabSize);
  // feature front end: our fixture models state theirs; icefall's yesno tdnn uses 8 kHz, 23 bins
  const sampleRate = Number(metadata.sample_rate ?? 8000);
  const featureDim = Number(metadata.feature_dim ?? 23);
  if (!(sampleRate === 8000 || sampleRate === 16000)) refuse(`${file} has sample_rate '${metadata.sample_rate}'`);
  if (!Number.isInteger(featureDim) || featureDim < 1 || featureDim > 512) refuse(`${file} has feature_dim '${metadata.feature_dim}'`);
  const subsamplingFactor = Number(metadata.subsampling_factor ?? 1);
  if (!Number.isInteger(subsamplingFactor) || subsamplingFactor < 1 || subsamplingFactor > 16) refuse(`${file} has subsampling_factor '${metadata.subsampling_factor}'`);
  return { modelType: 'tdnn', model: c.model, tokens: join(c.dir, 'tokens.txt'), sampleRate, featureDim, vocabSize, subsamplingFactor };
}

/**
 * A Whisper folder (found by its files: model-files.ts), judged by its encoder's metadata. 16 kHz;
 * its own log-mel front end of n_mels bins (sherpa-onnx builds it from the model, not the config).
 */
async function whisperModel(name: string, files: WhisperFiles, refuse: (why: string) => never): Promise<OfflineAsrModel> {
  for (const path of [files.decoder, files.tokens]) {
    await readFile(path).catch(() => refuse(`${basename(path)} is missing (beside ${basename(files.encoder)})`));
  }
  await onnxModelCheck({ entry: { name, kind: 'offline-asr', languages: [], sampleRate: null, url: 'file:///', format: 'tar.bz2', sizeBytes: null, licence: null, sha256: null, files: ['*encoder*.onnx', '*decoder*.onnx'] }, dir: dirname(files.encoder) });
  const { metadata } = await readOnnxHeader({ path: files.encoder }).catch(() => refuse(`${basename(files.encoder)} is unreadable`));
  const front = whisperMetadataProblem(metadata);
  if ('problem' in front) return refuse(front.problem.replace(/^encoder/, basename(files.encoder)));
  const io = await whisperIoProblem(files.encoder, files.decoder);
  if (io !== null) refuse(io.replace(/^encoder/, basename(files.encoder)).replace(/^decoder/, basename(files.decoder)));
  if (parseTokens(await readFile(files.tokens, 'utf8')).size === 0) refuse(`${basename(files.tokens)} holds no symbols`);
  return { modelType: 'whisper', model: files.encoder, decoder: files.decoder, tokens: files.tokens, sampleRate: 16000, featureDim: front.nMels, vocabSize: front.nVocab, subsamplingFactor: 1 };
}

const TYPE_CHECKS: Readonly<Record<Exclude<OfflineModelType, 'whisper'>, (c: TypeCheck) => OfflineAsrModel | Promise<OfflineAsrModel>>> = {
  tdnn: tdnnModel,
  sense_voice_ctc: senseVoiceModel,
  paraformer: paraformerModel,
};

export async function offlineAsrCheck(options: { name: string; dir: string }): Promise<OfflineAsrModel> {
  const refuse = (why: string): never => {
    throw new ModelError('bad-model', `'${options.name}' is refused before loading: ${why}`);
  };
  const whisper = whisperFiles(options.dir);
  if (whisper !== null) return whisperModel(options.name, whisper, refuse);
  await onnxModelCheck({ entry: { name: options.name, kind: 'offline-asr', languages: [], sampleRate: null, url: 'file:///', format: 'tar.bz2', sizeBytes: null, licence: null, sha256: null, files: ['model*.onnx', 'tokens.txt'] }, dir: options.dir });
  const model = offlineModelFile(options.dir) ?? refuse('no model.onnx');
  const file = basename(model);
  const { metadata } = await readOnnxHeader({ path: model }).catch(() => refuse(`${file} is missing or unreadable`));
  const type = metadata.model_type ?? '';
  if (!Object.hasOwn(TYPE_CHECKS, type)) refuse(`${file} has model_type '${type}'; only 'tdnn' (offline CTC), 'sense_voice_ctc' (SenseVoice) and 'paraformer' are supported (a Whisper folder holds <name>-encoder.onnx and <name>-decoder.onnx instead)`);
  const tokensText = await readFile(join(options.dir, 'tokens.txt'), 'utf8').catch(() => refuse('tokens.txt is missing'));
  return TYPE_CHECKS[type as keyof typeof TYPE_CHECKS]({ dir: options.dir, model, file, metadata, tokens: parseTokens(tokensText), refuse });
}
