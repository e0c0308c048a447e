// Request and response shapes. The same zod schemas validate requests and produce the OpenAPI document.
import { z } from 'zod';
import { callDispositions, callPermissions, recordingFormats } from '../store/index.js';

export const ErrorBody = z.object({ error: z.string(), reason: z.string().optional() });
export const ValidationErrorBody = z.object({
  error: z.literal('validation failed'),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});

export const LoginRequest = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});
export const LoginResponse = z.object({ token: z.string(), expiresAt: z.iso.datetime() });

export const ExtensionNumber = z.string().regex(/^[0-9]{2,15}$/, 'extension number must be 2 to 15 digits');
export const ExtensionPassword = z.string().min(8, 'password must be at least 8 characters').max(128);
export const DisplayName = z.string().trim().min(1).max(100);

/** What an extension may dial (FreeSWITCH toll_allow style); the default is internal + emergency. */
export const CallPermissions = z
  .array(z.enum(callPermissions))
  .max(callPermissions.length)
  .refine((list) => new Set(list).size === list.length, { message: 'permissions must not repeat' });

export const Extension = z.object({
  number: ExtensionNumber,
  displayName: z.string().nullable(),
  realm: z.string(),
  permissions: z.array(z.enum(callPermissions)),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const ExtensionCreate = z.strictObject({
  number: ExtensionNumber,
  password: ExtensionPassword,
  displayName: DisplayName.optional(),
  permissions: CallPermissions.optional(),
});

export const ExtensionPatch = z
  .strictObject({
    password: ExtensionPassword.optional(),
    displayName: DisplayName.nullable().optional(),
    permissions: CallPermissions.optional(),
  })
  .refine((v) => v.password !== undefined || v.displayName !== undefined || v.permissions !== undefined, {
    message: 'nothing to change: give password, displayName and/or permissions',
  });

export const ExtensionParams = z.object({ number: ExtensionNumber });

export const Pagination = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const ExtensionList = z.object({
  items: z.array(Extension),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const Registration = z.object({
  aor: z.string(),
  contact: z.string(),
  transport: z.string(),
  sourceAddress: z.string(),
  sourcePort: z.number().int(),
  userAgent: z.string().optional(),
  expiresAt: z.iso.datetime(),
  expiresIn: z.number(),
});
export const RegistrationList = z.object({ items: z.array(Registration) });

export const Health = z.object({ status: z.string() });

// Call detail records. Times are ISO 8601 with an offset; from and to bound the start, inclusive.
const QueryTime = z.iso
  .datetime({ offset: true })
  .transform((t) => Date.parse(t))
  .meta({ description: 'ISO 8601 date-time with Z or an offset' });

function cdrQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      from: QueryTime.optional(),
      to: QueryTime.optional(),
      number: z.string().min(1).max(64).optional().meta({ description: 'caller or callee' }),
      disposition: z.enum(callDispositions).optional(),
      limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
      offset: z.coerce.number().int().min(0).default(0),
    })
    .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from is after to', path: ['to'] });
}

export const CdrQuery = cdrQuery(500, 50);
/** the CSV export allows larger pages */
export const CdrCsvQuery = cdrQuery(10_000, 1_000);
export const CdrParams = z.object({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'not a call id') });

const IsoOrNull = z.iso.datetime().nullable();

export const CallLeg = z.object({
  id: z.string(),
  role: z.enum(['caller', 'callee']),
  sipCallId: z.string(),
  uri: z.string(),
  transport: z.string().nullable(),
  sourceAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  startedAt: z.iso.datetime(),
  answeredAt: IsoOrNull,
  endedAt: IsoOrNull,
  sipStatus: z.number().int().nullable(),
  codec: z.string().nullable(),
  packetsReceived: z.number().int(),
  packetsSent: z.number().int(),
  bytesReceived: z.number().int(),
  bytesSent: z.number().int(),
  packetsLost: z.number().int().nullable(),
  fractionLost: z.number().nullable(),
  jitterMs: z.number().nullable(),
  rttMs: z.number().nullable().meta({ description: 'round trip to this leg\'s phone from RTCP (RFC 3550 §6.4.1), ms; null when it answered no report' }),
  mos: z.number().nullable().meta({ description: 'ITU-T G.107 E-model MOS (1 to 4.5) of this leg; null when it carried no RTP' }),
  packetsDropped: z.number().int().meta({ description: 'packets discarded: from a source signalling did not name for this leg or not the latched one (strict source), failing SRTP, or not RTP/RTCP' }),
  srtpFailures: z.number().int().meta({ description: 'SRTP packets that failed authentication or the replay check' }),
});

export const RecordingPause = z.object({
  atMs: z.number().meta({ description: 'ms into the recording' }),
  durationMs: z.number().meta({ description: 'silence written while paused, ms' }),
});

export const CallRecord = z.object({
  id: z.string(),
  caller: z.string(),
  callerName: z.string().nullable(),
  callee: z.string(),
  startedAt: z.iso.datetime(),
  answeredAt: IsoOrNull,
  endedAt: IsoOrNull.meta({ description: 'null while the call is in progress' }),
  durationS: z.number().int().nullable(),
  billableS: z.number().int().nullable(),
  disposition: z.enum(callDispositions).nullable(),
  hangupCause: z.string().nullable(),
  sipStatus: z.number().int().nullable(),
  hangupBy: z.enum(['caller', 'callee', 'system']).nullable(),
  codec: z.string().nullable(),
  recordingPath: z.string().nullable().meta({ description: 'the recording file on the server; null when the call has none (yet)' }),
  recordingFormat: z.enum(recordingFormats).nullable(),
  recordingDurationMs: z.number().int().nullable(),
  recordingPauses: z.array(RecordingPause),
  routing: z
    .object({ trace: z.array(z.unknown()), handlers: z.array(z.string()) })
    .optional()
    .meta({ description: 'how the dial plan resolved the dialled number (GET /api/v1/dialplan/resolve trace lines) and the handlers the call ran' }),
  recordingUrl: z.string().nullable().meta({ description: 'where to download the recording; null when the call has none' }),
  legs: z.array(CallLeg),
  retention: z
    .object({
      direction: z.enum(['inbound', 'outbound', 'internal']),
      tags: z.array(z.string()),
      legalHold: z.object({ reason: z.string(), by: z.string().nullable(), at: z.number().int().nullable() }).nullable(),
      purgedAt: z.number().int().nullable().meta({ description: 'ms since the epoch: when the recording and the personal data were deleted' }),
    })
    .optional()
    .meta({ description: 'retention: what policies match (direction, tags), legal hold, purge' }),
});

export const CallRecordList = z.object({
  items: z.array(CallRecord),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const CallEvent = z.object({
  type: z.enum(['newcall', 'ringing', 'answered', 'hangup']),
  callId: z.string(),
  at: z.iso.datetime(),
  caller: z.string(),
  callee: z.string(),
  disposition: z.enum(callDispositions).optional(),
  hangupCause: z.string().optional(),
  legId: z.string().optional(),
});
