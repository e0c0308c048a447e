// A counting semaphore with a bounded waiting line, for work whose memory is the problem: an argon2id
// verification holds 64 MiB while it runs (argon2's default memoryCost), so 16 parallel logins took
// the process to 421 MiB (issue 18 §8). At most `maxActive` run at once and at most `maxWaiting`
// wait; anything beyond is refused at once, so the caller answers 503 with Retry-After instead of
// queueing without bound.

export interface ConcurrencyGateOptions {
  /** jobs running at once (default 2) */
  readonly maxActive?: number;
  /** jobs waiting for a slot (default 8) */
  readonly maxWaiting?: number;
}

export class ConcurrencyGate {
  readonly #maxActive: number;
  readonly #maxWaiting: number;
  readonly #waiting: (() => void)[] = [];
  #active = 0;

  constructor(options: ConcurrencyGateOptions = {}) {
    this.#maxActive = Math.max(1, Math.floor(options.maxActive ?? 2));
    this.#maxWaiting = Math.max(0, Math.floor(options.maxWaiting ?? 8));
  }

  /**
   * Runs job when a slot is free; undefined, without running it, when every slot is taken and the
   * waiting line is full.
   */
  run<T>(job: () => Promise<T>): Promise<T> | undefined {
    if (this.#active < this.#maxActive) {
      this.#active++;
      return this.#exec(job);
    }
    if (this.#waiting.length >= this.#maxWaiting) return undefined;
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() => this.#exec(job));
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs a job that holds a slot; the slot passes straight to the next in line, if any. */
  async #exec<T>(job: () => Promise<T>): Promise<T> {
    try {
      return await job();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
