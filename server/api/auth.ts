// Session authentication: POST /auth/login issues a random token (bearer and HttpOnly cookie);
// requests carry it as `Authorization: Bearer` or the cookie. Only SHA-256(token) is stored.
import { randomBytes } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { hashPassword, verifyPassword } from '../store/index.js';
import type { ApiDeps, ApiEnv } from './types.js';
import { jsonError, readBody, remoteAddress } from './http-errors.js';
import { LoginRequest } from './schemas.js';

export const SESSION_COOKIE = 'hailing_session';
/** Refresh last_seen/expiry at most this often per session, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export function bearerOrCookie(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
    return m?.[1];
  }
  return getCookie(c, SESSION_COOKIE);
}

export function requireSession(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  const now = deps.now ?? Date.now;
  return async (c, next) => {
    const token = bearerOrCookie(c);
    const found = token === undefined ? undefined : await deps.repositories.sessions.findValid(token);
    if (!found) return jsonError(c, 401, { error: 'unauthorized' });
    if (now() - found.session.lastSeenAt >= TOUCH_INTERVAL_MS) {
      await deps.repositories.sessions.touch(found.session.id, deps.sessionTtlMs);
    }
    c.set('auth', found);
    await next();
  };
}

/** Mutations need the admin role; supervisors and agents may read. */
export function requireAdmin(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (c.get('auth').user.role !== 'admin') return jsonError(c, 403, { error: 'forbidden' });
    await next();
  };
}

function sessionCookie(token: string, maxAgeS: number, secure: boolean): string {
  // SameSite=Strict keeps the cookie off cross-site requests (CSRF); HttpOnly keeps it from scripts.
  return `${SESSION_COOKIE}=${token}; Max-Age=${maxAgeS}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function mountAuthRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const { adminUsers, sessions } = deps.repositories;
  const now = deps.now ?? Date.now;
  // Verified for unknown usernames so both failures cost one argon2 verification.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));
  // Computed up front so the first unknown-user login costs the same as the rest.
  dummy().catch((err: unknown) => deps.logger.error({ err }, 'dummy password hash failed'));

  app.post('/api/v1/auth/login', async (c) => {
    const body = await readBody(c, LoginRequest);
    if (!body.ok) return body.response;
    const { username, password } = body.value;
    const source = remoteAddress(c);
    const found = await adminUsers.findCredentials(username);
    const ok = await verifyPassword(found?.passwordHash ?? (await dummy()), password);
    if (!found || !ok) {
      deps.metrics.authFailures?.inc();
      deps.audit.record({
        actor: username.slice(0, 128),
        action: 'auth.login-failed',
        ...(source !== undefined ? { source } : {}),
      });
      return jsonError(c, 401, { error: 'invalid credentials' });
    }
    const userAgent = c.req.header('user-agent');
    const { token, session } = await sessions.create({
      userId: found.user.id,
      ttlMs: deps.sessionTtlMs,
      ...(source !== undefined ? { sourceIp: source } : {}),
      ...(userAgent !== undefined ? { userAgent } : {}),
    });
    deps.audit.record({ actor: found.user.username, action: 'auth.login', ...(source !== undefined ? { source } : {}) });
    const maxAge = Math.max(0, Math.floor((session.expiresAt - now()) / 1000));
    c.header('Set-Cookie', sessionCookie(token, maxAge, deps.secureCookies ?? false));
    c.header('Cache-Control', 'no-store');
    return c.json({ token, expiresAt: new Date(session.expiresAt).toISOString() }, 200);
  });

  app.post('/api/v1/auth/logout', requireSession(deps), async (c) => {
    const { user, session } = c.get('auth');
    await sessions.revokeById(session.id);
    const source = remoteAddress(c);
    deps.audit.record({ actor: user.username, action: 'auth.logout', ...(source !== undefined ? { source } : {}) });
    c.header('Set-Cookie', sessionCookie('', 0, deps.secureCookies ?? false));
    return c.body(null, 204);
  });
}
