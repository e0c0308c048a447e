// Users, roles, MFA, API tokens and the policy profile: request and response shapes.
import { z } from 'zod';
import { adminRoles } from '../store/index.js';
import { permissions, policyProfiles } from '../users/index.js';
import { ExtensionNumber } from './schemas.js';

const Roles = z.array(z.enum(adminRoles)).min(1).max(adminRoles.length);
const Username = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, '1 to 64 letters, digits, dot, underscore, @ or dash');
const Scope = {
  displayName: z.string().trim().min(1).max(100).nullable().optional(),
  extensions: z.array(ExtensionNumber).max(50).optional().meta({ description: 'extensions an agent answers on' }),
  queues: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'an ACD queue id')).max(200).optional().meta({ description: 'ACD queue ids a supervisor oversees (with teams: what the supervisor sees and acts on; neither: the whole floor)' }),
  teams: z.array(z.string().trim().min(1).max(64)).max(100).optional().meta({ description: 'teams a supervisor oversees' }),
};

export const UserCreate = z.strictObject({
  username: Username,
  password: z.string().min(1).max(1024).optional().meta({ description: 'omitted: a one-time password is generated, returned once, and must be changed at first sign-in' }),
  roles: Roles,
  ...Scope,
});
export const UserPatch = z.strictObject({ roles: Roles.optional(), disabled: z.boolean().optional(), ...Scope });
export const UserParams = z.strictObject({ id: z.uuid() });

export const UserView = z.object({
  id: z.string(),
  username: z.string(),
  roles: z.array(z.enum(adminRoles)),
  displayName: z.string().nullable(),
  extensions: z.array(z.string()),
  queues: z.array(z.string()),
  teams: z.array(z.string()),
  disabled: z.boolean(),
  mfaEnabled: z.boolean(),
  mustChangePassword: z.boolean(),
  /** 'ldap': signed in by the directory, roles from its groups; null: a local account */
  directory: z.string().nullable(),
  passwordChangedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const UserList = z.object({ items: z.array(UserView) });
export const UserCreated = UserView.extend({ oneTimePassword: z.string().optional().meta({ description: 'only when generated; shown once' }) });
export const OneTimePassword = z.object({ oneTimePassword: z.string() });

export const PolicyValues = z.object({
  profile: z.enum(policyProfiles),
  password: z.object({ minLength: z.number(), minClasses: z.number(), history: z.number(), maxAgeDays: z.number() }),
  lockout: z.object({ maxFailures: z.number(), lockoutMs: z.number() }),
  session: z.object({ idleTimeoutMs: z.number(), absoluteLifetimeMs: z.number(), maxConcurrent: z.number() }),
  mfaRoles: z.array(z.enum(adminRoles)),
  separationOfDuties: z.boolean(),
});
export const PolicyView = z.object({ current: PolicyValues, profiles: z.array(PolicyValues) });
export const PolicyChange = z.strictObject({ profile: z.enum(policyProfiles) });

export const TokenCreate = z.strictObject({
  name: z.string().trim().min(1).max(100),
  permissions: z.array(z.enum(permissions)).min(1).max(permissions.length).meta({ description: 'at most what the owner\'s roles grant' }),
  expiresInDays: z.number().int().min(1).max(366),
});
export const TokenView = z.object({
  id: z.string(),
  name: z.string(),
  permissions: z.array(z.string()),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  lastUsedFrom: z.string().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export const TokenList = z.object({ items: z.array(TokenView) });
export const TokenCreated = TokenView.extend({ token: z.string().meta({ description: 'shown once; send as Authorization: Bearer' }) });
export const TokenParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{12}$/) });

export const MfaEnrolment = z.object({ secret: z.string().meta({ description: 'base32 (RFC 4648)' }), otpauthUri: z.string() });
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()).meta({ description: 'shown once; each works once' }) });
export const MfaChallenge = z.object({ mfaRequired: z.literal(true), mfaToken: z.string(), expiresAt: z.iso.datetime() });

export const OidcStatus = z.object({ enabled: z.boolean() });
