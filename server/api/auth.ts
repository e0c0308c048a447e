// Session authentication: POST /auth/login issues a random token (bearer and HttpOnly cookie);
// requests carry it as `Authorization: Bearer` or the cookie. Only SHA-256(token) is stored.
import { randomBytes } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { hashPassword, verifyPassword } from '../store/index.js';
import { ConcurrencyGate } from '../security/concurrency-gate.js';
import { LoginGuard } from '../security/login-guard.js';
import { loginSourceGroup } from '../security/address-group.js';
import type { ApiDeps, ApiEnv } from './types.js';
import { jsonError, readBody, remoteAddress } from './http-errors.js';
import { LoginRequest } from './schemas.js';
import { mountAccountRoutes } from './routes/account.js';
import { MfaChallenges, mountMfaRoutes } from './routes/mfa.js';
import { mountOidcRoutes } from './routes/oidc.js';
import type { AccessControl } from './access.js';
import { directoryOwns, directorySignIn } from './directory-login.js';
import type { AdminUser } from '../store/index.js';

export const SESSION_COOKIE = 'hailing_session';

export function bearerOrCookie(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
    return m?.[1];
  }
  return getCookie(c, SESSION_COOKIE);
}

/** The 403 every route but the password change answers while a one-time password is in use. */
export function passwordChangeRequired(c: Context): Response {
  return jsonError(c, 403, {
    error: 'password change required',
    reason: 'the one-time password must be replaced first: POST /api/v1/auth/password',
    mustChangePassword: true,
  });
}

export interface RequireSessionOptions {
  /** kept for callers of the earlier API: which routes a pending user may use is in the route table */
  readonly allowPendingPasswordChange?: boolean;
}

/**
 * The caller is known: the authorizer (authorize.ts) resolved it before any handler ran. Kept so
 * that routes can say so in their middleware list; the permission check itself is the authorizer's.
 */
export function requireSession(_deps?: ApiDeps, _options: RequireSessionOptions = {}): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (c.get('auth') === undefined) return jsonError(c, 401, { error: 'unauthorized' });
    await next();
  };
}

/** For routes that are not in the route table yet: the admin role (the default for unclassified routes). */
export function requireAdmin(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!c.get('auth').user.roles.includes('admin')) return jsonError(c, 403, { error: 'forbidden' });
    await next();
  };
}

/** RFC 6585 §4: 429 Too Many Requests, with Retry-After in whole seconds (RFC 9110 §10.2.3). */
export function tooManyAttempts(c: Context, retryAfterMs: number): Response {
  c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return jsonError(c, 429, { error: 'too many attempts', reason: 'login temporarily refused; retry later' });
}

export function sessionCookie(token: string, maxAgeS: number, secure: boolean): string {
  // SameSite=Strict keeps the cookie off cross-site requests (CSRF); HttpOnly keeps it from scripts.
  return `${SESSION_COOKIE}=${token}; Max-Age=${maxAgeS}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/**
 * A new session for a user whose sign-in is complete (or pending only the account steps): the
 * concurrent session limit ends the oldest ones, the cookie is set, and the body says what remains.
 */
export async function issueSession(c: Context<ApiEnv>, deps: ApiDeps, access: AccessControl, user: AdminUser): Promise<Response> {
  const now = deps.now ?? Date.now;
  const policy = await access.policy.current();
  const source = remoteAddress(c);
  const userAgent = c.req.header('user-agent');
  const ttlMs = Math.min(deps.sessionTtlMs, policy.session.idleTimeoutMs);
  const { token, session } = await deps.repositories.sessions.create({
    userId: user.id,
    ttlMs,
    ...(source !== undefined ? { sourceIp: source } : {}),
    ...(userAgent !== undefined ? { userAgent } : {}),
  });
  if (policy.session.maxConcurrent > 0) {
    const ended = await deps.repositories.sessions.trimForUser(user.id, policy.session.maxConcurrent, session.id);
    if (ended > 0) deps.audit.record({ actor: 'system', action: 'auth.session-limit', target: user.username, detail: { ended, limit: policy.session.maxConcurrent } });
  }
  const maxAge = Math.max(0, Math.floor((session.expiresAt - now()) / 1000));
  c.header('Set-Cookie', sessionCookie(token, maxAge, deps.secureCookies ?? false));
  c.header('Cache-Control', 'no-store');
  const pending = access.pendingOf(policy, user, now());
  return c.json(
    {
      token,
      expiresAt: new Date(session.expiresAt).toISOString(),
      mustChangePassword: pending === 'password-change',
      mfaEnrolmentRequired: pending === 'mfa-enrolment',
    },
    200,
  );
}

export function mountAuthRoutes(app: Hono<ApiEnv>, deps: ApiDeps, access: AccessControl): void {
  const { adminUsers, sessions } = deps.repositories;
  const now = deps.now ?? Date.now;
  // Verified for unknown usernames so both failures cost one argon2 verification.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));
  // Computed up front so the first unknown-user login costs the same as the rest.
  dummy().catch((err: unknown) => deps.logger.error({ err }, 'dummy password hash failed'));

  const guard = new LoginGuard(deps.loginPolicy);
  const hashing = new ConcurrencyGate(deps.passwordHashing);
  const verify = deps.verifyPassword ?? verifyPassword;

  app.post('/api/v1/auth/login', async (c) => {
    const body = await readBody(c, LoginRequest);
    if (!body.ok) return body.response;
    const { username, password } = body.value;
    const source = remoteAddress(c);
    const account = username.slice(0, 128);
    // Sources are counted per network (an IPv6 /64), or one host would get endless budgets.
    const group = source === undefined ? undefined : loginSourceGroup(source);
    const attempt = { account, source: group };
    // Throttling and lockout come first, so a refused attempt costs no hashing (issue 18 §8).
    const refusal = guard.admit({ ...attempt, now: now() });
    if (refusal) return tooManyAttempts(c, refusal.retryAfterMs);
    const found = await adminUsers.findCredentials(username).catch((err: unknown) => {
      guard.abandon(attempt);
      throw err;
    });
    const audited = source !== undefined ? { source } : {};
    const busy = () => {
      guard.abandon(attempt);
      // RFC 9110 §15.6.4: 503 with Retry-After when the server is temporarily overloaded
      c.header('Retry-After', '1');
      return jsonError(c, 503, { error: 'busy', reason: 'too many logins at once; retry shortly' });
    };
    let user: AdminUser | undefined;
    const directory = deps.directory;
    if (directory !== undefined && directoryOwns(deps, found?.user)) {
      // a directory bind holds a connection like a hash holds memory: the same gate bounds both
      const asked = hashing.run(async () => directory.authenticate(username, password));
      if (asked === undefined) return busy();
      const verdict = await asked.catch((err: unknown) => {
        guard.abandon(attempt);
        throw err;
      });
      const outcome = await directorySignIn(c, deps, access, { username, verdict, local: found?.user, audited });
      if (outcome.kind === 'refused') {
        guard.abandon(attempt);
        return outcome.response;
      }
      user = outcome.kind === 'user' ? outcome.user : undefined;
    } else {
      // Unknown users are verified against the dummy hash: the same work, time and memory.
      const stored = found?.passwordHash;
      const checked = hashing.run(async () => verify(stored ?? (await dummy()), password));
      if (checked === undefined) return busy();
      const ok = await checked.catch((err: unknown) => {
        guard.abandon(attempt);
        throw err;
      });
      user = ok ? found?.user : undefined;
    }
    if (user === undefined) {
      deps.metrics.authFailures?.inc();
      deps.audit.record({ actor: account, action: 'auth.login-failed', ...audited });
      for (const lock of guard.failure({ ...attempt, now: now() })) {
        deps.audit.record({
          actor: 'system',
          action: 'auth.lockout',
          target: lock.key,
          ...audited,
          detail: { scope: lock.scope, failures: lock.failures, until: new Date(lock.until).toISOString() },
        });
      }
      return jsonError(c, 401, { error: 'invalid credentials' });
    }
    if (user.disabled) {
      guard.abandon(attempt);
      return jsonError(c, 403, { error: 'account disabled' });
    }
    if (user.totpEnabled) {
      // the second factor decides: the failure count stays until the code is right (mfa.ts)
      guard.abandon(attempt);
      const challenge = challenges.issue({ userId: user.id, username: user.username, now: now() });
      deps.audit.record({ actor: user.username, action: 'auth.password-ok', ...audited, detail: { next: 'totp' } });
      c.header('Cache-Control', 'no-store');
      return c.json({ mfaRequired: true, mfaToken: challenge.token, expiresAt: new Date(challenge.expiresAt).toISOString() }, 200);
    }
    guard.success(attempt);
    deps.audit.record({ actor: user.username, action: 'auth.login', ...audited });
    return issueSession(c, deps, access, user);
  });

  const challenges = new MfaChallenges();
  mountMfaRoutes(app, deps, { access, guard, challenges });
  mountAccountRoutes(app, deps, { guard, hashing, verify, access });
  mountOidcRoutes(app, deps, { access, challenges });

  app.post('/api/v1/auth/logout', requireSession(deps), async (c) => {
    const { user, session } = c.get('auth');
    await sessions.revokeById(session.id);
    const source = remoteAddress(c);
    deps.audit.record({ actor: user.username, action: 'auth.logout', ...(source !== undefined ? { source } : {}) });
    c.header('Set-Cookie', sessionCookie('', 0, deps.secureCookies ?? false));
    return c.body(null, 204);
  });
}
