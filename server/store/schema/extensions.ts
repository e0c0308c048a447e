// SIP extensions. Only digest HA1 values are kept (RFC 7616 §3.4.2), never the password.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const extensions = sqliteTable('extensions', {
  number: text('number').primaryKey(),
  displayName: text('display_name'),
  realm: text('realm').notNull(),
  ha1Md5: text('ha1_md5').notNull(),
  ha1Sha256: text('ha1_sha256').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type ExtensionRow = typeof extensions.$inferSelect;
