// Voicemail (issue 12): one mailbox per extension (its PIN as a scrypt/argon hash, never the
// digits; its greeting, a recording) and the messages callers left. Greeting and message audio are
// recordings under <data>/voicemail, sealed at rest like call recordings (docs/data-at-rest.md);
// these rows name them relative to that folder.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { extensions } from './extensions.js';

export const mailboxes = sqliteTable('mailboxes', {
  number: text('number')
    .primaryKey()
    .references(() => extensions.number, { onDelete: 'cascade' }),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** the PIN's hash (store/credentials hashPassword); null: no PIN set, retrieval refused */
  pinHash: text('pin_hash'),
  /** the unavailable (general) greeting's file, relative to the voicemail folder; null: the spoken default */
  greetingPath: text('greeting_path'),
  /** heard when the extension was busy (486, DND); null: the unavailable one */
  busyGreetingPath: text('busy_greeting_path'),
  /** while set, heard instead of both (Asterisk's temp greeting: away for a while) */
  temporaryGreetingPath: text('temporary_greeting_path'),
  /** seconds a message may last */
  maxMessageS: integer('max_message_s').notNull().default(120),
  /** e-mail notification (when SMTP is configured): the address, and whether the audio is attached */
  email: text('email'),
  emailAttachAudio: integer('email_attach_audio', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at').notNull(),
});

export const voicemailMessages = sqliteTable(
  'voicemail_messages',
  {
    id: text('id').primaryKey(),
    mailbox: text('mailbox')
      .notNull()
      .references(() => mailboxes.number, { onDelete: 'cascade' }),
    caller: text('caller').notNull(),
    callerName: text('caller_name'),
    /** the call that left it (call records) */
    callId: text('call_id').notNull(),
    createdAt: integer('created_at').notNull(),
    durationMs: integer('duration_ms').notNull().default(0),
    /** the audio, relative to the voicemail folder */
    path: text('path').notNull(),
    /** null: new (unheard); set when heard or marked read */
    readAt: integer('read_at'),
  },
  (t) => [index('voicemail_messages_mailbox').on(t.mailbox, t.createdAt)],
);

export type MailboxRow = typeof mailboxes.$inferSelect;

/** Asterisk's unavail, busy and temp greetings (FreeSWITCH's greeting slots likewise) */
export const GREETING_KINDS = ['unavailable', 'busy', 'temporary'] as const;
export type GreetingKind = (typeof GREETING_KINDS)[number];
/** the mailbox column that holds each kind's file */
export const GREETING_COLUMN = { unavailable: 'greetingPath', busy: 'busyGreetingPath', temporary: 'temporaryGreetingPath' } as const satisfies Record<GreetingKind, keyof MailboxRow>;
export type VoicemailMessageRow = typeof voicemailMessages.$inferSelect;
