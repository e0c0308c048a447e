// Admin accounts. Views never carry the password hash; only findCredentials() does, for login.
import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { adminUsers, type AdminRole, type AdminUserRow } from '../schema/admin-users.js';
import { hashPassword } from '../credentials.js';

export interface AdminUser {
  readonly id: string;
  readonly username: string;
  readonly role: AdminRole;
  /** signed in with a generated one-time password: must choose a password before anything else */
  readonly mustChangePassword: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AdminUserRepositoryOptions {
  db: Db;
  now?: () => number;
}

export function adminUserView(row: AdminUserRow): AdminUser {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    mustChangePassword: row.mustChangePassword,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
const toView = adminUserView;

export class AdminUserRepository {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(options: AdminUserRepositoryOptions) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  /** undefined when the username is taken. */
  async create(input: { username: string; password: string; role?: AdminRole; mustChangePassword?: boolean }): Promise<AdminUser | undefined> {
    const now = this.#now();
    const passwordHash = await hashPassword(input.password);
    const rows = await this.#db
      .insert(adminUsers)
      .values({
        id: randomUUID(),
        username: input.username,
        passwordHash,
        role: input.role ?? 'admin',
        mustChangePassword: input.mustChangePassword ?? false,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    const row = rows[0];
    return row ? toView(row) : undefined;
  }

  async get(id: string): Promise<AdminUser | undefined> {
    const rows = await this.#db.select().from(adminUsers).where(eq(adminUsers.id, id)).limit(1);
    const row = rows[0];
    return row ? toView(row) : undefined;
  }

  async findByUsername(username: string): Promise<AdminUser | undefined> {
    const found = await this.findCredentials(username);
    return found?.user;
  }

  /** The user and its argon2id hash, for password verification only. */
  async findCredentials(username: string): Promise<{ user: AdminUser; passwordHash: string } | undefined> {
    const rows = await this.#db.select().from(adminUsers).where(eq(adminUsers.username, username)).limit(1);
    const row = rows[0];
    return row ? { user: toView(row), passwordHash: row.passwordHash } : undefined;
  }

  async list(): Promise<AdminUser[]> {
    const rows = await this.#db.select().from(adminUsers).orderBy(adminUsers.username);
    return rows.map(toView);
  }

  async countByRole(role: AdminRole): Promise<number> {
    const rows = await this.#db.select({ n: count() }).from(adminUsers).where(eq(adminUsers.role, role));
    return rows[0]?.n ?? 0;
  }

  /** a password the user chose clears mustChangePassword; a generated one sets it (options) */
  async setPassword(id: string, password: string, options: { mustChangePassword?: boolean } = {}): Promise<boolean> {
    const passwordHash = await hashPassword(password);
    const rows = await this.#db
      .update(adminUsers)
      .set({ passwordHash, mustChangePassword: options.mustChangePassword ?? false, updatedAt: this.#now() })
      .where(eq(adminUsers.id, id))
      .returning({ id: adminUsers.id });
    return rows.length > 0;
  }

  async setRole(id: string, role: AdminRole): Promise<boolean> {
    const rows = await this.#db
      .update(adminUsers)
      .set({ role, updatedAt: this.#now() })
      .where(eq(adminUsers.id, id))
      .returning({ id: adminUsers.id });
    return rows.length > 0;
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.#db.delete(adminUsers).where(eq(adminUsers.id, id)).returning({ id: adminUsers.id });
    return rows.length > 0;
  }
}
