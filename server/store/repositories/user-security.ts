// Recovery codes, API tokens and the security settings row. Codes and tokens are stored only as
// SHA-256 of 128+ random bits: unguessable, so an unsalted fast hash is enough (as for sessions).
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../database.js';
import { apiTokens, securitySettings, userRecoveryCodes } from '../schema/admin-users.js';
import { adminUsers } from '../schema/admin-users.js';
import { adminUserView, type AdminUser } from './admin-users.js';
import { sha256Hex } from '../credentials.js';

export interface ApiToken {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly permissions: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastUsedAt: number | null;
  readonly lastUsedFrom: string | null;
  readonly revokedAt: number | null;
}

/** Bearer tokens for integrations start with this, so a session token is never looked up here. */
export const API_TOKEN_PREFIX = 'hlg_';

export interface UserSecurityRepositoryOptions {
  db: Db;
  now?: () => number;
}

type TokenRow = typeof apiTokens.$inferSelect;
const tokenView = (r: TokenRow): ApiToken => ({
  id: r.publicId,
  userId: r.userId,
  name: r.name,
  permissions: r.permissions,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
  lastUsedAt: r.lastUsedAt,
  lastUsedFrom: r.lastUsedFrom,
  revokedAt: r.revokedAt,
});

export class UserSecurityRepository {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(options: UserSecurityRepositoryOptions) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  /** Replaces the user's recovery codes with `count` new ones; returns them (shown once). */
  async newRecoveryCodes(userId: string, count: number): Promise<string[]> {
    // 10 characters of base32-like text: 50 bits each, grouped for reading aloud
    const codes = Array.from({ length: count }, () => {
      const raw = randomBytes(10).toString('hex').slice(0, 10);
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    await this.#db.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
    await this.#db.insert(userRecoveryCodes).values(codes.map((c) => ({ userId, codeHash: sha256Hex(c), usedAt: null })));
    return codes;
  }

  /** true once per code: the UPDATE only matches an unused row, so two uses cannot both succeed */
  async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    const normalised = code.trim().toLowerCase();
    const rows = await this.#db
      .update(userRecoveryCodes)
      .set({ usedAt: this.#now() })
      .where(and(eq(userRecoveryCodes.userId, userId), eq(userRecoveryCodes.codeHash, sha256Hex(normalised)), isNull(userRecoveryCodes.usedAt)))
      .returning({ id: userRecoveryCodes.id });
    return rows.length > 0;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const rows = await this.#db.select({ id: userRecoveryCodes.id }).from(userRecoveryCodes).where(and(eq(userRecoveryCodes.userId, userId), isNull(userRecoveryCodes.usedAt)));
    return rows.length;
  }

  async clearRecoveryCodes(userId: string): Promise<void> {
    await this.#db.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
  }

  /** A new token; the secret is returned here only. */
  async createToken(input: { userId: string; name: string; permissions: readonly string[]; expiresAt: number }): Promise<{ token: string; view: ApiToken }> {
    const publicId = randomBytes(6).toString('hex');
    const token = `${API_TOKEN_PREFIX}${publicId}_${randomBytes(32).toString('base64url')}`;
    const rows = await this.#db
      .insert(apiTokens)
      .values({ id: sha256Hex(token), publicId, userId: input.userId, name: input.name, permissions: [...input.permissions], createdAt: this.#now(), expiresAt: input.expiresAt })
      .returning();
    const row = rows[0];
    if (!row) throw new Error('token insert returned no row');
    return { token, view: tokenView(row) };
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    const rows = await this.#db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(apiTokens.createdAt);
    return rows.map(tokenView);
  }

  async revokeToken(userId: string, publicId: string): Promise<boolean> {
    const rows = await this.#db
      .update(apiTokens)
      .set({ revokedAt: this.#now() })
      .where(and(eq(apiTokens.userId, userId), eq(apiTokens.publicId, publicId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    return rows.length > 0;
  }

  /** The live token and its owner; records the use (time and source). */
  async useToken(token: string, source: string | undefined): Promise<{ token: ApiToken; user: AdminUser } | undefined> {
    const now = this.#now();
    const rows = await this.#db
      .select({ token: apiTokens, user: adminUsers })
      .from(apiTokens)
      .innerJoin(adminUsers, eq(apiTokens.userId, adminUsers.id))
      .where(and(eq(apiTokens.id, sha256Hex(token)), isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, now)))
      .limit(1);
    const row = rows[0];
    if (!row) return undefined;
    await this.#db.update(apiTokens).set({ lastUsedAt: now, lastUsedFrom: source ?? null }).where(eq(apiTokens.id, row.token.id));
    return { token: { ...tokenView(row.token), lastUsedAt: now, lastUsedFrom: source ?? null }, user: adminUserView(row.user) };
  }

  async setting(key: string): Promise<string | undefined> {
    const rows = await this.#db.select().from(securitySettings).where(eq(securitySettings.key, key)).limit(1);
    return rows[0]?.value;
  }

  async setSetting(key: string, value: string, by: string): Promise<void> {
    const now = this.#now();
    await this.#db
      .insert(securitySettings)
      .values({ key, value, updatedAt: now, updatedBy: by })
      .onConflictDoUpdate({ target: securitySettings.key, set: { value, updatedAt: now, updatedBy: by } });
  }
}
