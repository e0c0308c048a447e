// Group commit for high-rate rows (bindings, audit, CDRs, events). Awaited single-row inserts are
// slow in libsql because every one is its own transaction and fsync; here many rows share one
// `client.batch(..., 'write')` transaction. enqueue() never blocks: it queues and returns a promise
// that settles when the row's batch has committed (or failed).
import type { Client, InStatement, InValue } from '@libsql/client';
import type { StoreLogger } from './logger.js';
import type { RowInsert } from './row-insert.js';

export interface BatchWriterOptions {
  client: Client;
  logger: StoreLogger;
  /** flush as soon as this many statements are queued (default 500) */
  maxBatchSize?: number;
  /** otherwise flush this long after the first queued statement (default 10 ms) */
  flushDelayMs?: number;
  /** enqueue() rejects with BatchQueueFullError beyond this many pending statements (default 100 000) */
  maxQueueSize?: number;
}

export class BatchQueueFullError extends Error {
  constructor(limit: number) {
    super(`batch writer queue is full (${limit} statements pending); the database is not keeping up`);
    this.name = 'BatchQueueFullError';
  }
}

export class BatchWriterClosedError extends Error {
  constructor() {
    super('batch writer is closed');
    this.name = 'BatchWriterClosedError';
  }
}

type Work = { readonly statement: InStatement } | { readonly insert: RowInsert; readonly row: readonly InValue[] };

type Pending = Work & {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
};

const single = (p: Work): InStatement => ('statement' in p ? p.statement : p.insert.statement([p.row]));

/** The batch's statements in queue order, each run of rows for one RowInsert merged into one. */
function statementsOf(batch: readonly Pending[]): InStatement[] {
  const out: InStatement[] = [];
  for (let i = 0; i < batch.length; ) {
    const p = batch[i]!;
    if ('statement' in p) {
      out.push(p.statement);
      i++;
      continue;
    }
    const rows: (readonly InValue[])[] = [];
    while (rows.length < p.insert.maxRows) {
      const q = batch[i];
      if (q === undefined || !('insert' in q) || q.insert !== p.insert) break;
      rows.push(q.row);
      i++;
    }
    out.push(p.insert.statement(rows));
  }
  return out;
}

export class BatchWriter {
  readonly #client: Client;
  readonly #logger: StoreLogger;
  readonly #maxBatchSize: number;
  readonly #flushDelayMs: number;
  readonly #maxQueueSize: number;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #closed = false;
  #closePromise: Promise<void> | undefined;

  constructor(options: BatchWriterOptions) {
    this.#client = options.client;
    this.#logger = options.logger;
    this.#maxBatchSize = Math.max(1, options.maxBatchSize ?? 500);
    this.#flushDelayMs = Math.max(0, options.flushDelayMs ?? 10);
    this.#maxQueueSize = Math.max(1, options.maxQueueSize ?? 100_000);
  }

  /** Statements queued and not yet committed (including the batch in flight). */
  get pending(): number {
    return this.#queue.length;
  }

  /** Queue one statement; resolves when the batch holding it commits. Never blocks. */
  enqueue(statement: InStatement): Promise<void> {
    return this.#push({ statement });
  }

  /**
   * Queue one row of `insert` (its `width` values in column order); rows queued back to back for
   * the same RowInsert commit as one multi-row statement. Resolves when its batch commits.
   */
  enqueueRow(insert: RowInsert, row: readonly InValue[]): Promise<void> {
    if (row.length !== insert.width) return Promise.reject(new RangeError(`row of ${row.length} values for ${insert.width} columns`));
    return this.#push({ insert, row });
  }

  #push(work: Work): Promise<void> {
    if (this.#closed) return Promise.reject(new BatchWriterClosedError());
    if (this.#queue.length >= this.#maxQueueSize) {
      return Promise.reject(new BatchQueueFullError(this.#maxQueueSize));
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ...work, resolve, reject });
      this.#schedule();
    });
  }

  /** Commit everything queued so far. */
  async flush(): Promise<void> {
    this.#clearTimer();
    while (this.#queue.length > 0 || this.#draining) {
      await this.#drain();
    }
    this.#clearTimer();
  }

  /** Refuse new statements, commit everything queued, then resolve. Idempotent. */
  close(): Promise<void> {
    if (!this.#closePromise) {
      this.#closed = true;
      this.#closePromise = this.flush();
    }
    return this.#closePromise;
  }

  #schedule(): void {
    if (this.#draining) return; // the running drain loop picks the new statement up
    if (this.#queue.length >= this.#maxBatchSize) {
      this.#clearTimer();
      void this.#drain();
      return;
    }
    if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#drain();
      }, this.#flushDelayMs);
    }
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One drain loop at a time, so batches commit in enqueue order. */
  #drain(): Promise<void> {
    if (!this.#draining) {
      this.#draining = this.#runDrain().finally(() => {
        this.#draining = undefined;
        // statements queued while the last batch was committing and below the size threshold
        if (this.#queue.length > 0 && !this.#closed) this.#schedule();
      });
    }
    return this.#draining;
  }

  async #runDrain(): Promise<void> {
    while (this.#queue.length > 0) {
      // Leave the batch in the queue while it commits so `pending` counts it.
      const batch = this.#queue.slice(0, this.#maxBatchSize);
      await this.#commit(batch);
      this.#queue = this.#queue.slice(batch.length);
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    try {
      await this.#client.batch(statementsOf(batch), 'write');
      for (const p of batch) p.resolve();
      return;
    } catch (err) {
      if (batch.length === 1) {
        this.#logger.error({ err }, 'batch writer: statement failed');
        batch[0]?.reject(err);
        return;
      }
      // One bad statement rolls back the whole transaction; retry one by one so only the
      // offending statement fails and the innocent rows still commit.
      this.#logger.warn({ err, size: batch.length }, 'batch writer: batch failed, retrying statements singly');
    }
    for (const p of batch) {
      try {
        await this.#client.execute(single(p));
        p.resolve();
      } catch (err) {
        this.#logger.error({ err }, 'batch writer: statement failed');
        p.reject(err);
      }
    }
  }
}
