// What happens to calls for an extension besides ringing it: do-not-disturb and call forwarding
// (unconditional, on busy, on no answer), as a PBX's per-user "call handling" settings.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { extensions } from './extensions.js';

export const callHandling = sqliteTable('call_handling', {
  number: text('number')
    .primaryKey()
    .references(() => extensions.number, { onDelete: 'cascade' }),
  /** do not disturb: callers get busy (486), or the busy forward target */
  dnd: integer('dnd', { mode: 'boolean' }).notNull().default(false),
  forwardAlways: text('forward_always'),
  forwardBusy: text('forward_busy'),
  forwardNoAnswer: text('forward_no_answer'),
  /** seconds to ring before the no-answer forward; null: the server's no-answer timeout */
  noAnswerS: integer('no_answer_s'),
  /** call pickup group: *8 from a phone in it picks up a call ringing at any member; null: none */
  pickupGroup: text('pickup_group'),
  updatedAt: integer('updated_at').notNull(),
});

export type CallHandlingRow = typeof callHandling.$inferSelect;
