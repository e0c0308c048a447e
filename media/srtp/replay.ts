// Per-SSRC receive state for SRTP/SRTCP: packet index estimation (RFC 3711 §3.3.1, Appendix A) and
// the replay list (RFC 3711 §3.3.2). Fixed-size typed arrays, no allocation per packet.

/** RFC 3711 §3.3.2: "a replay list ... of size at least 64" — libsrtp keeps 128, so do we by default. */
export const DEFAULT_REPLAY_WINDOW = 128;

export const REPLAY_OK = 0;
export const REPLAY_SEEN = 1;
export const REPLAY_TOO_OLD = 2;

/**
 * RFC 3711 Appendix A: the guess of the ROC of a packet with sequence number `seq`, given the
 * highest sequence number `sl` received so far and its ROC. May be `roc - 1` (a late packet from
 * before the last wrap) or `roc + 1` (the first packets after a wrap); -1 means "before index 0".
 */
export function estimateRoc(roc: number, sl: number, seq: number): number {
  if (sl < 32768) return seq - sl > 32768 ? roc - 1 : roc;
  return sl - 32768 > seq ? roc + 1 : roc;
}

export interface ReplayTableOptions {
  /** how many SSRCs are tracked at once; the least recently used is forgotten; default 8 */
  slots?: number;
  /** replay window in packets (rounded up to a multiple of 32); default 128 */
  window?: number;
}

/**
 * Per-SSRC highest accepted index and a ring bitmap of the last `window` indices. An SSRC gets a
 * slot only via `accept()`, i.e. after its packet authenticated, so forged packets with random SSRCs
 * cannot push a real stream out of the table.
 */
export class ReplayTable {
  readonly window: number;
  readonly #ssrc: Uint32Array;
  readonly #used: Uint8Array;
  readonly #lastUse: Float64Array;
  readonly #highest: Float64Array;
  readonly #bits: Uint32Array;
  readonly #words: number;
  #tick = 0;

  constructor(o: ReplayTableOptions = {}) {
    const slots = Math.max(1, o.slots ?? 8);
    this.#words = Math.max(2, Math.ceil((o.window ?? DEFAULT_REPLAY_WINDOW) / 32));
    this.window = this.#words * 32;
    this.#ssrc = new Uint32Array(slots);
    this.#used = new Uint8Array(slots);
    this.#lastUse = new Float64Array(slots);
    this.#highest = new Float64Array(slots);
    this.#bits = new Uint32Array(slots * this.#words);
  }

  /** The slot tracking `ssrc`, or -1. */
  find(ssrc: number): number {
    for (let i = 0; i < this.#ssrc.length; i++) if (this.#used[i] === 1 && this.#ssrc[i] === ssrc) return i;
    return -1;
  }

  /** The highest accepted index of a slot (only meaningful for a slot that `find` returned). */
  highest(slot: number): number {
    return this.#highest[slot]!;
  }

  /** RFC 3711 §3.3.2: REPLAY_OK for an index never accepted and inside the window, else why not. */
  check(slot: number, index: number): number {
    if (slot < 0) return REPLAY_OK;
    const delta = index - this.#highest[slot]!;
    if (delta > 0) return REPLAY_OK;
    if (-delta >= this.window) return REPLAY_TOO_OLD;
    return this.#bit(slot, index) ? REPLAY_SEEN : REPLAY_OK;
  }

  /**
   * Records an authenticated index. For an unknown SSRC (`slot` -1) takes the free or least
   * recently used slot; returns the slot used.
   */
  accept(slot: number, ssrc: number, index: number): number {
    if (slot < 0) {
      slot = this.#claim(ssrc);
      this.#highest[slot] = index;
      this.#bits.fill(0, slot * this.#words, (slot + 1) * this.#words);
    }
    this.#lastUse[slot] = ++this.#tick;
    const delta = index - this.#highest[slot]!;
    if (delta > 0) {
      // the window slides: forget the indices it leaves behind (all of them after a long gap)
      const clear = Math.min(delta, this.window);
      for (let i = 1; i <= clear; i++) this.#setBit(slot, this.#highest[slot]! + i, false);
      this.#highest[slot] = index;
    }
    this.#setBit(slot, index, true);
    return slot;
  }

  #claim(ssrc: number): number {
    let pick = 0;
    for (let i = 0; i < this.#ssrc.length; i++) {
      if (this.#used[i] === 0) {
        pick = i;
        break;
      }
      if (this.#lastUse[i]! < this.#lastUse[pick]!) pick = i;
    }
    this.#used[pick] = 1;
    this.#ssrc[pick] = ssrc;
    return pick;
  }

  #bit(slot: number, index: number): boolean {
    const pos = index % this.window;
    return (this.#bits[slot * this.#words + (pos >>> 5)]! & (1 << (pos & 31))) !== 0;
  }

  #setBit(slot: number, index: number, on: boolean): void {
    const pos = index % this.window;
    const at = slot * this.#words + (pos >>> 5);
    if (on) this.#bits[at] = this.#bits[at]! | (1 << (pos & 31));
    else this.#bits[at] = this.#bits[at]! & ~(1 << (pos & 31));
  }
}
