// /api/v1/moh: music-on-hold classes and their files (server/moh). One class, 'default', for now.
import { z } from 'zod';

export const MohFileParams = z.object({
  class: z.literal('default').meta({ description: "the class; only 'default' exists for now" }),
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.wav$/)
    .meta({ description: 'file name: letters, digits, dot, dash or underscore, ending in .wav' }),
});
export const MohClassParams = MohFileParams.pick({ class: true });
export const MohFile = z.object({
  name: z.string(),
  bytes: z.number().int(),
  durationMs: z.number().int().meta({ description: 'length after conversion (mono 16-bit PCM, 8 kHz)' }),
});
export const MohFileList = z.object({ class: z.string(), items: z.array(MohFile) });
export const MohUploaded = z.object({
  class: z.string(),
  file: MohFile,
  source: z.object({ sampleRate: z.number().int(), channels: z.number().int() }).meta({ description: 'what the upload was before conversion' }),
});
