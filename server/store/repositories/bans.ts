// Durable bans (issue 18, finding 7). Structurally the BanList's BanStore: save/remove are
// fire-and-forget through the BatchWriter (a ban never waits on the disk, and a failed write is
// logged, never thrown), and loadActive() reads back the bans still running at start.
import { eq, gt, lte } from 'drizzle-orm';
import type { Db } from '../database.js';
import type { BatchWriter } from '../batch-writer.js';
import type { StoreLogger } from '../logger.js';
import { sipBans } from '../schema/sip-bans.js';
import { toStatement } from '../statement.js';

/** Mirrors server/security's BanEntry field for field. */
export interface StoredBan {
  readonly ip: string;
  readonly since: number;
  readonly until: number;
  readonly failures: number;
}

export interface BanRepositoryOptions {
  db: Db;
  writer: BatchWriter;
  logger: StoreLogger;
}

export class BanRepository {
  readonly #db: Db;
  readonly #writer: BatchWriter;
  readonly #logger: StoreLogger;

  constructor(options: BanRepositoryOptions) {
    this.#db = options.db;
    this.#writer = options.writer;
    this.#logger = options.logger;
  }

  save(ban: StoredBan): void {
    const row = { ip: ban.ip, since: ban.since, until: ban.until, failures: ban.failures };
    const query = this.#db
      .insert(sipBans)
      .values(row)
      .onConflictDoUpdate({ target: sipBans.ip, set: { since: row.since, until: row.until, failures: row.failures } });
    this.#write(this.#writer.enqueue(toStatement(query)), ban.ip, 'ban not persisted');
  }

  remove(ip: string): void {
    this.#write(this.#writer.enqueue(toStatement(this.#db.delete(sipBans).where(eq(sipBans.ip, ip)))), ip, 'lifted ban not removed');
  }

  /** The bans still running at `now` (rows of ended ones are deleted here). */
  async loadActive(now: number): Promise<StoredBan[]> {
    await this.#db.delete(sipBans).where(lte(sipBans.until, now));
    return this.#db.select().from(sipBans).where(gt(sipBans.until, now));
  }

  #write(pending: Promise<void>, ip: string, what: string): void {
    pending.catch((err: unknown) => this.#logger.error({ err, ip }, what));
  }
}
