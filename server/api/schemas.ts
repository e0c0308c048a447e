// Request and response shapes. The same zod schemas validate requests and produce the OpenAPI document.
import { z } from 'zod';
import { adminRoles, callDispositions, callPermissions } from '../store/index.js';
import { CallRecord } from './schemas-cdr.js';

export const ErrorBody = z.object({ error: z.string(), reason: z.string().optional() });
export const ValidationErrorBody = z.object({
  error: z.literal('validation failed'),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});

export const LoginRequest = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});
export const SessionResponse = z.object({
  token: z.string(),
  expiresAt: z.iso.datetime(),
  mustChangePassword: z.boolean().meta({ description: 'a one-time or expired password: every route but the account ones answers 403 until it is changed' }),
  mfaEnrolmentRequired: z.boolean().meta({ description: 'the role signs in with TOTP and has none yet: every route but the account ones answers 403 until it is enrolled' }),
});
/** with TOTP enrolled the password step answers the challenge instead; POST /auth/login/mfa completes it */
export const LoginResponse = z.union([
  SessionResponse,
  z.object({ mfaRequired: z.literal(true), mfaToken: z.string(), expiresAt: z.iso.datetime() }),
]);
export const SessionInfo = z.object({
  username: z.string(),
  role: z.enum(adminRoles).meta({ description: 'the first of roles' }),
  roles: z.array(z.enum(adminRoles)),
  permissions: z.array(z.string()).meta({ description: 'what the roles allow (server/users/roles.ts): the console shows only what these permit' }),
  extensions: z.array(z.string()),
  mfaEnabled: z.boolean(),
  mustChangePassword: z.boolean(),
  mfaEnrolmentRequired: z.boolean(),
  setupPending: z.boolean().meta({ description: 'the user may run the first-run setup (extensions.write) and nobody completed or dismissed it: the console opens /setup after sign-in' }),
  expiresAt: z.iso.datetime(),
});
export const PasswordChange = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().max(1024),
});
export const FieldErrorBody = z.object({ error: z.string(), reason: z.string(), field: z.string().meta({ description: 'the request field the reason is about' }) });

export const ExtensionNumber = z.string().regex(/^[0-9]{2,15}$/, 'extension number must be 2 to 15 digits');
export const ExtensionPassword = z.string().min(8, 'password must be at least 8 characters').max(128);
export const DisplayName = z.string().trim().min(1).max(100);

/** What an extension may dial (FreeSWITCH toll_allow style); the default is internal + emergency. */
export const CallPermissions = z
  .array(z.enum(callPermissions))
  .max(callPermissions.length)
  .refine((list) => new Set(list).size === list.length, { message: 'permissions must not repeat' })
  .meta({ description: "the classes of number the extension may dial (server/numbers classifies: internal, local, national, mobile, international; 'monitor' for supervisor codes); default internal + emergency, so international is off; emergency numbers route even when the set lacks 'emergency'" });

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

// the call record's schemas are derived from its one definition in the store
export { CallLeg, CallRecord } from './schemas-cdr.js';

export const CallRecordList = z.object({
  items: z.array(CallRecord),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const RegistrationEvent = z.object({
  type: z.literal('registration'),
  at: z.iso.datetime(),
  aor: z.string(),
  contacts: z.number().int().meta({ description: 'registered contacts of the AOR now (0: gone)' }),
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
