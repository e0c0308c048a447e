// Group commit for high-rate rows (bindings, audit, CDRs, events). Awaited single-row inserts are
// slow in libsql because every one is its own transaction and fsync; here many rows share one
// `client.batch(..., 'write')` transaction. enqueue() never blocks: it queues and returns a promise
// that settles when the row's batch has committed (or failed).
//
// For a local database file the batches commit on a worker_thread with its own connection
// (batch-writer-thread.ts): libsql's calls are synchronous and cost the main thread ~13 % of a
// REGISTER at load. A row's promise still settles only after its batch has committed there.
import type { Client, InStatement, InValue } from '@libsql/client';
import type { StoreLogger } from './logger.js';
import type { RowInsert } from './row-insert.js';
import type { CommitOutcome } from './batch-commit.js';
import { requestOf } from './batch-request.js';
import { ClientCommitter, WorkerCommitter, type BatchCommitter } from './batch-writer-thread.js';
import { fileConnectionOf } from './database.js';

export interface BatchWriterOptions {
  client: Client;
  logger: StoreLogger;
  /** flush as soon as this many statements are queued (default 500) */
  maxBatchSize?: number;
  /** otherwise flush this long after the first queued statement (default 10 ms) */
  flushDelayMs?: number;
  /** enqueue() rejects with BatchQueueFullError beyond this many pending statements (default 100 000) */
  maxQueueSize?: number;
  /**
   * 'worker' (default when `client` was opened by openDatabase on a local file): commit on a
   * worker_thread with a second connection to that file. 'caller': commit through `client` on this
   * thread (always so for in-memory and remote URLs, where a second connection would not help).
   */
  commitOn?: 'worker' | 'caller';
  /** the worker entry, for tests */
  workerUrl?: URL;
}

export class BatchQueueFullError extends Error {
  /** an overload, not a fault: callers answering a peer may ask it to retry after this long */
  readonly retryAfterSeconds = 5;
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

type Pending = (
  | { readonly statement: InStatement }
  | {
      readonly insert: RowInsert;
      /** replaced by a later row with the same key while queued (RowInsert coalesce) */
      row: readonly InValue[];
      readonly key?: InValue;
    }
) & {
  resolve: () => void;
  reject: (err: unknown) => void;
};

export class BatchWriter {
  readonly #committer: BatchCommitter;
  readonly #logger: StoreLogger;
  readonly #maxBatchSize: number;
  readonly #flushDelayMs: number;
  readonly #maxQueueSize: number;
  #queue: Pending[] = [];
  /** rows of coalescing RowInserts queued and not yet in a batch, by RowInsert and key */
  readonly #waiting = new Map<RowInsert, Map<InValue, Pending>>();
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #closed = false;
  #closePromise: Promise<void> | undefined;

  constructor(options: BatchWriterOptions) {
    this.#committer = committerFor(options);
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
    // it may write any table: no queued row may move ahead of it by merging with a later one
    this.#waiting.clear();
    return this.#push({ statement });
  }

  /**
   * Queue one row of `insert` (its `width` values in column order); rows queued back to back for
   * the same RowInsert commit as one multi-row statement. Resolves when its batch commits.
   */
  enqueueRow(insert: RowInsert, row: readonly InValue[]): Promise<void> {
    if (row.length !== insert.width) return Promise.reject(new RangeError(`row of ${row.length} values for ${insert.width} columns`));
    for (const other of this.#waiting.keys()) if (other !== insert && other.table === insert.table) this.#waiting.delete(other);
    if (insert.keyOf === undefined || this.#closed) return this.#push({ insert, row });
    const key = insert.keyOf(row);
    let byKey = this.#waiting.get(insert);
    if (byKey === undefined) this.#waiting.set(insert, (byKey = new Map()));
    const queued = byKey.get(key);
    if (queued !== undefined && 'insert' in queued) {
      // the later whole-row upsert takes the earlier one's place (and so its order in the queue)
      queued.row = row;
      return new Promise<void>((resolve, reject) => {
        const [before, beforeFailed] = [queued.resolve, queued.reject];
        queued.resolve = () => (before(), resolve());
        queued.reject = (err) => (beforeFailed(err), reject(err));
      });
    }
    const pushed = this.#push({ insert, row, key });
    const entry = this.#queue[this.#queue.length - 1];
    if (entry !== undefined && 'insert' in entry && entry.row === row) byKey.set(key, entry);
    return pushed;
  }

  #push(work: Work & { readonly key?: InValue }): Promise<void> {
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
      this.#closePromise = this.flush().finally(() => this.#committer.close());
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
      // rows in a batch being committed take no later rows: those go into the next batch
      for (const p of batch) {
        if (!('key' in p) || p.key === undefined) continue;
        const byKey = this.#waiting.get(p.insert);
        if (byKey?.get(p.key) === p) byKey.delete(p.key);
      }
      await this.#commit(batch);
      this.#queue = this.#queue.slice(batch.length);
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    let outcome: CommitOutcome;
    // the request may list rows grouped differently from the queue: failures index its order
    const { request, order } = requestOf(batch);
    try {
      outcome = await this.#committer.commit(request);
    } catch (err) {
      this.#logger.error({ err, size: batch.length }, 'batch writer: batch failed');
      for (const p of batch) p.reject(err);
      return;
    }
    if (outcome.batchError !== undefined) {
      this.#logger.warn({ err: outcome.batchError, size: batch.length }, 'batch writer: batch failed, retried statements singly');
    }
    let f = 0;
    const failures = outcome.failures;
    for (let i = 0; i < order.length; i++) {
      const failure = failures[f];
      if (failure?.index === i) {
        f++;
        this.#logger.error({ err: failure.error }, 'batch writer: statement failed');
        order[i]!.reject(failure.error);
      } else order[i]!.resolve();
    }
  }
}

function committerFor(options: BatchWriterOptions): BatchCommitter {
  const connection = options.commitOn === 'caller' ? undefined : fileConnectionOf(options.client);
  if (connection === undefined) {
    if (options.commitOn === 'worker') throw new Error('BatchWriter: commitOn worker needs a client that openDatabase opened on a local file');
    return new ClientCommitter(options.client);
  }
  return new WorkerCommitter({
    connection,
    logger: options.logger,
    ...(options.workerUrl !== undefined ? { workerUrl: options.workerUrl } : {}),
  });
}
