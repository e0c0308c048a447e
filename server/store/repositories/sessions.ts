// Login sessions. The bearer token is returned once, at creation; the table keys sessions by
// SHA-256(token), so reading the database does not let anyone log in.
import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, lte } from 'drizzle-orm';
import type { Db } from '../database.js';
import { adminSessions, type AdminSessionRow } from '../schema/admin-sessions.js';
import { adminUsers } from '../schema/admin-users.js';
import { adminUserView } from './admin-users.js';
import { sha256Hex } from '../credentials.js';
import type { AdminUser } from './admin-users.js';

export interface AdminSession {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastSeenAt: number;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
}

export interface SessionRepositoryOptions {
  db: Db;
  now?: () => number;
}

export function sessionIdOf(token: string): string {
  return sha256Hex(token);
}

function toView(row: AdminSessionRow): AdminSession {
  return {
    id: row.id,
    userId: row.userId,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastSeenAt: row.lastSeenAt,
    sourceIp: row.sourceIp,
    userAgent: row.userAgent,
  };
}

export class SessionRepository {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(options: SessionRepositoryOptions) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  async create(input: {
    userId: string;
    ttlMs: number;
    sourceIp?: string;
    userAgent?: string;
  }): Promise<{ token: string; session: AdminSession }> {
    // 256 bits from the CSPRNG: unguessable, and long enough that SHA-256 without salt is safe.
    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    const rows = await this.#db
      .insert(adminSessions)
      .values({
        id: sessionIdOf(token),
        userId: input.userId,
        createdAt: now,
        expiresAt: now + input.ttlMs,
        lastSeenAt: now,
        sourceIp: input.sourceIp ?? null,
        userAgent: input.userAgent?.slice(0, 512) ?? null,
      })
      .returning();
    const row = rows[0];
    if (!row) throw new Error('session insert returned no row');
    return { token, session: toView(row) };
  }

  /** The live session and its user for a token; undefined when unknown or expired. */
  async findValid(token: string): Promise<{ session: AdminSession; user: AdminUser } | undefined> {
    const now = this.#now();
    const rows = await this.#db
      .select({ session: adminSessions, user: adminUsers })
      .from(adminSessions)
      .innerJoin(adminUsers, eq(adminSessions.userId, adminUsers.id))
      .where(and(eq(adminSessions.id, sessionIdOf(token)), gt(adminSessions.expiresAt, now)))
      .limit(1);
    const row = rows[0];
    if (!row) return undefined;
    const u = row.user;
    return {
      session: toView(row.session),
      user: adminUserView(u),
    };
  }

  /** Sliding expiry: record activity and push expiry out to now + ttlMs. */
  async touch(id: string, ttlMs: number): Promise<void> {
    const now = this.#now();
    await this.#db
      .update(adminSessions)
      .set({ lastSeenAt: now, expiresAt: now + ttlMs })
      .where(and(eq(adminSessions.id, id), gt(adminSessions.expiresAt, now)));
  }

  async revoke(token: string): Promise<boolean> {
    return this.revokeById(sessionIdOf(token));
  }

  async revokeById(id: string): Promise<boolean> {
    const rows = await this.#db
      .delete(adminSessions)
      .where(eq(adminSessions.id, id))
      .returning({ id: adminSessions.id });
    return rows.length > 0;
  }

  /**
   * Keeps `current` and the user's `keep - 1` newest other sessions, and ends the rest (concurrent
   * session limit). `current` is named because sessions made in the same millisecond tie on time.
   */
  async trimForUser(userId: string, keep: number, current: string): Promise<number> {
    const rows = await this.#db.select({ id: adminSessions.id }).from(adminSessions).where(eq(adminSessions.userId, userId)).orderBy(desc(adminSessions.createdAt));
    const others = rows.filter((r) => r.id !== current);
    const ended = others.slice(Math.max(0, keep - 1)).map((r) => r.id);
    for (const id of ended) await this.revokeById(id);
    return ended.length;
  }

  async revokeAllForUser(userId: string): Promise<number> {
    const rows = await this.#db
      .delete(adminSessions)
      .where(eq(adminSessions.userId, userId))
      .returning({ id: adminSessions.id });
    return rows.length;
  }

  async deleteExpired(): Promise<number> {
    const rows = await this.#db
      .delete(adminSessions)
      .where(lte(adminSessions.expiresAt, this.#now()))
      .returning({ id: adminSessions.id });
    return rows.length;
  }
}
