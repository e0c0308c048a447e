// User accounts (admin API and console). Passwords are stored only as argon2id hashes (PHC strings).
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** What a user may do is the union of its roles' permissions (server/users/roles.ts). */
export const adminRoles = ['agent', 'supervisor', 'admin', 'security-admin', 'auditor'] as const;
export type AdminRole = (typeof adminRoles)[number];

export const adminUsers = sqliteTable('admin_users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  /** the first of `roles`, kept for readers of the single-role schema */
  role: text('role', { enum: adminRoles }).notNull().default('admin'),
  /** JSON array of roles */
  roles: text('roles', { mode: 'json' }).$type<AdminRole[]>().notNull().default([]),
  displayName: text('display_name'),
  /** JSON array of extension numbers an agent answers on */
  extensions: text('extensions', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** JSON array of ACD queue ids a supervisor oversees (empty: none) */
  // ACD queue ids (strings; rows from before held numbers, read back as their text)
  queues: text('queues', { mode: 'json' }).$type<(string | number)[]>().notNull().default([]),
  /** JSON array of team names a supervisor oversees */
  teams: text('teams', { mode: 'json' }).$type<string[]>().notNull().default([]),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  /** the directory that signs this user in ('ldap'); null: a local account with its own password */
  directory: text('directory'),
  /** the password was generated (the one-time admin password): nothing but the change is allowed */
  mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
  passwordChangedAt: integer('password_changed_at'),
  /** JSON array of the previous argon2id hashes, newest first (password history policy) */
  passwordHistory: text('password_history', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** RFC 6238 shared secret (base32); set at enrolment, active once totpEnabledAt is set */
  totpSecret: text('totp_secret'),
  totpEnabledAt: integer('totp_enabled_at'),
  /** the last TOTP time step accepted: a code is good once (RFC 6238 §5.2) */
  totpLastStep: integer('totp_last_step'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type AdminUserRow = typeof adminUsers.$inferSelect;

/** One-time recovery codes for a user who lost the TOTP device; SHA-256 only, used once. */
export const userRecoveryCodes = sqliteTable(
  'user_recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => adminUsers.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('user_recovery_codes_user_idx').on(t.userId)],
);

/** Integration tokens: named, scoped, expiring; the id is SHA-256(token), the token is shown once. */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    /** short public handle for listing and revocation */
    publicId: text('public_id').notNull().unique(),
    userId: text('user_id')
      .notNull()
      .references(() => adminUsers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** JSON array of permissions; the token never exceeds its owner's roles */
    permissions: text('permissions', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    lastUsedFrom: text('last_used_from'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

/** Security settings that an administrator changes at run time (the policy profile). */
export const securitySettings = sqliteTable('security_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: text('updated_by'),
});
