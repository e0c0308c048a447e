// Connection timers on the injected Clock, so timeout tests can use FakeClock: a restartable
// inactivity timer, and a read deadline for partial messages.
import type { Clock, TimerHandle } from '../clock.js';

export class IdleTimer {
  readonly #clock: Clock;
  readonly #ms: number;
  readonly #onIdle: () => void;
  #handle: TimerHandle | undefined;
  #stopped = false;

  constructor(options: { clock: Clock; ms: number; onIdle: () => void }) {
    this.#clock = options.clock;
    this.#ms = options.ms;
    this.#onIdle = options.onIdle;
    this.touch();
  }

  /** Any traffic, in or out, keepalives included, restarts the countdown. */
  touch(): void {
    if (this.#stopped || this.#ms <= 0 || !Number.isFinite(this.#ms)) return;
    if (this.#handle) this.#clock.clearTimeout(this.#handle);
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = undefined;
      if (!this.#stopped) this.#onIdle();
    }, this.#ms);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#handle) this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}

/**
 * A one-shot deadline that later activity does not push back: armed when a message starts (or a
 * connection opens), disarmed when it is complete. A peer trickling a byte at a time (slowloris)
 * keeps an IdleTimer alive for ever, but not this.
 */
export class ReadDeadline {
  readonly #clock: Clock;
  readonly #ms: number;
  readonly #onExpired: () => void;
  #handle: TimerHandle | undefined;

  constructor(options: { clock: Clock; ms: number; onExpired: () => void }) {
    this.#clock = options.clock;
    this.#ms = options.ms;
    this.#onExpired = options.onExpired;
  }

  get armed(): boolean {
    return this.#handle !== undefined;
  }

  /** Start the countdown unless it is already running. */
  arm(): void {
    if (this.#handle || this.#ms <= 0 || !Number.isFinite(this.#ms)) return;
    this.#handle = this.#clock.setTimeout(() => {
      this.#handle = undefined;
      this.#onExpired();
    }, this.#ms);
  }

  disarm(): void {
    if (this.#handle) this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }
}
