// Automatic bans for sources that keep failing authentication (the fail2ban pattern, in process):
// `threshold` failures from one IP within `windowMs` ban it for `banTimeMs`. Memory is bounded:
// at most `maxTracked` sources are counted and at most `maxBans` are banned at once; beyond that the
// least recently active counter / the ban closest to its end is dropped first.
//
// Failures are counted per source and per target account (issue 18, finding 5). A success clears
// only the source's failures for the account that succeeded: an attacker's good REGISTER for its own
// extension must not wipe its guesses at another one. An account that fails `accountThreshold`
// times within the window, from any sources, is under attack: every further failure against it
// bans its source at once, so spreading guesses over many addresses buys one guess per address.
// Bans are written through an optional store and restored at start (finding 7).
import type { Clock } from '../sip/clock.js';
import type { SecuritySink } from '../registrar/ports.js';

export interface BanListOptions {
  readonly clock: Clock;
  readonly sink?: SecuritySink;
  /** failures that trigger a ban (default 5) */
  readonly threshold?: number;
  /** sliding window for counting failures, ms (default 10 min) */
  readonly windowMs?: number;
  /** how long a ban lasts, ms (default 10 min) */
  readonly banTimeMs?: number;
  /** sources whose failures are counted at once (default 10000) */
  readonly maxTracked?: number;
  /** sources banned at once (default 100000) */
  readonly maxBans?: number;
  /** addresses never banned (the operator's own networks, monitoring) */
  readonly exempt?: readonly string[];
  /** failures against one account, from any sources, after which each further failure bans (default 20) */
  readonly accountThreshold?: number;
  /** where active bans are kept across restarts */
  readonly store?: BanStore;
}

/** Durable bans: written when a ban starts, removed when it is lifted; fire-and-forget. */
export interface BanStore {
  save(entry: BanEntry): void;
  remove(ip: string): void;
}

interface Failure {
  readonly at: number;
  readonly account: string | undefined;
}

export interface BanEntry {
  readonly ip: string;
  readonly since: number;
  readonly until: number;
  readonly failures: number;
}

/** "::ffff:192.0.2.1" and "192.0.2.1" are the same source; IPv6 compares case-insensitively. */
export function normalizeIp(ip: string): string {
  const lower = ip.trim().toLowerCase();
  const unbracketed = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  return unbracketed.startsWith('::ffff:') && unbracketed.includes('.') ? unbracketed.slice(7) : unbracketed;
}

export class BanList {
  readonly #clock: Clock;
  readonly #sink: SecuritySink | undefined;
  readonly #threshold: number;
  readonly #windowMs: number;
  readonly #banTimeMs: number;
  readonly #maxTracked: number;
  readonly #maxBans: number;
  readonly #exempt: ReadonlySet<string>;
  readonly #accountThreshold: number;
  readonly #store: BanStore | undefined;
  /** ip → failures inside the window, oldest first; Map order is LRU order */
  readonly #failures = new Map<string, Failure[]>();
  /** account → failure times inside the window, from any source; Map order is LRU order */
  readonly #accounts = new Map<string, number[]>();
  readonly #bans = new Map<string, BanEntry>();

  constructor(options: BanListOptions) {
    this.#clock = options.clock;
    this.#sink = options.sink;
    this.#threshold = Math.max(1, Math.floor(options.threshold ?? 5));
    this.#windowMs = options.windowMs ?? 600_000;
    this.#banTimeMs = options.banTimeMs ?? 600_000;
    this.#maxTracked = Math.max(1, options.maxTracked ?? 10_000);
    this.#maxBans = Math.max(1, options.maxBans ?? 100_000);
    this.#exempt = new Set((options.exempt ?? []).map(normalizeIp));
    this.#accountThreshold = Math.max(1, Math.floor(options.accountThreshold ?? 20));
    this.#store = options.store;
  }

  /**
   * Bans read back at start: those still running are active again (with a 'ban' event marked
   * restored, for the audit log and the gauge); the store is not written again.
   */
  restore(entries: readonly BanEntry[]): number {
    const now = this.#clock.now();
    let restored = 0;
    for (const entry of entries) {
      const key = normalizeIp(entry.ip);
      if (entry.until <= now || this.#bans.has(key) || this.#exempt.has(key)) continue;
      this.#bans.set(key, { ...entry, ip: key });
      restored++;
      this.#sink?.record({ kind: 'ban', source: key, detail: { failures: entry.failures, until: entry.until, restored: true } });
    }
    return restored;
  }

  /** Whether the source is banned now; a ban past its time is lifted here (and an unban reported). */
  isBanned(ip: string): boolean {
    const key = normalizeIp(ip);
    const ban = this.#bans.get(key);
    if (!ban) return false;
    if (this.#clock.now() < ban.until) return true;
    this.#lift(key, 'expired');
    return false;
  }

  /** Count one failed authentication against `account` (when known); true when it banned the source. */
  recordFailure(ip: string, account?: string): boolean {
    const key = normalizeIp(ip);
    if (this.#exempt.has(key) || this.isBanned(key)) return false;
    const now = this.#clock.now();
    const times = (this.#failures.get(key) ?? []).filter((f) => now - f.at < this.#windowMs);
    times.push({ at: now, account });
    this.#failures.delete(key);
    this.#failures.set(key, times);
    const onAccount = account === undefined ? 0 : this.#countAccount(account, now);
    this.#sink?.record({ kind: 'auth-failure', source: key, detail: { failures: times.length, ...(account === undefined ? {} : { account, accountFailures: onAccount }) } });
    if (times.length >= this.#threshold || onAccount > this.#accountThreshold) {
      this.#failures.delete(key);
      this.#ban(key, times.length, now, this.#banTimeMs, onAccount > this.#accountThreshold ? account : undefined);
      return true;
    }
    trim(this.#failures, this.#maxTracked);
    return false;
  }

  /** A successful authentication clears the source's failures for that account, and only those. */
  recordSuccess(ip: string, account?: string): void {
    const key = normalizeIp(ip);
    const times = this.#failures.get(key);
    if (times === undefined) return;
    const rest = times.filter((f) => f.account !== account);
    if (rest.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, rest);
  }

  #countAccount(account: string, now: number): number {
    const times = (this.#accounts.get(account) ?? []).filter((t) => now - t < this.#windowMs);
    times.push(now);
    // an account's count needs only to reach the threshold: keep no more than that
    if (times.length > this.#accountThreshold + 1) times.splice(0, times.length - this.#accountThreshold - 1);
    this.#accounts.delete(account);
    this.#accounts.set(account, times);
    trim(this.#accounts, this.#maxTracked);
    return times.length;
  }

  /** Ban by hand (admin action); banTimeMs defaults to the configured ban time. */
  ban(ip: string, banTimeMs?: number): void {
    const key = normalizeIp(ip);
    this.#ban(key, 0, this.#clock.now(), banTimeMs);
  }

  /** Lift a ban by hand; returns whether there was one. */
  unban(ip: string): boolean {
    const key = normalizeIp(ip);
    this.#failures.delete(key);
    if (!this.#bans.has(key)) return false;
    this.#lift(key, 'manual');
    return true;
  }

  /** Current bans (expired ones are lifted first). */
  list(): BanEntry[] {
    const now = this.#clock.now();
    for (const [ip, ban] of [...this.#bans]) if (now >= ban.until) this.#lift(ip, 'expired');
    return [...this.#bans.values()];
  }

  #ban(key: string, failures: number, now: number, banTimeMs = this.#banTimeMs, account?: string): void {
    const entry: BanEntry = { ip: key, since: now, until: now + banTimeMs, failures };
    this.#bans.set(key, entry);
    this.#store?.save(entry);
    if (this.#bans.size > this.#maxBans) {
      let soonest: BanEntry | undefined;
      for (const b of this.#bans.values()) if (!soonest || b.until < soonest.until) soonest = b;
      if (soonest) this.#lift(soonest.ip, 'capacity');
    }
    this.#sink?.record({ kind: 'ban', source: key, detail: { failures, until: entry.until, banTimeMs, ...(account === undefined ? {} : { accountUnderAttack: account }) } });
  }

  #lift(key: string, why: 'expired' | 'manual' | 'capacity'): void {
    this.#bans.delete(key);
    this.#store?.remove(key);
    this.#sink?.record({ kind: 'unban', source: key, detail: { reason: why } });
  }
}

/** Drops the least recently used entries beyond `max` (Map order is LRU order). */
function trim(map: Map<string, unknown>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}
