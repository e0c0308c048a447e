// The supported speech models (models/manifest.json): what each is, where its publisher serves it,
// and which files make it the kind it claims. Facts only; see the file's $comment.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const ModelKind = z.enum(['streaming-asr', 'offline-asr', 'tts', 'vad', 'kws', 'punctuation']);
export type ModelKind = z.infer<typeof ModelKind>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 is 64 lower-case hex digits');

export const ModelEntry = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/),
  kind: ModelKind,
  languages: z.array(z.string()),
  /** Hz the model expects; null where rate does not apply (punctuation) */
  sampleRate: z.number().int().positive().nullable(),
  url: z.url(),
  /** tar.* archives hold one top folder (sherpa-onnx's releases); 'onnx' is a single model file */
  format: z.enum(['tar.bz2', 'tar.gz', 'tar.xz', 'tar', 'onnx']),
  sizeBytes: z.number().int().positive().nullable(),
  licence: z.string().nullable(),
  /** the publisher's SHA-256 of the archive; null: pinned at the first verified install */
  sha256: Sha256.nullable(),
  /** glob patterns (only '*') the unpacked model must contain; a trailing '/' names a folder */
  files: z.array(z.string().min(1)).min(1),
  notes: z.string().optional(),
});
export type ModelEntry = z.infer<typeof ModelEntry>;

export const Manifest = z.object({ models: z.array(ModelEntry) });
export type Manifest = z.infer<typeof Manifest>;

/** models/manifest.json at the repository root, from server/speech/models (tsx) or dist/server/speech/models */
export const DEFAULT_MANIFEST_PATH = ['../../../models/manifest.json', '../../../../models/manifest.json']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((p) => existsSync(p)) ?? fileURLToPath(new URL('../../../models/manifest.json', import.meta.url));

export function loadManifest(options: { path?: string } = {}): Manifest {
  const raw: unknown = JSON.parse(readFileSync(options.path ?? DEFAULT_MANIFEST_PATH, 'utf8'));
  const manifest = Manifest.parse(raw);
  const names = new Set<string>();
  for (const m of manifest.models) {
    if (names.has(m.name)) throw new Error(`models/manifest.json names '${m.name}' twice`);
    names.add(m.name);
  }
  return manifest;
}

/** '*' matches any run of characters except '/'; nothing else is special */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${body}$`);
}

/** the patterns of `files` that no entry of `present` matches (folders end with '/') */
export function missingFiles(options: { patterns: readonly string[]; present: readonly string[] }): string[] {
  return options.patterns.filter((p) => !options.present.some((f) => globToRegExp(p).test(f)));
}
