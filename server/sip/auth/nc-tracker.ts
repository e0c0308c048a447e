// Replay protection for digest nonce-counts (RFC 7616 §3.4: "the server ... can detect replays by
// checking that nc is greater than any value it has seen for this nonce"). The map is bounded: when
// the oldest-used nonce is evicted its issue time raises a watermark, and an untracked nonce issued
// at or before the watermark is treated as stale (the client simply retries with a fresh nonce).
// Without that, evicting a nonce would let an old request be replayed while the nonce is still alive.

export type NcVerdict = 'fresh' | 'replay' | 'forgotten';

export class NonceCountTracker {
  readonly #capacity: number;
  /** nonce → { highest nc seen, issue time }; Map order doubles as LRU order */
  readonly #seen = new Map<string, { nc: number; issuedAt: number }>();
  #watermark = -Infinity;

  constructor(capacity = 10_000) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  /** Judge nc without recording it (the response has not been checked yet). */
  judge(nonce: string, issuedAt: number, nc: number): NcVerdict {
    const entry = this.#seen.get(nonce);
    if (entry) return nc > entry.nc ? 'fresh' : 'replay';
    return issuedAt <= this.#watermark ? 'forgotten' : 'fresh';
  }

  /** Record an accepted nc (call only after the response verified). */
  accept(nonce: string, issuedAt: number, nc: number): void {
    const entry = this.#seen.get(nonce);
    this.#seen.delete(nonce);
    this.#seen.set(nonce, { nc: Math.max(nc, entry?.nc ?? 0), issuedAt });
    while (this.#seen.size > this.#capacity) {
      const oldest = this.#seen.entries().next();
      if (oldest.done) break;
      this.#seen.delete(oldest.value[0]);
      this.#watermark = Math.max(this.#watermark, oldest.value[1].issuedAt);
    }
  }

  /** Drop entries for nonces that can no longer be used anyway (issued before cutoff). */
  purgeIssuedBefore(cutoff: number): void {
    for (const [nonce, entry] of this.#seen) if (entry.issuedAt < cutoff) this.#seen.delete(nonce);
  }

  get size(): number {
    return this.#seen.size;
  }
}
