// Automatic bans for sources that keep failing authentication (the fail2ban pattern, in process):
// `threshold` failures from one IP within `windowMs` ban it for `banTimeMs`. Memory is bounded:
// at most `maxTracked` sources are counted and at most `maxBans` are banned at once; beyond that the
// least recently active counter / the ban closest to its end is dropped first.
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
  /** ip → failure times inside the window, oldest first; Map order is LRU order */
  readonly #failures = new Map<string, number[]>();
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

  /** Count one failed authentication; returns true when this failure banned the source. */
  recordFailure(ip: string): boolean {
    const key = normalizeIp(ip);
    if (this.#exempt.has(key) || this.isBanned(key)) return false;
    const now = this.#clock.now();
    const times = (this.#failures.get(key) ?? []).filter((t) => now - t < this.#windowMs);
    times.push(now);
    this.#failures.delete(key);
    this.#failures.set(key, times);
    this.#sink?.record({ kind: 'auth-failure', source: key, detail: { failures: times.length } });
    if (times.length >= this.#threshold) {
      this.#failures.delete(key);
      this.#ban(key, times.length, now);
      return true;
    }
    while (this.#failures.size > this.#maxTracked) {
      const oldest = this.#failures.keys().next();
      if (oldest.done) break;
      this.#failures.delete(oldest.value);
    }
    return false;
  }

  /** A successful authentication clears the source's failure count. */
  recordSuccess(ip: string): void {
    this.#failures.delete(normalizeIp(ip));
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

  #ban(key: string, failures: number, now: number, banTimeMs = this.#banTimeMs): void {
    const entry: BanEntry = { ip: key, since: now, until: now + banTimeMs, failures };
    this.#bans.set(key, entry);
    if (this.#bans.size > this.#maxBans) {
      let soonest: BanEntry | undefined;
      for (const b of this.#bans.values()) if (!soonest || b.until < soonest.until) soonest = b;
      if (soonest) this.#lift(soonest.ip, 'capacity');
    }
    this.#sink?.record({ kind: 'ban', source: key, detail: { failures, until: entry.until, banTimeMs } });
  }

  #lift(key: string, why: 'expired' | 'manual' | 'capacity'): void {
    this.#bans.delete(key);
    this.#sink?.record({ kind: 'unban', source: key, detail: { reason: why } });
  }
}
