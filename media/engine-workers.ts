// The media engine's workers: spawning them, restarting one that dies (with a back-off for one that
// cannot even load), placing each group (one call) on one worker, and request/answer messaging.
// What a dead worker took along (its endpoints) is the engine's business: it hears of it through
// onExit and then calls restart().
import type { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { defaultMediaWorkerUrl, spawnMediaWorker } from './worker/spawn.js';
import type { FromMediaWorker, ToMediaWorker } from './worker/protocol.js';

export interface MediaWorkerPoolOptions {
  /** the worker entry; tests may substitute their own */
  readonly workerUrl?: URL | undefined;
  readonly bindAddress: string;
  readonly publicAddress?: string | undefined;
  readonly latchWindowMs?: number | undefined;
  readonly mediaTimeoutMs?: number | undefined;
  /** true once the engine is closing: nothing is posted, requested or restarted any more */
  readonly isClosing: () => boolean;
  /** every message but 'ready' (answers included: the engine routes them back through answer()) */
  readonly onMessage: (message: FromMediaWorker) => void;
  /** a worker died; its pending requests were answered null. The engine calls restart() unless closing. */
  readonly onExit: (exit: { readonly workerIndex: number; readonly code: number; readonly error: unknown }) => void;
}

interface Slot {
  readonly index: number;
  worker: Worker;
  ready: Promise<void>;
  /** false from the worker's exit until its replacement is spawned */
  alive: boolean;
  endpoints: number;
  /** deaths in a row before 'ready': the restart backs off so a worker that cannot load does not spin */
  failedStarts: number;
}

interface Pending {
  readonly workerIndex: number;
  readonly resolve: (answer: FromMediaWorker | null) => void;
}

const SHUTDOWN_GRACE_MS = 2000;

export class MediaWorkerPool {
  readonly #options: MediaWorkerPoolOptions;
  readonly #slots: Slot[] = [];
  /** group → worker index and how many endpoints (live or being made) it has there */
  readonly #groups = new Map<string, { workerIndex: number; count: number }>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(options: MediaWorkerPoolOptions) {
    this.#options = options;
  }

  /** how many workers were started */
  get size(): number {
    return this.#slots.length;
  }

  /** Spawns `count` workers (at once); resolves when all answered 'ready'. */
  start(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const slot = { index: i, alive: false, endpoints: 0, failedStarts: 0 } as Slot;
      this.#spawn(slot);
      this.#slots.push(slot);
    }
    return Promise.all(this.#slots.map((s) => s.ready)).then(() => {});
  }

  /** the group's worker (the least loaded one for a new group); counts one more member there */
  place(group: string): number {
    const placed = this.#groups.get(group) ?? { workerIndex: this.#leastLoaded(), count: 0 };
    placed.count++;
    this.#groups.set(group, placed);
    this.#slots[placed.workerIndex]!.endpoints++;
    return placed.workerIndex;
  }

  /** one member of `group` on worker `workerIndex` is gone */
  unplace(group: string, workerIndex: number): void {
    const slot = this.#slots[workerIndex];
    if (slot === undefined) return;
    slot.endpoints--;
    const placed = this.#groups.get(group);
    if (placed !== undefined && --placed.count <= 0) this.#groups.delete(group);
  }

  /** the worker that holds `group`, if any */
  workerOf(group: string): number | undefined {
    return this.#groups.get(group)?.workerIndex;
  }

  post(workerIndex: number, message: ToMediaWorker): void {
    if (!this.#options.isClosing()) this.#slots[workerIndex]?.worker.postMessage(message);
  }

  /** sends `make(id)` with a fresh id; resolves with the answer, or null when the worker is gone */
  request(workerIndex: number, make: (id: number) => ToMediaWorker): Promise<FromMediaWorker | null> {
    const slot = this.#slots[workerIndex];
    if (this.#options.isClosing() || slot === undefined || !slot.alive) return Promise.resolve(null);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, { workerIndex, resolve });
      slot.worker.postMessage(make(id));
    });
  }

  /** a worker's answer to request `id` */
  answer(id: number, message: FromMediaWorker): void {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    pending?.resolve(message);
  }

  /** how long restart() will wait: nothing after a worker that had started, backing off up to 30 s after one that died before 'ready' */
  restartDelayMs(workerIndex: number): number {
    const failedStarts = this.#slots[workerIndex]?.failedStarts ?? 0;
    return failedStarts === 0 ? 0 : Math.min(30_000, 500 * 2 ** failedStarts);
  }

  /** Replaces a dead worker, after restartDelayMs(). */
  restart(workerIndex: number): void {
    const slot = this.#slots[workerIndex];
    if (slot === undefined) return;
    const delayMs = this.restartDelayMs(workerIndex);
    slot.failedStarts++;
    const restart = (): void => {
      if (!this.#options.isClosing()) this.#spawn(slot);
    };
    if (delayMs === 0) restart();
    else setTimeout(restart, delayMs).unref();
  }

  /** Asks every live worker to shut down (terminating it after a grace period); answers pending requests null. */
  async shutdown(): Promise<void> {
    await Promise.all(
      this.#slots.map(async (slot) => {
        if (!slot.alive) return;
        const exited = once(slot.worker, 'exit');
        slot.worker.postMessage({ type: 'shutdown' } satisfies ToMediaWorker);
        const timer = setTimeout(() => void slot.worker.terminate(), SHUTDOWN_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
    for (const pending of this.#pending.values()) pending.resolve(null);
    this.#pending.clear();
  }

  #leastLoaded(): number {
    let best = 0;
    for (const s of this.#slots) if (s.endpoints < this.#slots[best]!.endpoints) best = s.index;
    return best;
  }

  /** (re)starts the slot's worker; `ready` settles when it answered 'ready' or died first */
  #spawn(slot: Slot): void {
    const o = this.#options;
    const worker = spawnMediaWorker(o.workerUrl ?? defaultMediaWorkerUrl, {
      workerIndex: slot.index,
      bindAddress: o.bindAddress,
      latchWindowMs: o.latchWindowMs ?? 2000,
      mediaTimeoutMs: o.mediaTimeoutMs ?? 30_000,
      ...(o.publicAddress !== undefined ? { publicAddress: o.publicAddress } : {}),
    });
    let onReady!: () => void;
    let onFail!: (err: unknown) => void;
    slot.worker = worker;
    slot.alive = true;
    slot.ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    slot.ready.catch(() => {});
    let lastError: unknown;
    worker.on('message', (message: FromMediaWorker) => {
      if (message.type === 'ready') {
        slot.failedStarts = 0;
        onReady();
      } else o.onMessage(message);
    });
    worker.on('error', (err) => {
      lastError = err;
    });
    worker.on('exit', (code) => {
      onFail(lastError ?? new Error(`media worker exited with code ${code}`));
      this.#onExit(slot, worker, code, lastError);
    });
  }

  #onExit(slot: Slot, worker: Worker, code: number, error: unknown): void {
    if (slot.worker !== worker) return;
    slot.alive = false;
    for (const [id, pending] of this.#pending) {
      if (pending.workerIndex !== slot.index) continue;
      this.#pending.delete(id);
      pending.resolve(null);
    }
    this.#options.onExit({ workerIndex: slot.index, code, error });
  }
}
