// The directory half of POST /auth/login: a name that is not a local account (or is one the
// directory owns) is checked against LDAP/AD. A right password makes or refreshes the local user
// with the roles its groups map to; the rest of sign-in (disabled, MFA, session) is the same as for
// a local account. Local accounts are never shadowed by a directory entry of the same name.
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { AdminUser } from '../store/index.js';
import type { DirectoryVerdict } from '../users/ldap-directory.js';
import { separationConflict, type UserRole } from '../users/roles.js';
import { jsonError } from './http-errors.js';
import type { AccessControl } from './access.js';
import type { ApiDeps, ApiEnv } from './types.js';

export const DIRECTORY = 'ldap';

/** the directory decides for this name: none of the local accounts own it */
export function directoryOwns(deps: ApiDeps, local: AdminUser | undefined): boolean {
  return deps.directory !== undefined && (local === undefined || local.directory === DIRECTORY);
}

export type DirectoryOutcome =
  /** right password and a role: the local user, made or refreshed */
  | { readonly kind: 'user'; readonly user: AdminUser }
  /** wrong password or unknown name: a failed sign-in like a local one */
  | { readonly kind: 'failed' }
  /** an answer that is not a failed attempt (no role, directory down, separation) */
  | { readonly kind: 'refused'; readonly response: Response };

/**
 * What the LDAP directory's verdict means for this sign-in. `audited` carries the source address for
 * the audit rows.
 */
export async function directorySignIn(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  access: AccessControl,
  o: { readonly username: string; readonly verdict: DirectoryVerdict; readonly local: AdminUser | undefined; readonly audited: { source?: string } },
): Promise<DirectoryOutcome> {
  const { verdict } = o;
  if (!verdict.ok && verdict.reason === 'invalid-credentials') return { kind: 'failed' };
  if (!verdict.ok && verdict.reason === 'unavailable') {
    // the detail can name hosts and DNs, never the password (ldapts does not echo it)
    deps.logger.warn({ detail: verdict.detail }, 'directory sign-in: the directory could not be asked');
    c.header('Retry-After', '5');
    return { kind: 'refused', response: jsonError(c, 503, { error: 'directory unavailable', reason: 'the sign-in directory did not answer; retry shortly' }) };
  }
  const identity = verdict.ok ? { roles: verdict.user.roles, displayName: verdict.user.displayName, groups: verdict.user.groups } : { roles: [], displayName: null, groups: verdict.groups };
  return admitDirectoryUser(c, deps, access, { ...o, directory: DIRECTORY, ...identity });
}

/**
 * A person the directory `directory` vouched for: refused without a mapped role or against the
 * separation of duties, otherwise the local user made or refreshed from the groups.
 */
export async function admitDirectoryUser(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  access: AccessControl,
  o: {
    readonly directory: string;
    readonly username: string;
    readonly roles: readonly UserRole[];
    readonly displayName: string | null;
    readonly groups: readonly string[];
    readonly local: AdminUser | undefined;
    readonly audited: { source?: string };
  },
): Promise<DirectoryOutcome> {
  const { directory, username, roles, displayName, audited } = o;
  if (roles.length === 0) {
    deps.audit.record({ actor: username, action: 'auth.login-refused', ...audited, detail: { directory, reason: 'no role', groups: o.groups } });
    return { kind: 'refused', response: jsonError(c, 403, { error: 'no role', reason: 'none of your directory groups is mapped to a Hailing role; ask an administrator' }) };
  }
  if ((await access.policy.current()).separationOfDuties) {
    const clash = separationConflict(roles);
    if (clash !== undefined) {
      deps.audit.record({ actor: username, action: 'auth.login-refused', ...audited, detail: { directory, reason: clash } });
      return { kind: 'refused', response: jsonError(c, 403, { error: 'separation of duties', reason: `your directory groups map to two administrator roles: ${clash}` }) };
    }
  }
  // an account of that name that this directory did not make is never taken over
  if (o.local !== undefined && o.local.directory !== directory) return { kind: 'failed' };
  const users = deps.repositories.adminUsers;
  let user: AdminUser | undefined;
  if (o.local !== undefined) {
    const changed = o.local.roles.join() !== roles.join() || o.local.displayName !== displayName;
    user = changed ? await users.update(o.local.id, { roles, displayName }) : o.local;
    if (changed) deps.audit.record({ actor: 'system', action: 'user.roles-from-directory', target: username, detail: { directory, roles, previous: o.local.roles } });
  } else {
    // the directory holds the password; the local hash is of a random one nobody knows
    user = await users.create({ username, password: randomBytes(32).toString('base64url'), roles, displayName, directory });
    if (user !== undefined) deps.audit.record({ actor: 'system', action: 'user.created-from-directory', target: username, detail: { directory, roles } });
  }
  // a local account of that name appeared in between: it wins, and this attempt is a failure
  if (user === undefined || user.directory !== directory) return { kind: 'failed' };
  return { kind: 'user', user };
}
