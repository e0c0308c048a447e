// User accounts. Views never carry the password hash or the TOTP secret; only findCredentials()
// and totp() do, for sign-in.
import { randomUUID } from 'node:crypto';
import { eq, like } from 'drizzle-orm';
import type { Db } from '../database.js';
import { adminUsers, type AdminRole, type AdminUserRow } from '../schema/admin-users.js';
import { hashPassword } from '../credentials.js';

export interface AdminUser {
  readonly id: string;
  readonly username: string;
  /** the first of roles (readers of the single-role model) */
  readonly role: AdminRole;
  readonly roles: readonly AdminRole[];
  readonly displayName: string | null;
  /** extension numbers an agent answers on */
  readonly extensions: readonly string[];
  /** ACD queue ids and team names a supervisor oversees */
  readonly queues: readonly string[];
  readonly teams: readonly string[];
  readonly disabled: boolean;
  /** the directory that signs this user in ('ldap'); null: a local account */
  readonly directory: string | null;
  /** signed in with a generated one-time password: must choose a password before anything else */
  readonly mustChangePassword: boolean;
  /** ms since epoch; null for accounts older than the password policy */
  readonly passwordChangedAt: number | null;
  /** TOTP is enrolled and confirmed */
  readonly totpEnabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AdminUserInput {
  readonly roles?: readonly AdminRole[];
  readonly displayName?: string | null;
  readonly extensions?: readonly string[];
  readonly queues?: readonly string[];
  readonly teams?: readonly string[];
  readonly disabled?: boolean;
}

export interface AdminUserRepositoryOptions {
  db: Db;
  now?: () => number;
}

export function adminUserView(row: AdminUserRow): AdminUser {
  const roles = row.roles.length > 0 ? row.roles : [row.role];
  return {
    id: row.id,
    username: row.username,
    role: roles[0] ?? row.role,
    roles,
    displayName: row.displayName,
    extensions: row.extensions,
    queues: row.queues.map(String),
    teams: row.teams,
    disabled: row.disabled,
    directory: row.directory,
    mustChangePassword: row.mustChangePassword,
    passwordChangedAt: row.passwordChangedAt,
    totpEnabled: row.totpEnabledAt !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
const toView = adminUserView;

/** how many previous hashes are kept for the password history policy (the strictest profile's) */
const HISTORY_KEPT = 12;

export class AdminUserRepository {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(options: AdminUserRepositoryOptions) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  /** undefined when the username is taken. `role` alone is the single-role form of `roles`. */
  async create(input: AdminUserInput & { username: string; password: string; role?: AdminRole; mustChangePassword?: boolean; directory?: string }): Promise<AdminUser | undefined> {
    const now = this.#now();
    const passwordHash = await hashPassword(input.password);
    const roles = [...(input.roles ?? [input.role ?? 'admin'])];
    const rows = await this.#db
      .insert(adminUsers)
      .values({
        id: randomUUID(),
        username: input.username,
        passwordHash,
        role: roles[0] ?? 'admin',
        roles,
        displayName: input.displayName ?? null,
        extensions: [...(input.extensions ?? [])],
        queues: [...(input.queues ?? [])],
        teams: [...(input.teams ?? [])],
        disabled: input.disabled ?? false,
        directory: input.directory ?? null,
        mustChangePassword: input.mustChangePassword ?? false,
        passwordChangedAt: now,
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

  /** The user and its argon2id hash (and previous ones), for password verification only. */
  async findCredentials(username: string): Promise<{ user: AdminUser; passwordHash: string; history: readonly string[] } | undefined> {
    const rows = await this.#db.select().from(adminUsers).where(eq(adminUsers.username, username)).limit(1);
    const row = rows[0];
    return row ? { user: toView(row), passwordHash: row.passwordHash, history: row.passwordHistory } : undefined;
  }

  async list(): Promise<AdminUser[]> {
    const rows = await this.#db.select().from(adminUsers).orderBy(adminUsers.username);
    return rows.map(toView);
  }

  async countByRole(role: AdminRole): Promise<number> {
    // roles is a JSON array of known words: a quoted match cannot hit a longer role name
    const rows = await this.#db.select({ id: adminUsers.id }).from(adminUsers).where(like(adminUsers.roles, `%"${role}"%`));
    return rows.length;
  }

  /**
   * A password the user chose clears mustChangePassword; a generated one sets it (options). The
   * old hash goes to the history, newest first.
   */
  async setPassword(id: string, password: string, options: { mustChangePassword?: boolean } = {}): Promise<boolean> {
    const rows0 = await this.#db.select().from(adminUsers).where(eq(adminUsers.id, id)).limit(1);
    const old = rows0[0];
    if (!old) return false;
    const passwordHash = await hashPassword(password);
    const now = this.#now();
    const rows = await this.#db
      .update(adminUsers)
      .set({
        passwordHash,
        passwordHistory: [old.passwordHash, ...old.passwordHistory].slice(0, HISTORY_KEPT),
        mustChangePassword: options.mustChangePassword ?? false,
        passwordChangedAt: now,
        updatedAt: now,
      })
      .where(eq(adminUsers.id, id))
      .returning({ id: adminUsers.id });
    return rows.length > 0;
  }

  async setRole(id: string, role: AdminRole): Promise<boolean> {
    return (await this.update(id, { roles: [role] })) !== undefined;
  }

  async update(id: string, input: AdminUserInput): Promise<AdminUser | undefined> {
    const set: Partial<AdminUserRow> = { updatedAt: this.#now() };
    if (input.roles !== undefined) {
      set.roles = [...input.roles];
      set.role = input.roles[0] ?? 'agent';
    }
    if (input.displayName !== undefined) set.displayName = input.displayName;
    if (input.extensions !== undefined) set.extensions = [...input.extensions];
    if (input.queues !== undefined) set.queues = [...input.queues];
    if (input.teams !== undefined) set.teams = [...input.teams];
    if (input.disabled !== undefined) set.disabled = input.disabled;
    const rows = await this.#db.update(adminUsers).set(set).where(eq(adminUsers.id, id)).returning();
    const row = rows[0];
    return row ? toView(row) : undefined;
  }

  /** The TOTP secret (confirmed or pending) and the last accepted time step. */
  async totp(id: string): Promise<{ secret: string | null; enabled: boolean; lastStep: number | null } | undefined> {
    const rows = await this.#db.select().from(adminUsers).where(eq(adminUsers.id, id)).limit(1);
    const row = rows[0];
    return row ? { secret: row.totpSecret, enabled: row.totpEnabledAt !== null, lastStep: row.totpLastStep } : undefined;
  }

  /** enrolment: a new pending secret (not yet required at sign-in) */
  async setPendingTotp(id: string, secret: string): Promise<void> {
    await this.#db.update(adminUsers).set({ totpSecret: secret, totpEnabledAt: null, totpLastStep: null, updatedAt: this.#now() }).where(eq(adminUsers.id, id));
  }

  async enableTotp(id: string, step: number): Promise<void> {
    const now = this.#now();
    await this.#db.update(adminUsers).set({ totpEnabledAt: now, totpLastStep: step, updatedAt: now }).where(eq(adminUsers.id, id));
  }

  async acceptTotpStep(id: string, step: number): Promise<void> {
    await this.#db.update(adminUsers).set({ totpLastStep: step }).where(eq(adminUsers.id, id));
  }

  async clearTotp(id: string): Promise<void> {
    await this.#db.update(adminUsers).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: this.#now() }).where(eq(adminUsers.id, id));
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.#db.delete(adminUsers).where(eq(adminUsers.id, id)).returning({ id: adminUsers.id });
    return rows.length > 0;
  }
}
