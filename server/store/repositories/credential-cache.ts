// A bounded, short-lived cache of digest credentials in front of the extensions table. Every
// authenticated REGISTER looks its user up; without the cache that is a query per request, which
// dominated the registrar's CPU under load. The repository keeps one for hits and one for misses
// (an unknown user must cost what a known one does), and invalidates both when it writes a number.

export interface CredentialCacheOptions {
  /** entries kept; the least recently used one goes first (default 20 000) */
  maxEntries?: number;
  /**
   * how long an entry is trusted (default 30 s): bounds staleness when another node writes a
   * shared libsql server, since this node's invalidation only sees its own writes
   */
  ttlMs?: number;
  now?: () => number;
}

interface Entry<V> {
  readonly value: V;
  readonly storedAt: number;
}

export class CredentialCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /**
   * Bumped by every invalidation. A lookup that started before a write must not store the row it
   * read, which may predate the write: set() is given the generation seen before the query.
   */
  #generation = 0;

  constructor(options: CredentialCacheOptions = {}) {
    this.#maxEntries = Math.max(0, options.maxEntries ?? 20_000);
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  get generation(): number {
    return this.#generation;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() - entry.storedAt >= this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    // Map keeps insertion order: re-inserting makes this the most recently used entry
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Stores a value read at `generation`; ignored if anything was invalidated since. */
  set(key: string, value: V, generation: number): void {
    if (generation !== this.#generation || this.#maxEntries === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, storedAt: this.#now() });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  invalidate(key: string): void {
    this.#generation++;
    this.#entries.delete(key);
  }
}
