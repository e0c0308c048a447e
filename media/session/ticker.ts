// The worker's 20 ms media clock for everything that decodes or originates audio (mixing,
// transcoding, playback, recording, in-band DTMF). setInterval drifts (each run is rescheduled
// from when the last one ran), so the due time is computed from the start: a late wake-up runs
// the frames it owes (at most MAX_CATCH_UP, then it resynchronises, as a jitter buffer would).
import { performance } from 'node:perf_hooks';

export const FRAME_MS = 20;
const MAX_CATCH_UP = 5;

export interface TickTarget {
  /** one 20 ms frame; `nowMs` is the frame's due time on performance.now()'s clock */
  tick(nowMs: number): void;
  /** frames the clock skipped after a stall (a recording fills them so its timeline stays the call's) */
  skipped?(frames: number): void;
}

export class Ticker {
  readonly #targets = new Set<TickTarget>();
  readonly #onError: (err: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  /** frames skipped after stalls, over this ticker's life (the worker reports it in logs) */
  framesSkipped = 0;
  #next = 0;

  constructor(options: { readonly onError: (err: unknown) => void }) {
    this.#onError = options.onError;
  }

  get size(): number {
    return this.#targets.size;
  }

  add(target: TickTarget): void {
    this.#targets.add(target);
    if (this.#timer === undefined) {
      this.#next = performance.now() + FRAME_MS;
      this.#schedule();
    }
  }

  delete(target: TickTarget): void {
    this.#targets.delete(target);
    if (this.#targets.size === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  stop(): void {
    this.#targets.clear();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    const delay = Math.max(0, this.#next - performance.now());
    this.#timer = setTimeout(() => this.#run(), delay);
  }

  #run(): void {
    const now = performance.now();
    let owed = Math.floor((now - this.#next) / FRAME_MS) + 1;
    if (owed > MAX_CATCH_UP) {
      // the thread was stalled (GC, load): skip ahead instead of bursting a backlog at the phones
      const skipped = owed - MAX_CATCH_UP;
      this.#next = now - (MAX_CATCH_UP - 1) * FRAME_MS;
      owed = MAX_CATCH_UP;
      this.framesSkipped += skipped;
      for (const target of this.#targets) target.skipped?.(skipped);
    }
    for (let i = 0; i < owed; i++) {
      for (const target of this.#targets) {
        try {
          target.tick(this.#next);
        } catch (err) {
          // one broken session must not stop every other call's audio on this worker
          this.#targets.delete(target);
          this.#onError(err);
        }
      }
      this.#next += FRAME_MS;
    }
    if (this.#targets.size > 0) this.#schedule();
    else this.#timer = undefined;
  }
}
