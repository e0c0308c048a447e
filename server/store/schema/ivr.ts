// IVR flows (issue 15): a flow is a name and the version calls start with; each edit is a new
// immutable version (the document as JSON: its shape is server/ivr's, validated there), so a call
// keeps the version it started with and a rollback only moves `current_version`. Each run of a
// flow on a real call leaves one row (its outcome, path and trace) that the per-flow and per-node
// metrics are counted from.
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const ivrFlows = sqliteTable('ivr_flows', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  description: text('description'),
  /** the version new calls run */
  currentVersion: integer('current_version').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const ivrFlowVersions = sqliteTable(
  'ivr_flow_versions',
  {
    flowId: integer('flow_id')
      .notNull()
      .references(() => ivrFlows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    document: text('document', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.version] })],
);

export const ivrRuns = sqliteTable(
  'ivr_runs',
  {
    /** the call's id */
    id: text('id').primaryKey(),
    flowId: integer('flow_id').notNull(),
    version: integer('version').notNull(),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at').notNull(),
    /** completed | abandoned | enqueue | transfer | fallback */
    outcome: text('outcome').notNull(),
    path: text('path', { mode: 'json' }).$type<readonly string[]>().notNull(),
    failuresByNode: text('failures_by_node', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    trace: text('trace', { mode: 'json' }).$type<readonly unknown[]>().notNull(),
  },
  (t) => [index('ivr_runs_flow_idx').on(t.flowId, t.startedAt)],
);

export type IvrFlowRow = typeof ivrFlows.$inferSelect;
export type IvrFlowVersionRow = typeof ivrFlowVersions.$inferSelect;
export type IvrRunRow = typeof ivrRuns.$inferSelect;
