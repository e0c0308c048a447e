// The notification e-mails waiting for the SMTP relay (schema/mail-outbox.ts): rows only; the
// retry schedule is the mail queue's (server/voicemail/mail-queue.ts).
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { mailOutbox, type MailOutboxRow } from '../schema/mail-outbox.js';

export class MailOutboxRepository {
  readonly #db: Db;

  constructor(options: { db: Db }) {
    this.#db = options.db;
  }

  async add(row: MailOutboxRow): Promise<void> {
    await this.#db.insert(mailOutbox).values(row);
  }

  /** pending rows whose next try is due at `now`, the oldest first */
  async due(now: number, limit = 50): Promise<MailOutboxRow[]> {
    return this.#db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.state, 'pending'), lte(mailOutbox.nextAttemptAt, now)))
      .orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.createdAt))
      .limit(limit);
  }

  /** the earliest next try of a pending row; undefined when none waits */
  async nextDue(): Promise<number | undefined> {
    const [r] = await this.#db.select({ at: sql<number | null>`min(${mailOutbox.nextAttemptAt})` }).from(mailOutbox).where(eq(mailOutbox.state, 'pending'));
    return r?.at ?? undefined;
  }

  async update(id: string, change: Partial<Pick<MailOutboxRow, 'state' | 'attempts' | 'nextAttemptAt' | 'lastError'>>): Promise<void> {
    await this.#db.update(mailOutbox).set(change).where(eq(mailOutbox.id, id));
  }

  async remove(id: string): Promise<void> {
    await this.#db.delete(mailOutbox).where(eq(mailOutbox.id, id));
  }

  async counts(): Promise<{ pending: number; failed: number }> {
    const rows = await this.#db.select({ state: mailOutbox.state, n: sql<number>`count(*)` }).from(mailOutbox).groupBy(mailOutbox.state);
    const of = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
    return { pending: of('pending'), failed: of('failed') };
  }
}
