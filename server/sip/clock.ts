// The outside world's time comes in through a Clock (CONVENTIONS.md §6), so transaction timers
// and nonce lifetimes run under a fake clock in tests.

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The handle carries its Node timer, so clearing needs no id → timer map and firing needs no
 * wrapper closure: every UDP transaction holds a 32 s Timer J (RFC 3261 §17.2.2), so under load the
 * map held ~100k entries, each with a closure, that the garbage collector had to keep tracing.
 */
interface SystemTimerHandle extends TimerHandle {
  readonly timeout: NodeJS.Timeout;
}

export function systemClock(): Clock {
  let next = 1;
  return {
    now: () => Date.now(),
    setTimeout(fn, ms): SystemTimerHandle {
      const timeout = setTimeout(fn, ms);
      timeout.unref?.();
      return { id: next++, timeout };
    },
    clearTimeout(handle) {
      // only handles this clock made are given back to it; anything else has nothing to clear
      const timeout = (handle as Partial<SystemTimerHandle>).timeout;
      if (timeout !== undefined) clearTimeout(timeout);
    },
  };
}

/** A manual clock for tests: time moves only when advance() is called. */
export class FakeClock implements Clock {
  #now: number;
  #next = 1;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle.id);
  }

  /** Move time forward, firing due timers in order (timers set while firing are honoured). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let dueId = -1;
      let dueAt = Infinity;
      for (const [id, t] of this.#timers) {
        if (t.at <= end && (t.at < dueAt || (t.at === dueAt && id < dueId))) {
          dueAt = t.at;
          dueId = id;
        }
      }
      if (dueId < 0) break;
      const timer = this.#timers.get(dueId)!;
      this.#timers.delete(dueId);
      this.#now = Math.max(this.#now, timer.at);
      timer.fn();
    }
    this.#now = end;
  }

  pendingTimers(): number {
    return this.#timers.size;
  }
}
