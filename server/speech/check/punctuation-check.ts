// The checks a CT-transformer punctuation model (sherpa-onnx OfflinePunctuation) must pass before
// sherpa-onnx loads it, on top of the per-kind ONNX check (model-check.ts: the metadata keys exist,
// the file loads in onnxruntime). sherpa-onnx (offline-ct-transformer-model.cc) exit()s when
// `tokens` and `vocab_size` disagree, and throws std::out_of_range, which aborts the process, when
// `unk_symbol` is not a token or `punctuations` lacks one of 。 ， ？ 、 _. It feeds the model two
// int32 inputs (token ids (N, T), length (N)) and takes the argmax over the output's last
// dimension, whose size it reads from the output's declared shape: a model with one input reads past
// sherpa-onnx's array of input names, and an output wider than `punctuations` indexes past it.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { ModelError } from '../models/errors.js';
import { onnxModelCheck } from './model-check.js';
import { readOnnxHeader } from './onnx-metadata.js';

export interface PunctuationModel {
  /** the .onnx file sherpa-onnx loads */
  readonly model: string;
  readonly vocabSize: number;
  readonly punctuations: readonly string[];
}

/** the marks sherpa-onnx looks up by name (dot, comma, question, pause, and '_' for none) */
export const REQUIRED_MARKS = ['。', '，', '？', '、', '_'] as const;

export async function punctuationCheck(options: { name: string; dir: string }): Promise<PunctuationModel> {
  const refuse = (why: string): never => {
    throw new ModelError('bad-model', `'${options.name}' is refused before loading: ${why}`);
  };
  const files = await readdir(options.dir).catch(() => refuse(`its folder ${options.dir} cannot be read`));
  // the release archive holds model.onnx (and sometimes an int8 copy): prefer the full one
  const file = ['model.onnx', ...files.filter((f) => /^model.*\.onnx$/.test(f)).sort()].find((f) => files.includes(f)) ?? refuse('it has no model*.onnx file');
  await onnxModelCheck({ entry: { name: options.name, kind: 'punctuation', languages: [], sampleRate: null, url: 'file:///', format: 'tar.bz2', sizeBytes: null, licence: null, sha256: null, files: ['model*.onnx'] }, dir: options.dir });
  const model = join(options.dir, file);
  const { metadata } = await readOnnxHeader({ path: model });
  // onnxModelCheck has made sure these keys exist
  const tokens = metadata.tokens!.split('|');
  const vocabSize = Number(metadata.vocab_size);
  if (tokens.length !== vocabSize) refuse(`${file} lists ${tokens.length} tokens but its vocab_size is '${metadata.vocab_size}'`);
  if (!tokens.includes(metadata.unk_symbol!)) refuse(`${file}'s unk_symbol '${metadata.unk_symbol}' is not one of its tokens`);
  const punctuations = metadata.punctuations!.split('|');
  const missing = REQUIRED_MARKS.filter((m) => !punctuations.includes(m));
  if (missing.length > 0) refuse(`${file}'s punctuations lack ${missing.map((m) => `'${m}'`).join(', ')}`);
  const session = await InferenceSession.create(model, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
  try {
    const inputs = session.inputMetadata;
    if (inputs.length !== 2 || inputs.some((i) => !i.isTensor || i.type !== 'int32')) {
      refuse(`${file} must take two int32 inputs (token ids, length); it takes ${inputs.map((i) => `${i.name}${i.isTensor ? ` (${i.type})` : ''}`).join(', ')}`);
    }
    const out = session.outputMetadata[0];
    const width = out?.isTensor === true ? out.shape[2] : undefined;
    if (out?.isTensor !== true || out.type !== 'float32' || out.shape.length !== 3 || typeof width !== 'number') {
      refuse(`${file}'s first output must be float (N, T, punctuations) with a fixed last dimension`);
    } else if (width !== punctuations.length) {
      refuse(`${file}'s output gives ${width} classes but its metadata lists ${punctuations.length} punctuations`);
    }
  } finally {
    await session.release();
  }
  return { model, vocabSize, punctuations };
}
