// A restartable inactivity timer on the injected Clock, so idle-timeout tests can use FakeClock.
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
