// Replay protection for digest nonce-counts (RFC 7616 §3.4: "the server ... can detect replays by
// checking that nc is greater than any value it has seen for this nonce"), indexed by the order in
// which nonces were issued, the way Kamailio's auth module keeps its nc array.
//
// Each challenge takes the next sequence number; the nonce carries it (authenticated by the nonce's
// MAC) with a random tag, and slot `seq mod capacity` of a fixed ring holds that nonce's highest nc.
// A nonce is forgotten only once `capacity` newer challenges have been issued: how long a nonce
// stays usable depends on how many challenges came after it, never on the order in which clients
// answer. (The ring replaced an LRU of answered nonces whose eviction watermark was an issue time:
// under REGISTER load answers arrive out of issue order, and a fresh nonce answered a little late
// was judged forgotten and drew a false stale=true.)
//
// Memory is fixed: 12 bytes a slot, allocated zeroed (the kernel maps pages as they are touched).

export type NcVerdict = 'fresh' | 'replay' | 'forgotten';

export interface NonceSlot {
  /** the nonce's sequence number (uint32) */
  readonly seq: number;
  /** the nonce's random tag (uint32): a nonce of an earlier process run never matches a slot */
  readonly tag: number;
}

export class NonceCountRing {
  readonly #mask: number;
  readonly #seqs: Uint32Array;
  readonly #tags: Uint32Array;
  /** highest nc accepted per slot; 0 = none yet (RFC 7616 §3.4: nc starts at 1) */
  readonly #ncs: Uint32Array;
  #next: number;

  /**
   * @param capacity nonces remembered, rounded up to a power of two (at least 2)
   * @param start the first sequence number (random in production, so a restarted process does
   *   not reissue the numbers of nonces still held by clients)
   */
  constructor(options: { readonly capacity: number; readonly start?: number }) {
    const size = 2 ** Math.max(1, Math.ceil(Math.log2(Math.max(2, Math.min(options.capacity, 2 ** 26)))));
    this.#mask = size - 1;
    this.#seqs = new Uint32Array(size);
    this.#tags = new Uint32Array(size);
    this.#ncs = new Uint32Array(size);
    this.#next = (options.start ?? 0) >>> 0;
  }

  get capacity(): number {
    return this.#mask + 1;
  }

  /** Takes the next slot for a nonce with `tag`; returns its sequence number. */
  issue(tag: number): number {
    const seq = this.#next;
    this.#next = (seq + 1) >>> 0;
    const i = seq & this.#mask;
    this.#seqs[i] = seq;
    this.#tags[i] = tag >>> 0;
    this.#ncs[i] = 0;
    return seq;
  }

  /** Judge nc without recording it (the response has not been checked yet). */
  judge(slot: NonceSlot, nc: number): NcVerdict {
    const i = slot.seq & this.#mask;
    if (this.#seqs[i] !== slot.seq >>> 0 || this.#tags[i] !== slot.tag >>> 0) return 'forgotten';
    return nc > (this.#ncs[i] ?? 0) ? 'fresh' : 'replay';
  }

  /** Record an accepted nc (call only after the response verified and judge() said fresh). */
  accept(slot: NonceSlot, nc: number): void {
    const i = slot.seq & this.#mask;
    if (this.#seqs[i] !== slot.seq >>> 0 || this.#tags[i] !== slot.tag >>> 0) return;
    this.#ncs[i] = Math.max(this.#ncs[i] ?? 0, Math.min(nc, 0xffffffff));
  }
}
