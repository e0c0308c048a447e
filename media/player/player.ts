// A play-out queue for one endpoint: prompts, tones, TTS and music on hold one after another.
// The worker's 20 ms tick calls `read`; nothing here keeps time or mixes (the mixer does that).

import type { FrameSource } from './source.js';

export type PlayDoneReason = 'finished' | 'stopped';

export interface PlayDone {
  readonly id: string;
  readonly reason: PlayDoneReason;
}

export interface PlayItem {
  readonly id: string;
  readonly source: FrameSource;
}

export interface PlayerOptions {
  /** called once per item, in queue order, when it has played out or was stopped */
  readonly onDone: (done: PlayDone) => void;
  /** a throwing `onDone` is contained and reported here instead of breaking the tick */
  readonly onError?: (err: unknown) => void;
  /** the largest frame `read` will be asked for (default 960, 20 ms at 48 kHz); grows if needed */
  readonly maxFrame?: number;
}

export interface StopOptions {
  /** the item to stop, playing or queued; without it, the one playing */
  readonly id?: string;
}

/**
 * Items play in the order given. When one ends mid-frame the next continues in the same frame,
 * so back-to-back prompts have no gap. `read` always fills the frame (silence after the last item)
 * and returns how many samples came from items, 0 when idle.
 */
export class Player {
  readonly #onDone: (done: PlayDone) => void;
  readonly #onError: ((err: unknown) => void) | undefined;
  /** queue[0] is the item playing */
  readonly #queue: PlayItem[] = [];
  #scratch: Int16Array;

  constructor(opts: PlayerOptions) {
    this.#onDone = opts.onDone;
    this.#onError = opts.onError;
    this.#scratch = new Int16Array(opts.maxFrame ?? 960);
  }

  /** whether an item is playing or queued */
  get busy(): boolean {
    return this.#queue.length > 0;
  }

  /** id of the item playing, if any */
  get current(): string | undefined {
    return this.#queue[0]?.id;
  }

  get queued(): number {
    return this.#queue.length;
  }

  play(item: PlayItem): void {
    this.#queue.push(item);
  }

  /** ends the item playing (or the one named) now; the next queued item plays on the next read */
  stop(opts: StopOptions = {}): boolean {
    const at = opts.id === undefined ? 0 : this.#queue.findIndex((it) => it.id === opts.id);
    const item = at >= 0 ? this.#queue[at] : undefined;
    if (!item) return false;
    this.#queue.splice(at, 1);
    this.#emit(item.id, 'stopped');
    return true;
  }

  /** stops the item playing and drops everything queued, each reported 'stopped' in queue order */
  clear(): void {
    const items = this.#queue.splice(0, this.#queue.length);
    for (const it of items) this.#emit(it.id, 'stopped');
  }

  read(out: Int16Array, samples: number): number {
    const want = Math.max(0, Math.min(samples, out.length));
    let filled = 0;
    while (filled < want) {
      const item = this.#queue[0];
      if (!item) break;
      let n: number;
      if (filled === 0) {
        n = item.source.read(out, want);
      } else {
        // A source writes from index 0: continue the frame through the scratch buffer.
        const rest = want - filled;
        if (this.#scratch.length < rest) this.#scratch = new Int16Array(rest);
        n = item.source.read(this.#scratch, rest);
        for (let i = 0; i < n; i++) out[filled + i] = this.#scratch[i]!;
      }
      const asked = want - filled;
      filled += Math.max(0, Math.min(n, asked));
      if (n < asked) {
        this.#queue.shift();
        this.#emit(item.id, 'finished');
      }
    }
    if (filled < want) out.fill(0, filled, want);
    return filled;
  }

  #emit(id: string, reason: PlayDoneReason): void {
    try {
      this.#onDone({ id, reason });
    } catch (err) {
      this.#onError?.(err);
    }
  }
}
