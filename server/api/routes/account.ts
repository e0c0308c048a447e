// The signed-in user's own account: who am I (GET /auth/session) and the password change
// (POST /auth/password), the two routes, with logout, that a user holding a one-time password may
// use. A wrong current password counts as a failed login (the same lockout), so a stolen session
// cannot be used to guess the password; a change revokes every session of the user and issues a
// new one.
import type { Hono } from 'hono';
import type { ConcurrencyGate } from '../../security/concurrency-gate.js';
import type { LoginGuard } from '../../security/login-guard.js';
import { loginSourceGroup } from '../../security/address-group.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { jsonError, readBody, remoteAddress } from '../http-errors.js';
import { PasswordChange } from '../schemas.js';
import { issueSession, requireSession, tooManyAttempts } from '../auth.js';
import type { AccessControl } from '../access.js';
import { passwordPolicyProblem, type SecurityPolicy } from '../../users/index.js';

export interface AccountRouteOptions {
  readonly guard: LoginGuard;
  readonly hashing: ConcurrencyGate;
  readonly verify: (hash: string, password: string) => Promise<boolean>;
  readonly access: AccessControl;
}

/** why a new password is refused under the policy (length, classes, history), or undefined */
async function passwordProblem(o: { policy: SecurityPolicy; username: string; current: string; next: string; history: readonly string[]; verify: (hash: string, password: string) => Promise<boolean> }): Promise<string | undefined> {
  if (o.next === o.current) return 'the new password must differ from the current one';
  const problem = passwordPolicyProblem({ policy: o.policy, username: o.username, password: o.next });
  if (problem !== undefined) return problem;
  for (const old of o.history.slice(0, o.policy.password.history)) {
    if (await o.verify(old, o.next)) return `the new password must differ from the last ${o.policy.password.history} passwords`;
  }
  return undefined;
}

export function mountAccountRoutes(app: Hono<ApiEnv>, deps: ApiDeps, o: AccountRouteOptions): void {
  const { adminUsers, sessions } = deps.repositories;
  const now = deps.now ?? Date.now;

  app.get('/api/v1/auth/session', requireSession(deps), (c) => {
    const { user, session, permissions, pending } = c.get('auth');
    c.header('Cache-Control', 'no-store');
    return c.json({
      username: user.username,
      role: user.role,
      roles: [...user.roles],
      permissions: [...permissions].sort(),
      extensions: [...user.extensions],
      mfaEnabled: user.totpEnabled,
      mustChangePassword: pending === 'password-change',
      mfaEnrolmentRequired: pending === 'mfa-enrolment',
      expiresAt: new Date(session.expiresAt).toISOString(),
    });
  });

  app.post('/api/v1/auth/password', requireSession(deps), async (c) => {
    const body = await readBody(c, PasswordChange);
    if (!body.ok) return body.response;
    const { currentPassword, newPassword } = body.value;
    const { user } = c.get('auth');
    if (user.directory !== null) return jsonError(c, 409, { error: 'directory account', reason: `the password of this account is kept by the ${user.directory} directory: change it there`, field: 'newPassword' });
    const source = remoteAddress(c);
    const attempt = { account: user.username.slice(0, 128), source: source === undefined ? undefined : loginSourceGroup(source) };
    const refusal = o.guard.admit({ ...attempt, now: now() });
    if (refusal) return tooManyAttempts(c, refusal.retryAfterMs);
    const found = await adminUsers.findCredentials(user.username);
    const checked = found ? o.hashing.run(() => o.verify(found.passwordHash, currentPassword)) : Promise.resolve(false);
    if (checked === undefined) {
      o.guard.abandon(attempt);
      c.header('Retry-After', '1');
      return jsonError(c, 503, { error: 'busy', reason: 'too many password checks at once; retry shortly' });
    }
    const ok = await checked.catch((err: unknown) => {
      o.guard.abandon(attempt);
      throw err;
    });
    const audited = source !== undefined ? { source } : {};
    if (!ok || !found) {
      o.guard.failure({ ...attempt, now: now() });
      deps.audit.record({ actor: user.username, action: 'auth.password-change-failed', ...audited });
      return jsonError(c, 400, { error: 'wrong password', reason: 'the current password is wrong', field: 'currentPassword' });
    }
    o.guard.success(attempt);
    const policy = await o.access.policy.current();
    const problem = await passwordProblem({ policy, username: user.username, current: currentPassword, next: newPassword, history: found.history, verify: o.verify });
    if (problem !== undefined) return jsonError(c, 400, { error: 'password rejected', reason: problem, field: 'newPassword' });
    await adminUsers.setPassword(user.id, newPassword);
    // every other browser or token signed in with the old password is signed out
    await sessions.revokeAllForUser(user.id);
    deps.audit.record({ actor: user.username, action: 'auth.password-changed', target: user.username, ...audited });
    const changed = await adminUsers.get(user.id);
    return issueSession(c, deps, o.access, changed ?? user);
  });
}
