// Carrier trunks, the inbound numbers (DIDs) they bring, the outbound routes that use them, and
// every attempt an outbound call made on a trunk. A trunk's settings and a route's patterns are
// JSON (their shapes are the trunk layer's zod schemas and grow with it); the carrier secret has a
// column of its own so that nothing that reads settings can leak it.
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const trunks = sqliteTable('trunks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  /** 'register' (we REGISTER to the carrier) or 'ip' (the carrier sends from listed addresses) */
  kind: text('kind').notNull(),
  /** everything else but the secret, as the trunk layer's schema has it */
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** the carrier password (needed in clear to answer its digest challenges); never returned by the API */
  secret: text('secret'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const dids = sqliteTable(
  'dids',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** the range of numbers, first..last inclusive (equal for one number), same length */
    first: text('first').notNull(),
    last: text('last').notNull(),
    /** the trunk the numbers arrive on; null: any trunk */
    trunkId: integer('trunk_id').references(() => trunks.id, { onDelete: 'cascade' }),
    /** a JSON array of dial plan destinations, run in order */
    steps: text('steps', { mode: 'json' }).$type<readonly Record<string, unknown>[]>().notNull(),
    description: text('description'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('dids_first_idx').on(t.first)],
);

export const outboundRoutes = sqliteTable('outbound_routes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  /** JSON: patterns, trunks, permission and failover settings, as the trunk layer's schema has it */
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Linked to the call record by call id, kept apart so the call-record definition stays as it is. */
export const trunkAttempts = sqliteTable(
  'trunk_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    callId: text('call_id').notNull(),
    /** 1, 2, ... in the order they were made */
    seq: integer('seq').notNull(),
    routeId: integer('route_id'),
    trunkId: integer('trunk_id'),
    trunkName: text('trunk_name').notNull(),
    /** transport:address:port the INVITE went to */
    target: text('target'),
    /** the number as it left (after strip/prepend) */
    number: text('number').notNull(),
    /** the final status (local 408 on a setup timeout, 503 when unreachable); null: skipped */
    status: integer('status'),
    /** answered, failover, failed, skipped-down, skipped-full, no-targets */
    outcome: text('outcome').notNull(),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [uniqueIndex('trunk_attempts_call_seq_idx').on(t.callId, t.seq)],
);

export type TrunkRow = typeof trunks.$inferSelect;
export type DidRow = typeof dids.$inferSelect;
export type OutboundRouteRow = typeof outboundRoutes.$inferSelect;
export type TrunkAttemptRow = typeof trunkAttempts.$inferSelect;
