// Sources banned for failed authentications (server/security/bans.ts), kept so that a restart does
// not lift them (issue 18, finding 7). One row per banned address; a lifted ban's row is deleted.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const sipBans = sqliteTable(
  'sip_bans',
  {
    ip: text('ip').primaryKey(),
    /** ms since epoch */
    since: integer('since').notNull(),
    /** ms since epoch: the ban ends then */
    until: integer('until').notNull(),
    failures: integer('failures').notNull(),
  },
  (t) => [index('sip_bans_until_idx').on(t.until)],
);

export type SipBanRow = typeof sipBans.$inferSelect;
