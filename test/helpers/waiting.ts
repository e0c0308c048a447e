// Bounded waits for the acceptance tests: every wait names what it waits for, so a hung test fails
// with a message instead of running into the test runner's timeout.

/** A bounded wait: rejects naming `what` when `ms` pass first. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  settled: boolean;
}
export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  const d: Deferred<T> = { promise, settled: false, resolve: (v) => ((d.settled = true), resolve(v)) };
  return d;
}

/** A waiting line for things that arrive (incoming calls, re-INVITEs) that a test takes one by one. */
export class Inbox<T> {
  readonly all: T[] = [];
  #queue: T[] = [];
  #waiters: ((v: T) => void)[] = [];
  push(v: T) {
    this.all.push(v);
    const w = this.#waiters.shift();
    if (w) w(v);
    else this.#queue.push(v);
  }
  next(ms: number, what: string): Promise<T> {
    const ready = this.#queue.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    let waiter!: (v: T) => void;
    const p = new Promise<T>((resolve) => (waiter = resolve));
    this.#waiters.push(waiter);
    return within(p, ms, what).catch((err: unknown) => {
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      throw err;
    });
  }
}
