// The dial plan: ordered entries, pattern → steps (typed destinations, kept as JSON because their
// kinds are the call layer's and grow with it: queue, IVR flow, voicemail, outbound route).
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const dialPlan = sqliteTable(
  'dial_plan',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** entries are tried in ascending position (then id) */
    position: integer('position').notNull(),
    /** a number, or an Asterisk-style pattern starting with '_' */
    pattern: text('pattern').notNull(),
    /** the class the caller needs; null: anyone */
    permission: text('permission'),
    /** a JSON array of destinations, run in order (a failed step falls through to the next) */
    steps: text('steps', { mode: 'json' }).$type<readonly Record<string, unknown>[]>().notNull(),
    description: text('description'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('dial_plan_position_idx').on(t.position)],
);

export type DialPlanRow = typeof dialPlan.$inferSelect;
