// SIP extensions. Passwords come in plain and leave as HA1 only (RFC 7616 §3.4.2), for both
// MD5 and SHA-256 so phones using either algorithm can authenticate.
import { asc, count, eq, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { extensions, type ExtensionRow } from '../schema/extensions.js';
import { digestHa1 } from '../credentials.js';
import { CredentialCache, type CredentialCacheOptions } from './credential-cache.js';

export interface Extension {
  readonly number: string;
  readonly displayName: string | null;
  readonly realm: string;
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

export interface ExtensionUpdate {
  /** null clears it */
  displayName?: string | null;
  /** a new password needs the realm it is hashed for */
  credentials?: { password: string; realm: string };
}

export interface ExtensionRepositoryOptions {
  db: Db;
  now?: () => number;
  /** the credential cache in front of find(); maxEntries 0 turns it off */
  credentialCache?: CredentialCacheOptions;
}

function toView(row: ExtensionRow): Extension {
  return {
    number: row.number,
    displayName: row.displayName,
    realm: row.realm,
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
  /**
   * find()'s query, built once: every cached entry expires (ttlMs), so under load each phone's
   * credentials are read again every half minute, and building the query each time showed up.
   */
  readonly #findQuery;

  constructor(options: ExtensionRepositoryOptions) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
    this.#credentials = new CredentialCache({ now: this.#now, ...options.credentialCache });
    this.#findQuery = this.#db.select().from(extensions).where(eq(extensions.number, sql.placeholder('number'))).limit(1).prepare();
  }

  /**
   * Runs a write to one extension, then drops its cached credentials. Dropping after the write
   * (even a failed one) means a find() that read the row before the write cannot cache it.
   */
  async #writing<T>(number: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.#credentials.invalidate(number);
    }
  }

  /** undefined when the number already exists. */
  async create(input: {
    number: string;
    password: string;
    realm: string;
    displayName?: string | null;
  }): Promise<Extension | undefined> {
    const now = this.#now();
    // No invalidation needed: only existing extensions are ever cached.
    const rows = await this.#db
      .insert(extensions)
      .values({
        number: input.number,
        displayName: input.displayName ?? null,
        ...ha1s(input.number, input.realm, input.password),
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
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

  /** The registrar's CredentialLookup.find: HA1s for digest; undefined for unknown users. */
  /** The cached credentials without touching the database; undefined when not cached. */
  findCached(username: string): ExtensionCredentials | undefined {
    return this.#credentials.get(username);
  }

  async find(username: string): Promise<ExtensionCredentials | undefined> {
    const cached = this.#credentials.get(username);
    if (cached !== undefined) return cached;
    const generation = this.#credentials.generation;
    const rows = await this.#findQuery.all({ number: username });
    const row = rows[0];
    if (row === undefined) return undefined;
    const found = { username: row.number, realm: row.realm, ha1Md5: row.ha1Md5, ha1Sha256: row.ha1Sha256 };
    this.#credentials.set(username, found, generation);
    return found;
  }
}
