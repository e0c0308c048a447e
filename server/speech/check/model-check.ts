// Checks an unpacked model before sherpa-onnx sees it. sherpa-onnx reads required metadata with
// SHERPA_ONNX_READ_META_DATA, which calls exit() when a key is missing; its model loaders also
// exit() on a missing file. We check both here, and load every .onnx file with onnxruntime-node
// (its errors are exceptions), so a bad model is refused with a reason instead of killing a process.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { ModelError } from '../models/errors.js';
import { globToRegExp, type ModelEntry, type ModelKind } from '../models/manifest.js';
import { OnnxFormatError, readOnnxHeader } from './onnx-metadata.js';

interface MetadataRule {
  /** which .onnx files (glob) the rule applies to */
  readonly file: string;
  /** metadata keys sherpa-onnx reads without a default for these files */
  readonly keys: readonly string[];
}

// The keys every variant of the model family reads (sherpa-onnx/csrc/online-*-model.cc,
// offline-*-model.cc, offline-tts-vits-model.cc); variant-specific keys are left to the variant.
const RULES: Readonly<Record<ModelKind, readonly MetadataRule[]>> = {
  'streaming-asr': [
    { file: 'encoder*.onnx', keys: ['T', 'decode_chunk_len'] },
    { file: 'decoder*.onnx', keys: ['vocab_size', 'context_size'] },
  ],
  kws: [
    { file: 'encoder*.onnx', keys: ['T', 'decode_chunk_len'] },
    { file: 'decoder*.onnx', keys: ['vocab_size', 'context_size'] },
  ],
  'offline-asr': [{ file: 'model*.onnx', keys: ['vocab_size'] }],
  tts: [{ file: '*.onnx', keys: ['sample_rate'] }],
  vad: [],
  // offline-ct-transformer-model.cc; the values themselves are checked by punctuation-check.ts
  punctuation: [{ file: 'model*.onnx', keys: ['vocab_size', 'tokens', 'punctuations', 'unk_symbol'] }],
};

/** metadata problems of one file under the kind's rules; [] when none */
export function metadataProblems(options: { kind: ModelKind; file: string; metadata: Readonly<Record<string, string>> }): string[] {
  const out: string[] = [];
  for (const rule of RULES[options.kind]) {
    if (!globToRegExp(rule.file).test(options.file)) continue;
    for (const key of rule.keys) {
      if (options.metadata[key] === undefined) out.push(`${options.file} has no '${key}' in its ONNX metadata`);
    }
  }
  return out;
}

export async function onnxModelCheck(options: { entry: ModelEntry; dir: string }): Promise<void> {
  const files = (await readdir(options.dir)).filter((f) => f.endsWith('.onnx')).sort();
  if (files.length === 0) throw new ModelError('bad-model', `'${options.entry.name}' has no .onnx file`);
  const problems: string[] = [];
  for (const file of files) {
    const path = join(options.dir, file);
    try {
      const header = await readOnnxHeader({ path });
      if (!header.hasGraph) problems.push(`${file} holds no graph`);
      problems.push(...metadataProblems({ kind: options.entry.kind, file, metadata: header.metadata }));
    } catch (err) {
      problems.push(`${file} is not a readable ONNX model (${err instanceof OnnxFormatError ? err.message : (err as Error).message})`);
      continue;
    }
    try {
      const session = await InferenceSession.create(path, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
      await session.release();
    } catch (err) {
      problems.push(`${file} does not load in onnxruntime (${(err as Error).message.split('\n')[0]})`);
    }
  }
  if (problems.length > 0) {
    throw new ModelError('bad-model', `'${options.entry.name}' is refused before loading: ${problems.join('; ')}`);
  }
}
