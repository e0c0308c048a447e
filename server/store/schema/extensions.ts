// SIP extensions. Only digest HA1 values are kept (RFC 7616 §3.4.2), never the password.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * What an extension may dial, in the manner of FreeSWITCH's toll_allow and Asterisk's dialplan
 * contexts: the router classifies a dialled number into one of these and refuses the call unless
 * the caller's set holds it. Listed from narrowest to widest; stored sets keep this order.
 */
// 'monitor': may listen to, whisper to and barge into other extensions' calls (supervisors)
// 'mobile': mobile numbers (server/numbers classifies a dialled number into these classes); an
// extension always holds 'emergency' when a call is checked, whatever its stored set says
export const callPermissions = ['internal', 'local', 'national', 'mobile', 'international', 'emergency', 'monitor'] as const;
export type CallPermission = (typeof callPermissions)[number];
export const defaultCallPermissions: readonly CallPermission[] = ['internal', 'emergency'];

export const extensions = sqliteTable('extensions', {
  number: text('number').primaryKey(),
  displayName: text('display_name'),
  realm: text('realm').notNull(),
  ha1Md5: text('ha1_md5').notNull(),
  ha1Sha256: text('ha1_sha256').notNull(),
  /** a JSON array of CallPermission */
  permissions: text('permissions', { mode: 'json' })
    .$type<readonly string[]>()
    .notNull()
    .default([...defaultCallPermissions]),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type ExtensionRow = typeof extensions.$inferSelect;
