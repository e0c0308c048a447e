// Retention policies for recordings (and the personal data of their calls): how long a recording
// is kept, by the call's direction, disposition and tag. Where several match, the longest wins.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const retentionPolicies = sqliteTable('retention_policies', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  /** inbound, outbound, internal; null: any */
  direction: text('direction'),
  /** a CDR disposition (ANSWERED, ...); null: any */
  disposition: text('disposition'),
  /** a tag the call carries; null: any */
  tag: text('tag'),
  /** an ACD queue the call waited in; null: any */
  queue: text('queue'),
  retainDays: integer('retain_days').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type RetentionPolicyRow = typeof retentionPolicies.$inferSelect;
