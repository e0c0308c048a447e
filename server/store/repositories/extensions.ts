// SIP extensions. Passwords come in plain and leave as HA1 only (RFC 7616 §3.4.2), for both
// MD5 and SHA-256 so phones using either algorithm can authenticate.
import { asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../database.js';
import { callPermissions, defaultCallPermissions, extensions, type CallPermission, type ExtensionRow } from '../schema/extensions.js';
import { digestHa1 } from '../credentials.js';
import { CredentialCache, type CredentialCacheOptions } from './credential-cache.js';
import { BatchLoader } from '../batch-loader.js';

export interface Extension {
  readonly number: string;
  readonly displayName: string | null;
  readonly realm: string;
  readonly permissions: readonly CallPermission[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Structurally the registrar's DigestCredentials. */
export interface ExtensionCredentials {
  readonly username: string;
  readonly realm: string;
  readonly ha1Md5: string;
  readonly ha1Sha256: string;
}

/** What call routing needs to know about a calling extension. */
export interface ExtensionProfile {
  readonly number: string;
  readonly displayName: string | null;
  readonly permissions: readonly CallPermission[];
}

export interface ExtensionUpdate {
  /** null clears it */
  displayName?: string | null;
  /** a new password needs the realm it is hashed for */
  credentials?: { password: string; realm: string };
  permissions?: readonly CallPermission[];
}

export interface ExtensionRepositoryOptions {
  db: Db;
  now?: () => number;
  /** the caches in front of find() and profile(); maxEntries 0 turns them off */
  credentialCache?: CredentialCacheOptions;
}

/**
 * The known permissions in `value`, once each, in callPermissions order: what is stored and what
 * a stored value reads back as (a hand-edited or newer value never widens what an extension may dial).
 */
export function normalizePermissions(value: unknown): CallPermission[] {
  if (!Array.isArray(value)) return [...defaultCallPermissions];
  return callPermissions.filter((p) => value.includes(p));
}

function toView(row: ExtensionRow): Extension {
  return {
    number: row.number,
    displayName: row.displayName,
    realm: row.realm,
    permissions: normalizePermissions(row.permissions),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function ha1s(number: string, realm: string, password: string) {
  return {
    realm,
    ha1Md5: digestHa1('MD5', number, realm, password),
    ha1Sha256: digestHa1('SHA-256', number, realm, password),
  };
}

export class ExtensionRepository {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #credentials: CredentialCache<ExtensionCredentials>;
  readonly #profiles: CredentialCache<ExtensionProfile>;
  /**
   * Numbers found not to exist, cached like hits: an unknown user must take the same path and time
   * as a known one (issue 18, finding 6: a query per unknown user made its 401 ~0.6 ms slower, which
   * told a scanner which extensions exist). A cache of its own, so that a scan of made-up names
   * cannot evict real phones' credentials.
   */
  readonly #absent: CredentialCache<true>;
  /**
   * Rows for find() and profile(), misses of one event-loop turn read by one query: every cached
   * entry expires (ttlMs), so under load each phone's credentials are read again every half
   * minute, and a statement per lookup showed up as a tenth of the registrar's CPU.
   */
  readonly #rows: BatchLoader<ExtensionRow>;

  constructor(options: ExtensionRepositoryOptions) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
    this.#credentials = new CredentialCache({ now: this.#now, ...options.credentialCache });
    this.#profiles = new CredentialCache({ now: this.#now, ...options.credentialCache });
    this.#absent = new CredentialCache({ now: this.#now, maxEntries: 10_000, ...options.credentialCache });
    this.#rows = new BatchLoader({
      fetch: async (numbers) => {
        const rows = await this.#db.select().from(extensions).where(inArray(extensions.number, [...numbers]));
        return new Map(rows.map((r) => [r.number, r]));
      },
    });
  }

  /**
   * Runs a write to one extension, then drops its cached credentials and profile. Dropping after the write
   * (even a failed one) means a find() that read the row before the write cannot cache it.
   */
  async #writing<T>(number: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.#credentials.invalidate(number);
      this.#profiles.invalidate(number);
      this.#absent.invalidate(number);
    }
  }

  /** undefined when the number already exists. */
  async create(input: {
    number: string;
    password: string;
    realm: string;
    displayName?: string | null;
    /** default: internal and emergency */
    permissions?: readonly CallPermission[];
  }): Promise<Extension | undefined> {
    const now = this.#now();
    // the number may be cached as absent
    const rows = await this.#writing(input.number, () =>
      this.#db
        .insert(extensions)
        .values({
          number: input.number,
          displayName: input.displayName ?? null,
          ...ha1s(input.number, input.realm, input.password),
          permissions: normalizePermissions(input.permissions ?? defaultCallPermissions),
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning(),
    );
    const row = rows[0];
    return row ? toView(row) : undefined;
  }

  async get(number: string): Promise<Extension | undefined> {
    const rows = await this.#db.select().from(extensions).where(eq(extensions.number, number)).limit(1);
    const row = rows[0];
    return row ? toView(row) : undefined;
  }

  async list(page: { limit: number; offset: number }): Promise<{ items: Extension[]; total: number }> {
    const rows = await this.#db
      .select()
      .from(extensions)
      .orderBy(asc(extensions.number))
      .limit(page.limit)
      .offset(page.offset);
    const totals = await this.#db.select({ n: count() }).from(extensions);
    return { items: rows.map(toView), total: totals[0]?.n ?? 0 };
  }

  /** undefined when there is no such extension. */
  async update(number: string, change: ExtensionUpdate): Promise<Extension | undefined> {
    const set: Partial<typeof extensions.$inferInsert> = { updatedAt: this.#now() };
    if (change.displayName !== undefined) set.displayName = change.displayName;
    if (change.permissions !== undefined) set.permissions = normalizePermissions(change.permissions);
    if (change.credentials) Object.assign(set, ha1s(number, change.credentials.realm, change.credentials.password));
    const rows = await this.#writing(number, () =>
      this.#db.update(extensions).set(set).where(eq(extensions.number, number)).returning(),
    );
    const row = rows[0];
    return row ? toView(row) : undefined;
  }

  async delete(number: string): Promise<boolean> {
    const rows = await this.#writing(number, () =>
      this.#db.delete(extensions).where(eq(extensions.number, number)).returning({ number: extensions.number }),
    );
    return rows.length > 0;
  }

  /** The cached credentials without touching the database: null when cached as absent, undefined when not cached. */
  findCached(username: string): ExtensionCredentials | null | undefined {
    return this.#credentials.get(username) ?? (this.#absent.get(username) ? null : undefined);
  }

  /** The registrar's CredentialLookup.recheck: one read of the row, whatever the caches hold. */
  async recheck(username: string): Promise<void> {
    await this.#rows.load(username);
  }

  /** The registrar's CredentialLookup.find: HA1s for digest; undefined for unknown users. */
  async find(username: string): Promise<ExtensionCredentials | undefined> {
    const cached = this.#credentials.get(username);
    if (cached !== undefined) return cached;
    if (this.#absent.get(username)) return undefined;
    const generation = this.#credentials.generation;
    const absentGeneration = this.#absent.generation;
    const row = await this.#rows.load(username);
    if (row === undefined) {
      this.#absent.set(username, true, absentGeneration);
      return undefined;
    }
    const found = { username: row.number, realm: row.realm, ha1Md5: row.ha1Md5, ha1Sha256: row.ha1Sha256 };
    this.#credentials.set(username, found, generation);
    return found;
  }

  /** Who is calling and what they may dial, for call routing; undefined for unknown numbers. */
  async profile(number: string): Promise<ExtensionProfile | undefined> {
    const cached = this.#profiles.get(number);
    if (cached !== undefined) return cached;
    const generation = this.#profiles.generation;
    const row = await this.#rows.load(number);
    if (row === undefined) return undefined;
    const found: ExtensionProfile = {
      number: row.number,
      displayName: row.displayName,
      permissions: Object.freeze(normalizePermissions(row.permissions)),
    };
    this.#profiles.set(number, found, generation);
    return found;
  }
}
