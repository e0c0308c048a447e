// The jitter buffer's storage: packets in a ring indexed by extended sequence number (a power-of-two
// capacity, so the index is a mask), their bytes in one preallocated store. Nothing allocates after
// construction; a slot is empty or holds exactly the sequence number recorded in it.

const EMPTY_SLOT = -1;

export class PacketRing {
  readonly capacity: number;
  /** copies made by copyOut(); it shares the store so that a copy is one copyWithin */
  readonly out: Uint8Array;
  readonly #mask: number;
  readonly #maxPayload: number;
  readonly #store: Uint8Array;
  readonly #seqs: Float64Array;
  readonly #tss: Float64Array;
  readonly #lens: Int32Array;
  readonly #durations: Int32Array;
  #count = 0;

  constructor(options: { capacity: number; maxPayload: number }) {
    this.capacity = 2 ** Math.ceil(Math.log2(Math.max(4, options.capacity)));
    this.#mask = this.capacity - 1;
    this.#maxPayload = options.maxPayload;
    this.#store = new Uint8Array(this.#maxPayload * (this.capacity + 1));
    this.out = this.#store.subarray(0, this.#maxPayload);
    this.#seqs = new Float64Array(this.capacity).fill(EMPTY_SLOT);
    this.#tss = new Float64Array(this.capacity);
    this.#lens = new Int32Array(this.capacity);
    this.#durations = new Int32Array(this.capacity);
  }

  /** packets held */
  get count(): number {
    return this.#count;
  }

  holds(seq: number): boolean {
    return this.#seqs[seq & this.#mask] === seq;
  }

  /** whether `seq` has a free slot (an older packet in the same slot must be released first) */
  fits(seq: number): boolean {
    return this.#seqs[seq & this.#mask] === EMPTY_SLOT;
  }

  /** extended timestamp of a held packet */
  timestamp(seq: number): number {
    return this.#tss[seq & this.#mask]!;
  }

  /** duration the sender's codec declared for a held packet, or 0 */
  duration(seq: number): number {
    return this.#durations[seq & this.#mask]!;
  }

  /**
   * Stores a packet; its timestamp comes through setTimestamp(). The extended timestamp is no small
   * integer, and a call V8 does not inline boxes such an argument (an allocation per packet): put()
   * is too large to be sure of inlining, setTimestamp() is small enough always to be inlined.
   */
  put(seq: number, samples: number, payload: Uint8Array, offset: number, length: number): void {
    const slot = seq & this.#mask;
    if (this.#seqs[slot] === EMPTY_SLOT) this.#count++;
    this.#seqs[slot] = seq;
    this.#lens[slot] = length;
    this.#durations[slot] = samples;
    // A byte loop, unrolled: store.set(payload.subarray(..)) is faster but makes a view per packet.
    const store = this.#store;
    const at = (slot + 1) * this.#maxPayload;
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      const d = at + i;
      const s = offset + i;
      store[d] = payload[s]!;
      store[d + 1] = payload[s + 1]!;
      store[d + 2] = payload[s + 2]!;
      store[d + 3] = payload[s + 3]!;
    }
    for (; i < length; i++) store[at + i] = payload[offset + i]!;
  }

  /** the extended timestamp of the packet put() at `seq` */
  setTimestamp(seq: number, ts: number): void {
    this.#tss[seq & this.#mask] = ts;
  }

  /** copies a held packet's payload into `out`; its length */
  copyOut(seq: number): number {
    const slot = seq & this.#mask;
    const length = this.#lens[slot]!;
    const at = (slot + 1) * this.#maxPayload;
    this.#store.copyWithin(0, at, at + length);
    return length;
  }

  free(seq: number): void {
    const slot = seq & this.#mask;
    if (this.#seqs[slot] !== seq) return;
    this.#seqs[slot] = EMPTY_SLOT;
    this.#count--;
  }

  /** the lowest held sequence number in [from, to], or -1 */
  nextHeld(from: number, to: number): number {
    for (let s = from; s <= to; s++) if (this.#seqs[s & this.#mask] === s) return s;
    return -1;
  }

  /** releases every packet held in [from, to); how many there were (held packets span less than capacity) */
  discard(from: number, to: number): number {
    let discarded = 0;
    const end = Math.min(to, from + this.capacity);
    for (let s = from; s < end; s++) {
      if (this.#seqs[s & this.#mask] !== s) continue;
      this.free(s);
      discarded++;
    }
    return discarded;
  }

  clear(): void {
    this.#seqs.fill(EMPTY_SLOT);
    this.#count = 0;
  }
}
