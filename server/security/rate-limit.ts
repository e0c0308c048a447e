// Per-source request rate limits (token bucket), one of the checks AdmissionControl (admission.ts)
// runs for every datagram/message before the SIP core does any work for it, so it must stay O(1):
// one Map lookup per source, LRU-bounded.
import type { Clock } from '../sip/clock.js';
import type { SecuritySink } from '../registrar/ports.js';
import { normalizeIp } from './bans.js';

export interface RateLimiterOptions {
  readonly clock: Clock;
  readonly sink?: SecuritySink;
  /** sustained requests per second per source (default 200) */
  readonly ratePerSecond?: number;
  /** bucket size: how many requests may arrive at once (default 400) */
  readonly burst?: number;
  /** sources tracked at once; the least recently seen is forgotten first (default 10000) */
  readonly maxTracked?: number;
  /** at most one rate-limit event per source per this many ms (default 60000) */
  readonly eventIntervalMs?: number;
  /** addresses never limited */
  readonly exempt?: readonly string[];
}

interface Bucket {
  tokens: number;
  at: number;
  lastEventAt: number;
  dropped: number;
}

export class RateLimiter {
  readonly #clock: Clock;
  readonly #sink: SecuritySink | undefined;
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxTracked: number;
  readonly #eventIntervalMs: number;
  readonly #exempt: ReadonlySet<string>;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    this.#clock = options.clock;
    this.#sink = options.sink;
    this.#rate = options.ratePerSecond ?? 200;
    this.#burst = Math.max(1, options.burst ?? 400);
    this.#maxTracked = Math.max(1, options.maxTracked ?? 10_000);
    this.#eventIntervalMs = options.eventIntervalMs ?? 60_000;
    this.#exempt = new Set((options.exempt ?? []).map(normalizeIp));
  }

  /** Take one token for the source; false when it is over its rate. */
  check(ip: string): boolean {
    const key = normalizeIp(ip);
    if (this.#exempt.has(key)) return true;
    const now = this.#clock.now();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key);
      const elapsed = Math.max(0, now - bucket.at);
      bucket.tokens = Math.min(this.#burst, bucket.tokens + (elapsed * this.#rate) / 1000);
      bucket.at = now;
    } else {
      bucket = { tokens: this.#burst, at: now, lastEventAt: -Infinity, dropped: 0 };
      if (this.#buckets.size >= this.#maxTracked) {
        const oldest = this.#buckets.keys().next();
        if (!oldest.done) this.#buckets.delete(oldest.value);
      }
    }
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    bucket.dropped++;
    if (now - bucket.lastEventAt >= this.#eventIntervalMs) {
      this.#sink?.record({ kind: 'rate-limit', source: key, detail: { dropped: bucket.dropped, ratePerSecond: this.#rate } });
      bucket.lastEventAt = now;
      bucket.dropped = 0;
    }
    return false;
  }

  get tracked(): number {
    return this.#buckets.size;
  }
}
