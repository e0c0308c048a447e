// Mailboxes and voicemail messages. Counts per mailbox are read for every message-waiting NOTIFY
// and kept in memory by the voicemail service; this repository only reads and writes rows.
import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { mailboxes, voicemailMessages, type MailboxRow, type VoicemailMessageRow } from '../schema/voicemail.js';

export type MailboxSettings = Pick<MailboxRow, 'enabled' | 'maxMessageS' | 'email' | 'emailAttachAudio'>;

export class VoicemailRepository {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(options: { db: Db; now?: () => number }) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  async mailbox(number: string): Promise<MailboxRow | undefined> {
    const [row] = await this.#db.select().from(mailboxes).where(eq(mailboxes.number, number));
    return row;
  }

  async mailboxes(): Promise<MailboxRow[]> {
    return this.#db.select().from(mailboxes).orderBy(asc(mailboxes.number));
  }

  /** creates the mailbox with these settings, or changes an existing one's */
  async saveMailbox(number: string, change: Partial<MailboxSettings> & { pinHash?: string | null; greetingPath?: string | null; busyGreetingPath?: string | null; temporaryGreetingPath?: string | null }): Promise<MailboxRow> {
    const updatedAt = this.#now();
    const [row] = await this.#db
      .insert(mailboxes)
      .values({ number, ...change, updatedAt })
      .onConflictDoUpdate({ target: mailboxes.number, set: { ...change, updatedAt } })
      .returning();
    return row!;
  }

  async addMessage(message: VoicemailMessageRow): Promise<void> {
    await this.#db.insert(voicemailMessages).values(message);
  }

  /** a mailbox's messages, oldest first (the order a phone plays them) */
  async messages(mailbox: string): Promise<VoicemailMessageRow[]> {
    return this.#db.select().from(voicemailMessages).where(eq(voicemailMessages.mailbox, mailbox)).orderBy(asc(voicemailMessages.createdAt), asc(voicemailMessages.id));
  }

  /** every message left before `at` (the retention purge), oldest first */
  async messagesBefore(at: number): Promise<Array<{ id: string; callId: string }>> {
    return this.#db.select({ id: voicemailMessages.id, callId: voicemailMessages.callId }).from(voicemailMessages).where(lt(voicemailMessages.createdAt, at)).orderBy(asc(voicemailMessages.createdAt));
  }

  async message(id: string): Promise<VoicemailMessageRow | undefined> {
    const [row] = await this.#db.select().from(voicemailMessages).where(eq(voicemailMessages.id, id));
    return row;
  }

  /** heard (or marked read in the API): readAt set; null marks it new again */
  async markRead(id: string, readAt: number | null): Promise<boolean> {
    const r = await this.#db.update(voicemailMessages).set({ readAt }).where(eq(voicemailMessages.id, id)).returning({ id: voicemailMessages.id });
    return r.length > 0;
  }

  async deleteMessage(id: string): Promise<VoicemailMessageRow | undefined> {
    const [row] = await this.#db.delete(voicemailMessages).where(eq(voicemailMessages.id, id)).returning();
    return row;
  }

  /** new (unread) and old (read) messages of every mailbox that has any */
  async counts(): Promise<Map<string, { newMessages: number; oldMessages: number }>> {
    const rows = await this.#db
      .select({ mailbox: voicemailMessages.mailbox, unread: sql<number>`sum(case when ${voicemailMessages.readAt} is null then 1 else 0 end)`, total: sql<number>`count(*)` })
      .from(voicemailMessages)
      .groupBy(voicemailMessages.mailbox);
    return new Map(rows.map((r) => [r.mailbox, { newMessages: Number(r.unread), oldMessages: Number(r.total) - Number(r.unread) }]));
  }

  /** unread messages of one mailbox (for the e-mail and the phone's greeting) */
  async unread(mailbox: string): Promise<number> {
    const [r] = await this.#db.select({ n: sql<number>`count(*)` }).from(voicemailMessages).where(and(eq(voicemailMessages.mailbox, mailbox), isNull(voicemailMessages.readAt)));
    return Number(r?.n ?? 0);
  }
}
