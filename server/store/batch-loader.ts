// Coalesces lookups by key made in the same turn of the event loop into one query (the DataLoader
// pattern). libsql runs each statement on the calling thread, and its fixed cost per statement
// (prepare, column metadata, iteration) was ~100 µs: under load most of a credential lookup. When
// many phones' cached credentials expire together, one `IN (…)` query serves them all.

export interface BatchLoaderOptions<V> {
  /** the rows for these keys; a key without a row is simply absent */
  readonly fetch: (keys: readonly string[]) => Promise<ReadonlyMap<string, V>>;
  /** keys per query at most (default 200) */
  readonly maxBatch?: number;
}

interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(err: unknown): void;
}

export class BatchLoader<V> {
  readonly #fetch: BatchLoaderOptions<V>['fetch'];
  readonly #maxBatch: number;
  #pending = new Map<string, Waiter<V>[]>();
  #scheduled = false;

  constructor(options: BatchLoaderOptions<V>) {
    this.#fetch = options.fetch;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 200);
  }

  load(key: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.#pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#pending.set(key, [{ resolve, reject }]);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.#maxBatch) {
      const chunk = keys.slice(i, i + this.#maxBatch);
      this.#fetch(chunk).then(
        (rows) => {
          for (const key of chunk) for (const w of batch.get(key) ?? []) w.resolve(rows.get(key));
        },
        (err: unknown) => {
          for (const key of chunk) for (const w of batch.get(key) ?? []) w.reject(err);
        },
      );
    }
  }
}
