// Schemas of the data-at-rest and audit routes (issue 14): recording pause/resume, key rotation,
// retention policies, legal hold, tags, early delete, PII reveal, audit verification and export.
import { z } from 'zod';
import { callDispositions } from '../store/index.js';

export const CallIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'not a call id') });
export const RecordingPauseAction = z.object({ action: z.enum(['pause', 'resume']) });
export const RecordingPauseState = z.object({ callId: z.string(), paused: z.boolean() });

export const KeyRotationRequest = z
  .object({
    retire: z.boolean().default(false).meta({ description: 'drop the old master keys from the key file once every file is re-wrapped (none failed)' }),
  })
  .strict();
export const RecordingKeys = z.object({
  encryption: z.enum(['aes-256-gcm', 'sm4-ctr-hmac-sm3', 'off']),
  currentKeyId: z.string().nullable().meta({ description: 'fingerprint of the master key new recordings are wrapped by' }),
  keyIds: z.array(z.string()),
  source: z.enum(['file', 'environment']).nullable(),
});
export const KeyRotationReport = z.object({
  keyId: z.string(),
  sealedFiles: z.number().int(),
  rewrapped: z.number().int(),
  alreadyCurrent: z.number().int(),
  failed: z.array(z.string()).meta({ description: 'recordings (relative paths) whose key the keyring could not open' }),
  plainFiles: z.number().int(),
  retired: z.array(z.string()).meta({ description: 'master key ids removed from the key file' }),
});

const days = z.number().int().min(1).max(36_500);
export const RetentionPolicyWrite = z
  .object({
    name: z.string().min(1).max(100),
    direction: z.enum(['inbound', 'outbound', 'internal']).nullable().default(null).meta({ description: 'null: any' }),
    disposition: z.enum(callDispositions).nullable().default(null).meta({ description: 'null: any' }),
    tag: z.string().min(1).max(64).nullable().default(null).meta({ description: 'null: any' }),
    queue: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a queue id').nullable().default(null).meta({ description: 'an ACD queue the call waited in; null: any' }),
    retainDays: days.meta({ description: 'days the recording is kept after the call ended; where several policies match, the longest wins' }),
  })
  .strict();
export const RetentionPolicy = z.object({
  id: z.number().int(),
  name: z.string(),
  direction: z.string().nullable(),
  disposition: z.string().nullable(),
  tag: z.string().nullable(),
  queue: z.string().nullable(),
  retainDays: z.number().int(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export const RetentionSettings = z.object({
  worm: z.boolean().meta({ description: 'WORM mode: nothing is deleted before its retention ends, by anyone' }),
  defaultDays: z.number().int().meta({ description: 'days for recordings no policy matches; 0: kept' }),
  policies: z.array(RetentionPolicy),
});
export const PolicyParams = z.object({ id: z.coerce.number().int().min(1) });
export const PurgeReport = z.object({ deleted: z.number().int(), held: z.number().int(), failed: z.number().int() });
export const LegalHoldWrite = z.object({ reason: z.string().min(1).max(500) }).strict();
export const TagsWrite = z.object({ tags: z.array(z.string().min(1).max(64)).max(32) }).strict();
export const RecordingDeleted = z.object({ callId: z.string(), purgedAt: z.number().int() });
export const RevealRequest = z.object({ reason: z.string().min(1).max(500).meta({ description: 'why the unmasked data is needed; written to the audit log' }) }).strict();

export const AuditVerifyReport = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBrokenId: z.number().int().optional().meta({ description: 'the first row that does not verify' }),
  reason: z.enum(['prev-hash-mismatch', 'hash-mismatch', 'id-gap', 'unanchored-start']).optional(),
  startsAfter: z.number().int().optional().meta({ description: 'rows up to this id were removed by audit retention' }),
});
export const AuditExportQuery = z.object({
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});
export const SignedAuditExport = z.object({
  payload: z.string().meta({ description: 'JSON { format, exportedAt, range, rows } exactly as signed' }),
  signature: z.object({ algorithm: z.literal('Ed25519'), keyId: z.string(), publicKey: z.string(), value: z.string().meta({ description: 'base64 Ed25519 signature over the UTF-8 payload' }) }),
});
export const AuditSigningKeyBody = z.object({ algorithm: z.literal('Ed25519'), keyId: z.string(), publicKey: z.string() });
