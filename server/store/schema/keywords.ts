// Keyword spotting (issues 13 and 16): lists of words and phrases a supervisor sets, each spotted on
// every call or only on calls to the numbers it names, and the hits live transcription finds. A
// phrase is kept as it was typed; it is spelled in the live model's tokens when a call starts (the
// model may change), so the table never holds token ids. A hit keeps the list's name and the
// phrase as they were, so deleting or renaming a list does not rewrite what calls said.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const keywordLists = sqliteTable('keyword_lists', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  /** the words and phrases, as typed ("cancel my card", "投诉") */
  phrases: text('phrases', { mode: 'json' }).$type<readonly string[]>().notNull(),
  /** numbers dialled (an extension, a queue's or an IVR's number); empty: every call */
  numbers: text('numbers', { mode: 'json' }).$type<readonly string[]>().notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const keywordHits = sqliteTable(
  'keyword_hits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    callId: text('call_id').notNull(),
    /** whose audio: 'caller' or 'callee' */
    leg: text('leg', { enum: ['caller', 'callee'] }).notNull(),
    /** the phrase as the list has it */
    keyword: text('keyword').notNull(),
    /** the list's id then (null: from HAILING_LIVE_KEYWORDS, or the list is gone) and its name */
    listId: integer('list_id'),
    listName: text('list_name').notNull(),
    /** ms from the call's start (its INVITE) where the keyword's first token was heard */
    atMs: integer('at_ms').notNull(),
    /** ms since the epoch: when it was heard (the search by period reads this) */
    heardAt: integer('heard_at').notNull(),
  },
  (t) => [index('keyword_hits_call').on(t.callId, t.atMs), index('keyword_hits_keyword').on(t.keyword, t.heardAt), index('keyword_hits_heard').on(t.heardAt)],
);

export type KeywordListRow = typeof keywordLists.$inferSelect;
export type KeywordHitRow = typeof keywordHits.$inferSelect;
