// First start: make sure an admin account exists, so a fresh install can be administered.
import { randomBytes } from 'node:crypto';
import type { AdminRole, AdminUserRepository } from '../store/index.js';
import type { ApiLogger } from './types.js';

export interface EnsureAdminOptions {
  repo: AdminUserRepository;
  /** from the environment; with password, creates that admin instead of a generated one */
  username?: string;
  password?: string;
  /** the mlps3 profile: the first account is the security admin only */
  separated?: boolean;
  logger: ApiLogger;
}

export interface EnsureAdminResult {
  readonly created: boolean;
  readonly username: string;
  /** only when generated: shown once to the operator, stored only as argon2id */
  readonly oneTimePassword?: string;
}

/**
 * The first account holds every administrator role, so one person can set up a fresh install; with
 * three-way separation (mlps3) it is the security admin alone, who then creates the system admin
 * and the auditor.
 */
export function firstAdminRoles(separated: boolean): AdminRole[] {
  return separated ? ['security-admin'] : ['admin', 'security-admin', 'auditor'];
}

export async function ensureAdmin(options: EnsureAdminOptions): Promise<EnsureAdminResult> {
  const { repo, logger } = options;
  const roles = firstAdminRoles(options.separated ?? false);
  const admins = (await repo.list()).filter((u) => u.roles.includes('admin') || u.roles.includes('security-admin'));
  if (admins.length > 0) return { created: false, username: admins[0]?.username ?? '' };
  const username = options.username && options.username.length > 0 ? options.username : 'admin';
  const given = options.password !== undefined && options.password.length > 0;
  if (given && (options.password ?? '').length < 8) {
    throw new Error('the configured admin password must be at least 8 characters');
  }
  const password = given ? (options.password ?? '') : randomBytes(18).toString('base64url');
  const existing = await repo.findByUsername(username);
  if (existing) {
    // A non-admin account already holds the name: promote it only with explicit credentials.
    if (!given) throw new Error(`no admin exists and user "${username}" is not an admin; set admin credentials`);
    await repo.setPassword(existing.id, password);
    await repo.update(existing.id, { roles });
    logger.warn({ username }, 'promoted existing user to admin with the configured password');
    return { created: true, username };
  }
  // a generated password was shown on a console and in scrollback: it must be replaced at first use
  const user = await repo.create({ username, password, roles, mustChangePassword: !given });
  if (!user) throw new Error(`could not create admin user "${username}"`);
  logger.warn({ username, generated: !given }, 'created the first admin account');
  return given ? { created: true, username } : { created: true, username, oneTimePassword: password };
}
