// Password-login throttling (OWASP Authentication Cheat Sheet, "Account lockout" / "Login
// throttling"): failures are counted per account and per source address, each failure after the
// first makes the next attempt wait longer (exponential back-off), and `maxFailures` failures lock
// the account (or `sourceMaxFailures` the source) for `lockoutMs`, right password or not. Attempts
// refused here cost no password hashing. A success clears its account's count, never its source's:
// a source that logs into its own account must not reset its guesses at others (issue 18 §5).
// Unknown usernames are counted like known ones, so the answers reveal nothing about which exist.
// Parallel attempts are verified side by side (bounded only by the hashing gate), but each attempt in
// flight counts toward the limits, so N parallel guesses never exceed the lockout threshold.
// Memory is bounded: at most `maxTracked` accounts and as many sources are remembered. When the
// table is full the least recently active idle tally is forgotten; a locked, backing-off or busy one
// never is (forgetting it would lift the lock), and with none idle a new key is refused instead.

export interface LoginPolicy {
  /** failures of one account within lockoutMs that lock it (default 5) */
  readonly maxFailures?: number;
  /** failures from one source address within lockoutMs that lock it out (default 20) */
  readonly sourceMaxFailures?: number;
  /** how long a lock lasts; also how long a failure is remembered (default 15 min) */
  readonly lockoutMs?: number;
  /** wait after the second failure, doubling with each further one (default 1000 ms) */
  readonly backoffBaseMs?: number;
  /** longest back-off wait (default 30 s) */
  readonly backoffMaxMs?: number;
  /** accounts, and sources, remembered at once (default 10000 each) */
  readonly maxTracked?: number;
}

export type LoginScope = 'account' | 'source';

/** Why an attempt is refused before its password is checked, and for how long. */
export interface LoginRefusal {
  readonly scope: LoginScope;
  readonly reason: 'locked' | 'backoff' | 'in-progress' | 'table-full';
  readonly retryAfterMs: number;
}

/** A lock that a failure just started: server/api writes it to the audit log. */
export interface LoginLock {
  readonly scope: LoginScope;
  /** the username or the source address */
  readonly key: string;
  readonly failures: number;
  readonly until: number;
}

interface Tally {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
  /** attempts being verified now */
  inFlight: number;
}

export class LoginGuard {
  readonly #maxFailures: number;
  readonly #sourceMaxFailures: number;
  readonly #lockoutMs: number;
  readonly #backoffBaseMs: number;
  readonly #backoffMaxMs: number;
  readonly #maxTracked: number;
  readonly #accounts = new Map<string, Tally>();
  readonly #sources = new Map<string, Tally>();

  constructor(policy: LoginPolicy = {}) {
    this.#maxFailures = Math.max(1, Math.floor(policy.maxFailures ?? 5));
    this.#sourceMaxFailures = Math.max(1, Math.floor(policy.sourceMaxFailures ?? 20));
    this.#lockoutMs = Math.max(0, policy.lockoutMs ?? 900_000);
    this.#backoffBaseMs = Math.max(0, policy.backoffBaseMs ?? 1000);
    this.#backoffMaxMs = Math.max(0, policy.backoffMaxMs ?? 30_000);
    this.#maxTracked = Math.max(1, policy.maxTracked ?? 10_000);
  }

  /**
   * Admits an attempt or says why not. An admitted attempt must end in exactly one of
   * success(), failure() or abandon(). `source` is the caller's network group (see sourceGroup).
   */
  admit(options: { readonly account: string; readonly source: string | undefined; readonly now: number }): LoginRefusal | undefined {
    const { account, source, now } = options;
    const src = source === undefined ? undefined : this.#current(this.#sources, source, now);
    const refusedBySource = src && this.#refusal(src, 'source', now, this.#sourceMaxFailures);
    if (refusedBySource) return refusedBySource;
    const acc = this.#current(this.#accounts, account, now);
    const refusedByAccount = acc && this.#refusal(acc, 'account', now, this.#maxFailures);
    if (refusedByAccount) return refusedByAccount;
    // Reserve both slots before counting anything, so a full table refuses without side effects.
    if (!acc && !this.#hasRoom(this.#accounts, now)) return { scope: 'account', reason: 'table-full', retryAfterMs: 1000 };
    if (source !== undefined && !src && !this.#hasRoom(this.#sources, now)) return { scope: 'source', reason: 'table-full', retryAfterMs: 1000 };
    this.#touch(this.#accounts, account, now).inFlight++;
    if (source !== undefined) this.#touch(this.#sources, source, now).inFlight++;
    return undefined;
  }

  /** The password was right: the account's failures are forgotten (the source's are not). */
  success(options: { readonly account: string; readonly source: string | undefined }): void {
    const acc = this.#accounts.get(options.account);
    if (acc) {
      acc.inFlight = Math.max(0, acc.inFlight - 1);
      acc.failures = 0;
      acc.lockedUntil = -Infinity;
      if (acc.inFlight === 0) this.#accounts.delete(options.account);
    }
    this.#release(this.#sources, options.source);
  }

  /** The attempt was admitted but not verified (e.g. no hashing capacity): nothing is counted. */
  abandon(options: { readonly account: string; readonly source: string | undefined }): void {
    this.#release(this.#accounts, options.account);
    this.#release(this.#sources, options.source);
  }

  /** Counts a failed attempt; returns the locks it started (for the audit log). */
  failure(options: { readonly account: string; readonly source: string | undefined; readonly now: number }): LoginLock[] {
    const { account, source, now } = options;
    const locks: LoginLock[] = [];
    this.#release(this.#accounts, account);
    const acc = this.#touch(this.#accounts, account, now);
    this.#count(acc, now, this.#maxFailures, () => locks.push({ scope: 'account', key: account, failures: acc.failures, until: acc.lockedUntil }));
    if (source !== undefined) {
      this.#release(this.#sources, source);
      const src = this.#touch(this.#sources, source, now);
      this.#count(src, now, this.#sourceMaxFailures, () => locks.push({ scope: 'source', key: source, failures: src.failures, until: src.lockedUntil }));
    }
    return locks;
  }

  /** accounts and sources remembered now (bounded by maxTracked each) */
  get tracked(): { readonly accounts: number; readonly sources: number } {
    return { accounts: this.#accounts.size, sources: this.#sources.size };
  }

  #release(map: Map<string, Tally>, key: string | undefined): void {
    const t = key === undefined ? undefined : map.get(key);
    if (t) t.inFlight = Math.max(0, t.inFlight - 1);
  }

  #count(t: Tally, now: number, max: number, onLock: () => void): void {
    t.failures++;
    t.lastFailureAt = now;
    if (t.failures >= max && t.lockedUntil <= now) {
      t.lockedUntil = now + this.#lockoutMs;
      onLock();
    }
  }

  #refusal(t: Tally, scope: LoginScope, now: number, max: number): LoginRefusal | undefined {
    if (t.lockedUntil > now) return { scope, reason: 'locked', retryAfterMs: t.lockedUntil - now };
    const wait = this.#backoff(t.failures);
    if (wait > 0 && now < t.lastFailureAt + wait) return { scope, reason: 'backoff', retryAfterMs: t.lastFailureAt + wait - now };
    // attempts in flight may all fail: together with the failures they must stay within the limit
    if (t.failures + t.inFlight >= max) return { scope, reason: 'in-progress', retryAfterMs: 1000 };
    return undefined;
  }

  /** The first failure (a typo) costs nothing; then base, 2×base, 4×base … up to backoffMaxMs. */
  #backoff(failures: number): number {
    if (failures < 2) return 0;
    return Math.min(this.#backoffMaxMs, this.#backoffBaseMs * 2 ** Math.min(30, failures - 2));
  }

  /** Whether forgetting this tally changes no answer: nothing in flight, no lock, no back-off running. */
  #idle(t: Tally, now: number): boolean {
    return t.inFlight === 0 && t.lockedUntil <= now && now >= t.lastFailureAt + this.#backoff(t.failures);
  }

  /** The tally, with failures older than lockoutMs (and an expired lock) forgotten. */
  #current(map: Map<string, Tally>, key: string, now: number): Tally | undefined {
    const t = map.get(key);
    if (t && t.inFlight === 0 && t.lockedUntil <= now && now - t.lastFailureAt >= this.#lockoutMs) {
      map.delete(key);
      return undefined;
    }
    return t;
  }

  /** Room for one more key: a free slot, or the least recently active idle tally forgotten. */
  #hasRoom(map: Map<string, Tally>, now: number): boolean {
    if (map.size < this.#maxTracked) return true;
    // Map iteration is insertion order, which #touch keeps as least recently active first.
    for (const [key, t] of map) {
      if (this.#idle(t, now)) {
        map.delete(key);
        return true;
      }
    }
    return false;
  }

  /** The tally for key, created if need be, moved to the most recent end of the LRU order. */
  #touch(map: Map<string, Tally>, key: string, now: number): Tally {
    let t = this.#current(map, key, now);
    if (t) map.delete(key);
    else {
      t = { failures: 0, lastFailureAt: -Infinity, lockedUntil: -Infinity, inFlight: 0 };
      // admit() made room; failure() only reaches here for a key it admitted, which is in flight
      // and so never evicted. Should the table still be full, it grows by one rather than forget.
      this.#hasRoom(map, now);
    }
    map.set(key, t);
    return t;
  }
}
