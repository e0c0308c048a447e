// SIP admission before parsing (issue 18 §9): 100 sources sending REGISTER with made-up credentials
// at 5,000/s in all stayed under every per-source limit, and the work they caused (parse, digest
// check, credential lookup, a server transaction kept 32 s) starved a real phone and the monitor.
// So, per datagram and O(1), before anything is parsed:
//   1. banned sources are dropped;
//   2. every source has its token bucket (RateLimiter);
//   3. a source whose credentials were refused `suspectAfter` times within `suspectForMs`, more
//      often than they were accepted, is suspect: it gets a small bucket of its own, and all
//      suspect sources together share one small budget, so guessing from many addresses costs
//      Hailing a fixed amount of work (a proxy in front of many phones, most of them right, is not
//      suspect; bans, not admission, deal with a source that mixes guesses with good logins);
//   4. sources that have not authenticated lately (unknown, suspect or not) together share the
//      untrusted budget; a source that authenticated within `trustForMs` does not draw from it, so
//      registered phones keep working whatever arrives from elsewhere. Suspicion outranks trust.
// Memory is bounded: at most `maxTracked` sources are remembered in each table, least recent first out.
import type { Clock } from '../sip/clock.js';
import type { IngressFilter } from '../sip/stack/types.js';
import type { SecuritySink } from '../registrar/ports.js';
import { normalizeIp, type BanList } from './bans.js';
import type { RateLimiter } from './rate-limit.js';

export interface AdmissionOptions {
  readonly clock: Clock;
  readonly sink?: SecuritySink;
  readonly bans?: BanList;
  readonly rateLimiter?: RateLimiter;
  /** refused credentials within suspectForMs that make a source suspect (default 3) */
  readonly suspectAfter?: number;
  /** how long a source stays suspect after its last refusal (default 60 s) */
  readonly suspectForMs?: number;
  /** requests per second one suspect source may send (default 2, burst 5) */
  readonly suspectRatePerSecond?: number;
  /** requests per second all suspect sources together may send (default 100) */
  readonly suspectBudgetPerSecond?: number;
  /** requests per second all sources that have not authenticated lately may send (default 2000) */
  readonly untrustedBudgetPerSecond?: number;
  /** how long a successful authentication exempts its source from the untrusted budget (default 1 h) */
  readonly trustForMs?: number;
  /** sources remembered per table (default 10000) */
  readonly maxTracked?: number;
  /** at most one event per budget per this many ms (default 60000) */
  readonly eventIntervalMs?: number;
}

/** A token bucket: `rate` per second, at most `burst` at once. */
class TokenBucket {
  tokens: number;
  at: number;
  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.at) * this.rate) / 1000);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Suspicion {
  refusals: number;
  /** authentications in the same window: a proxy in front of many phones refuses some and passes most */
  successes: number;
  lastRefusalAt: number;
  bucket: TokenBucket;
}

interface Budget {
  readonly name: 'suspect' | 'untrusted';
  readonly bucket: TokenBucket;
  dropped: number;
  lastEventAt: number;
}

export class AdmissionControl {
  readonly #clock: Clock;
  readonly #sink: SecuritySink | undefined;
  readonly #bans: BanList | undefined;
  readonly #rateLimiter: RateLimiter | undefined;
  readonly #suspectAfter: number;
  readonly #suspectForMs: number;
  readonly #suspectRate: number;
  readonly #trustForMs: number;
  readonly #maxTracked: number;
  readonly #eventIntervalMs: number;
  readonly #suspectBudget: Budget;
  readonly #untrustedBudget: Budget;
  /** source → refusals; Map order is LRU order */
  readonly #suspicion = new Map<string, Suspicion>();
  /** source → trusted until (ms) */
  readonly #trusted = new Map<string, number>();

  constructor(options: AdmissionOptions) {
    this.#clock = options.clock;
    this.#sink = options.sink;
    this.#bans = options.bans;
    this.#rateLimiter = options.rateLimiter;
    this.#suspectAfter = Math.max(1, Math.floor(options.suspectAfter ?? 3));
    this.#suspectForMs = options.suspectForMs ?? 60_000;
    this.#suspectRate = Math.max(0.1, options.suspectRatePerSecond ?? 2);
    this.#trustForMs = options.trustForMs ?? 3_600_000;
    this.#maxTracked = Math.max(1, options.maxTracked ?? 10_000);
    this.#eventIntervalMs = options.eventIntervalMs ?? 60_000;
    const now = this.#clock.now();
    const budget = (name: Budget['name'], rate: number): Budget => ({
      name,
      bucket: new TokenBucket(rate, Math.max(1, rate), now),
      dropped: 0,
      lastEventAt: -Infinity,
    });
    this.#suspectBudget = budget('suspect', Math.max(1, options.suspectBudgetPerSecond ?? 100));
    this.#untrustedBudget = budget('untrusted', Math.max(1, options.untrustedBudgetPerSecond ?? 2000));
  }

  /** The ingress filter for the SIP stack: one verdict per message, before it is parsed. */
  readonly filter: IngressFilter = (flow) => (this.admit(flow.remote.address) ? 'accept' : 'drop');

  admit(ip: string): boolean {
    const key = normalizeIp(ip);
    if (this.#bans?.isBanned(key)) return false;
    if (this.#rateLimiter && !this.#rateLimiter.check(key)) return false;
    const now = this.#clock.now();
    const suspicion = this.#suspicion.get(key);
    if (suspicion && this.#isSuspect(suspicion, now)) {
      if (!suspicion.bucket.take(now)) return false;
      return this.#draw(this.#suspectBudget, now) && this.#draw(this.#untrustedBudget, now);
    }
    const trustedUntil = this.#trusted.get(key);
    if (trustedUntil !== undefined && trustedUntil > now) return true;
    return this.#draw(this.#untrustedBudget, now);
  }

  /** Credentials from this source were refused (401/407 to a request that carried them). */
  refused(ip: string): void {
    const key = normalizeIp(ip);
    const now = this.#clock.now();
    let s = this.#suspicion.get(key);
    if (s) this.#suspicion.delete(key);
    else {
      s = { refusals: 0, successes: 0, lastRefusalAt: -Infinity, bucket: new TokenBucket(this.#suspectRate, Math.max(1, Math.ceil(this.#suspectRate * 2.5)), now) };
      evictOldest(this.#suspicion, this.#maxTracked);
    }
    this.#suspicion.set(key, s);
    if (now - s.lastRefusalAt > this.#suspectForMs) s.refusals = s.successes = 0;
    const was = this.#isSuspect(s, now);
    s.refusals++;
    s.lastRefusalAt = now;
    if (!was && this.#isSuspect(s, now)) {
      // from here on its requests come out of its own small bucket, which starts empty
      s.bucket.tokens = 0;
      s.bucket.at = now;
      this.#sink?.record({ kind: 'rate-limit', source: key, detail: { reason: 'suspect', refusals: s.refusals, ratePerSecond: this.#suspectRate } });
    }
  }

  /** This source authenticated: it no longer draws from the untrusted budget (unless suspect). */
  authenticated(ip: string): void {
    const key = normalizeIp(ip);
    const s = this.#suspicion.get(key);
    if (s) s.successes++;
    this.#trusted.delete(key);
    evictOldest(this.#trusted, this.#maxTracked);
    this.#trusted.set(key, this.#clock.now() + this.#trustForMs);
  }

  /** sources remembered in each table (bounded by maxTracked) */
  get tracked(): { readonly suspects: number; readonly trusted: number } {
    return { suspects: this.#suspicion.size, trusted: this.#trusted.size };
  }

  isSuspect(ip: string): boolean {
    const s = this.#suspicion.get(normalizeIp(ip));
    return s !== undefined && this.#isSuspect(s, this.#clock.now());
  }

  #isSuspect(s: Suspicion, now: number): boolean {
    return s.refusals >= this.#suspectAfter && s.refusals > s.successes && now - s.lastRefusalAt <= this.#suspectForMs;
  }

  #draw(budget: Budget, now: number): boolean {
    if (budget.bucket.take(now)) return true;
    budget.dropped++;
    if (now - budget.lastEventAt >= this.#eventIntervalMs) {
      this.#sink?.record({ kind: 'rate-limit', source: '*', detail: { budget: budget.name, dropped: budget.dropped, ratePerSecond: budget.bucket.rate } });
      budget.lastEventAt = now;
      budget.dropped = 0;
    }
    return false;
  }
}

function evictOldest<K, V>(map: Map<K, V>, max: number): void {
  if (map.size < max) return;
  const oldest = map.keys().next();
  if (!oldest.done) map.delete(oldest.value);
}
