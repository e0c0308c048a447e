// Where the BatchWriter's batches commit: on a worker_thread with its own connection (a local
// database file), or on the calling thread (in-memory and remote URLs, or a client the store did
// not open). Both commit one batch at a time and report per-item failures the same way.
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import type { Client } from '@libsql/client';
import { commitBatch, type BatchRequest, type CommitOutcome } from './batch-commit.js';
import { fromWireError, type BatchWorkerData, type FromBatchWorker, type ToBatchWorker } from './batch-writer-protocol.js';
import type { StoreLogger } from './logger.js';

export interface BatchCommitter {
  commit(request: BatchRequest): Promise<CommitOutcome>;
  /** Called once everything has been committed. Idempotent. */
  close(): Promise<void>;
}

export class BatchWorkerCrashedError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`batch writer worker died while committing (${detail}); this batch may or may not have been committed`, options);
    this.name = 'BatchWorkerCrashedError';
  }
}

/** Same-thread commit: for databases a second connection cannot share, and for tests that spy on the client. */
export class ClientCommitter implements BatchCommitter {
  readonly #client: Client;
  constructor(client: Client) {
    this.#client = client;
  }
  commit(request: BatchRequest): Promise<CommitOutcome> {
    return commitBatch(this.#client, request);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface WorkerCommitterOptions {
  connection: BatchWorkerData;
  logger: StoreLogger;
  /** the worker entry; tests substitute one that can be made to crash */
  workerUrl?: URL;
  /** how long close() waits for the worker to close its connection before terminating it (default 5000 ms) */
  closeTimeoutMs?: number;
}

interface InFlight {
  readonly id: number;
  readonly resolve: (outcome: CommitOutcome) => void;
  readonly reject: (err: unknown) => void;
}

// Next to this module: the compiled .js in dist/, the .ts source when running under tsx.
const defaultWorkerUrl = new URL(`./batch-writer-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);

function spawn(entry: URL, workerData: BatchWorkerData): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  // Under `node --import tsx` (tests, `npm run dev`) Node 20 does not run the --import hooks in a
  // worker, so it could not load a .ts entry: register tsx in the worker first, then import it.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Commits on a worker_thread, started on the first batch. A worker that dies rejects the batch in
 * flight with BatchWorkerCrashedError and is replaced on the next batch, so a worker that cannot
 * even open the database fails batches one at a time instead of restarting in a loop.
 */
export class WorkerCommitter implements BatchCommitter {
  readonly #options: WorkerCommitterOptions;
  readonly #logger: StoreLogger;
  #worker: Worker | undefined;
  #inFlight: InFlight | undefined;
  #lastError: unknown;
  #nextId = 1;
  #crashes = 0;
  #closing: Promise<void> | undefined;

  constructor(options: WorkerCommitterOptions) {
    this.#options = options;
    this.#logger = options.logger;
  }

  commit(request: BatchRequest): Promise<CommitOutcome> {
    if (this.#closing) return Promise.reject(new Error('batch writer worker is closed'));
    if (this.#inFlight) return Promise.reject(new Error('batch writer worker: one batch at a time'));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise<CommitOutcome>((resolve, reject) => {
      this.#inFlight = { id, resolve, reject };
      // Keep the process alive while a row's promise is waiting on the worker, not otherwise.
      worker.ref();
      const message: ToBatchWorker = { type: 'batch', id, request };
      worker.postMessage(message);
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#stop();
    return this.#closing;
  }

  async #stop(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    worker.ref();
    const exited = once(worker, 'exit');
    const message: ToBatchWorker = { type: 'close' };
    worker.postMessage(message);
    const timer = setTimeout(() => void worker.terminate(), this.#options.closeTimeoutMs ?? 5000);
    await exited;
    clearTimeout(timer);
  }

  #start(): Worker {
    if (this.#crashes > 0) this.#logger.warn({ crashes: this.#crashes }, 'batch writer: restarting its worker');
    const worker = spawn(this.#options.workerUrl ?? defaultWorkerUrl, this.#options.connection);
    worker.unref();
    worker.on('message', (message: FromBatchWorker) => this.#onDone(worker, message));
    worker.on('error', (err) => {
      this.#lastError = err;
    });
    worker.on('exit', (code) => this.#onExit(worker, code));
    this.#worker = worker;
    return worker;
  }

  #onDone(worker: Worker, message: FromBatchWorker): void {
    const inFlight = this.#inFlight;
    if (inFlight === undefined || inFlight.id !== message.id) {
      this.#logger.error({ id: message.id }, 'batch writer: worker answered a batch that is not in flight');
      return;
    }
    this.#inFlight = undefined;
    worker.unref();
    const { batchError, failures } = message.outcome;
    inFlight.resolve({
      ...(batchError !== undefined ? { batchError: fromWireError(batchError) } : {}),
      failures: failures.map((f) => ({ index: f.index, error: fromWireError(f.error) })),
    });
  }

  #onExit(worker: Worker, code: number): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    const err = this.#lastError;
    this.#lastError = undefined;
    const inFlight = this.#inFlight;
    this.#inFlight = undefined;
    if (this.#closing && inFlight === undefined) return;
    this.#crashes++;
    this.#logger.error({ err, code, inFlight: inFlight !== undefined }, 'batch writer: worker exited unexpectedly; it restarts on the next batch');
    inFlight?.reject(new BatchWorkerCrashedError(err instanceof Error ? err.message : `exit code ${code}`, { cause: err }));
  }
}
