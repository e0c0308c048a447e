// The process's heartbeat: the last moment it was known alive, written every second or so. At the
// next start, calls a crash cut off end there rather than at the restart, so downtime is never
// billed (issue 18). One row per node; a single process uses one.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const processHeartbeats = sqliteTable('process_heartbeats', {
  node: text('node').primaryKey(),
  /** ms since the epoch */
  aliveAt: integer('alive_at').notNull(),
});
