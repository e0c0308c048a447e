// Model archives for tests, shaped as sherpa-onnx's releases (one top folder), with tiny real ONNX
// files (testing/onnx-build.ts) carrying the metadata sherpa-onnx reads.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { identityOnnx } from './onnx-build.js';

export const ENCODER_META = { T: '39', decode_chunk_len: '32', model_type: 'zipformer2' };
export const DECODER_META = { vocab_size: '500', context_size: '2' };

/** a tar.bz2 holding one top folder, as sherpa-onnx's releases do */
export function archive(root: string, name: string, files: Record<string, Buffer | string>): string {
  const src = join(root, 'src', name);
  mkdirSync(src, { recursive: true });
  for (const [f, body] of Object.entries(files)) writeFileSync(join(src, f), body);
  const out = join(root, `${name}.tar.bz2`);
  execFileSync('tar', ['-cjf', out, '-C', join(root, 'src'), name]);
  return out;
}

export function streamingFiles(encoderMeta: Record<string, string> = ENCODER_META, extra = ''): Record<string, Buffer | string> {
  return {
    'encoder-epoch-99-avg-1.onnx': identityOnnx({ metadata: encoderMeta }),
    'decoder-epoch-99-avg-1.onnx': identityOnnx({ metadata: DECODER_META }),
    'joiner-epoch-99-avg-1.onnx': identityOnnx({ metadata: {} }),
    'tokens.txt': `<blk> 0\na 1\n${extra}`,
  };
}

/** bytes bzip2 cannot shrink (a fixed LCG), so the archive is as long as the test needs */
export function incompressible(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    // xorshift32 (Marsaglia 2003)
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

