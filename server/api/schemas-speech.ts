// /api/v1/speech: installed models (models/manifest.json), installs with progress, and TTS voices.
import { z } from 'zod';
import { ModelEntry } from '../speech/index.js';

export const ModelParams = z.object({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/) });
export const InstallBody = z.strictObject({
  /** an archive already on the server (air-gapped sites); absent: download from the manifest's URL */
  from: z.string().min(1).max(1024).optional().meta({ description: 'path of a local archive on the server; absent: download from the manifest URL' }),
});
export const InstallProgress = z.object({
  state: z.enum(['running', 'failed']),
  bytes: z.number(),
  total: z.number().nullable(),
  rate: z.number().meta({ description: 'bytes per second' }),
  etaS: z.number().nullable(),
  error: z.string().optional(),
  code: z.string().optional(),
});
export const SpeechModel = z.object({
  model: ModelEntry,
  installed: z
    .object({ sha256: z.string(), checksumSource: z.enum(['published', 'pinned']), installedAt: z.string(), source: z.enum(['download', 'archive']) })
    .nullable(),
  expectedSha256: z.string().nullable(),
  install: InstallProgress.nullable(),
});
export const SpeechModelList = z.object({ items: z.array(SpeechModel) });
export const VerifyResult = z.object({ items: z.array(z.object({ name: z.string(), problem: z.string().nullable() })) });
export const VoiceList = z.object({ items: z.array(z.object({ voice: z.string(), engine: z.string() })) });
