// Business calendars: weekly opening hours and dated rules (holidays, working-day overrides) in an
// IANA time zone. Hours and rules are JSON: their shape is the calendar domain's (server/calendars),
// validated there, and a yearly import replaces the rules of a year in one row update, so a
// refused file never leaves half a year written.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const calendars = sqliteTable('calendars', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  timeZone: text('time_zone').notNull(),
  /** { mon: [{ open, close, breaks }], … sun } */
  weekly: text('weekly', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** [{ date, kind: 'holiday' | 'workday', … }], sorted by date */
  days: text('days', { mode: 'json' }).$type<readonly Record<string, unknown>[]>().notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type CalendarRow = typeof calendars.$inferSelect;
