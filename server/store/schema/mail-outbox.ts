// Notification e-mails waiting for the SMTP relay (server/voicemail/mail-queue.ts): a row is written
// before the first try, so neither a relay that is down nor a restart loses a mail; it is removed
// once the relay took it, and kept as 'failed' after the last try (the System screen counts both).
// The mail itself is not stored: it is made again from the voicemail message at each try, so no
// copy of the caller's number or audio lies here.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const mailOutbox = sqliteTable(
  'mail_outbox',
  {
    id: text('id').primaryKey(),
    /** the voicemail message the mail is about (gone: the mail is dropped) */
    messageId: text('message_id').notNull(),
    mailbox: text('mailbox').notNull(),
    /** pending: waiting for its next try; failed: every try was refused */
    state: text('state', { enum: ['pending', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    /** the relay's refusal or the connection error, message only (never the transport's options) */
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('mail_outbox_due').on(t.state, t.nextAttemptAt)],
);

export type MailOutboxRow = typeof mailOutbox.$inferSelect;
