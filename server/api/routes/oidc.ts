// Single sign-on routes (OpenID Connect, server/users/oidc-sign-on.ts). The browser goes to
// /auth/oidc/start, signs in at the provider, and comes back to /auth/oidc/callback, which makes or
// refreshes the user from its groups (as directory sign-in does) and ends on the console page it
// started from: signed in, at the TOTP step (?mfaToken=) or with the reason it was refused (?ssoError=).
import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { admitDirectoryUser } from '../directory-login.js';
import { issueSession } from '../auth.js';
import { jsonError, remoteAddress } from '../http-errors.js';
import type { AccessControl } from '../access.js';
import type { MfaChallenges } from './mfa.js';
import type { ApiDeps, ApiEnv } from '../types.js';

const STATE_COOKIE = 'hailing_oidc_state';
const DIRECTORY = 'oidc';

/** a path on this console, never another origin ("//evil.example" is protocol-relative) */
function safeReturn(raw: string | undefined): string {
  return raw !== undefined && /^\/(?![/\\])[\x21-\x7e]{0,500}$/.test(raw) ? raw : '/';
}

function withParam(path: string, key: string, value: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

export function mountOidcRoutes(app: Hono<ApiEnv>, deps: ApiDeps, o: { readonly access: AccessControl; readonly challenges: MfaChallenges }): void {
  const now = deps.now ?? Date.now;
  const sso = deps.oidc;

  app.get('/api/v1/auth/oidc', (c) => c.json({ enabled: sso !== undefined }));

  app.get('/api/v1/auth/oidc/start', async (c) => {
    if (sso === undefined) return jsonError(c, 404, { error: 'not configured', reason: 'single sign-on is not configured (HAILING_OIDC_ISSUER)' });
    let started: { url: string; state: string };
    try {
      started = await sso.start(safeReturn(c.req.query('return')));
    } catch (err) {
      deps.logger.warn({ err }, 'single sign-on: the provider could not be reached');
      return jsonError(c, 503, { error: 'provider unavailable', reason: 'the sign-on provider did not answer; retry shortly' });
    }
    // Lax, not Strict: the provider sends the browser back with a cross-site top-level GET
    c.header('Set-Cookie', `${STATE_COOKIE}=${started.state}; Max-Age=600; Path=/api/v1/auth/oidc; HttpOnly; SameSite=Lax${deps.secureCookies ? '; Secure' : ''}`);
    c.header('Cache-Control', 'no-store');
    return c.redirect(started.url, 302);
  });

  app.get('/api/v1/auth/oidc/callback', async (c) => {
    if (sso === undefined) return jsonError(c, 404, { error: 'not configured', reason: 'single sign-on is not configured (HAILING_OIDC_ISSUER)' });
    const state = c.req.query('state');
    const bound = getCookie(c, STATE_COOKIE);
    c.header('Set-Cookie', `${STATE_COOKIE}=; Max-Age=0; Path=/api/v1/auth/oidc; HttpOnly; SameSite=Lax`, { append: true });
    c.header('Cache-Control', 'no-store');
    // login CSRF: the answer must come back to the browser that started the sign-in
    if (state === undefined || bound === undefined || state !== bound) return refused(c, '/', 'this sign-in was not started in this browser; start again');
    const source = remoteAddress(c);
    const audited = source !== undefined ? { source } : {};
    let finished: Awaited<ReturnType<typeof sso.finish>>;
    try {
      finished = await sso.finish(new URL(c.req.url).search, state);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      deps.audit.record({ actor: 'unknown', action: 'auth.login-failed', ...audited, detail: { directory: DIRECTORY, reason } });
      return refused(c, '/', `single sign-on failed: ${reason}`);
    }
    const { identity, returnTo } = finished;
    const local = await deps.repositories.adminUsers.findByUsername(identity.username);
    const outcome = await admitDirectoryUser(c, deps, o.access, { directory: DIRECTORY, ...identity, local, audited });
    if (outcome.kind === 'refused') {
      const body = (await outcome.response.json()) as { reason?: string };
      return refused(c, returnTo, body.reason ?? 'refused');
    }
    if (outcome.kind === 'failed') {
      deps.audit.record({ actor: identity.username, action: 'auth.login-failed', ...audited, detail: { directory: DIRECTORY, reason: 'a local account has this name' } });
      return refused(c, returnTo, `the account ${identity.username} is a local one: sign in with its password`);
    }
    const user = outcome.user;
    if (user.disabled) return refused(c, returnTo, 'this account is disabled');
    if (user.totpEnabled) {
      const challenge = o.challenges.issue({ userId: user.id, username: user.username, now: now() });
      deps.audit.record({ actor: user.username, action: 'auth.password-ok', ...audited, detail: { directory: DIRECTORY, next: 'totp', amr: identity.amr } });
      return c.redirect(withParam(returnTo, 'mfaToken', challenge.token), 302);
    }
    deps.audit.record({ actor: user.username, action: 'auth.login', ...audited, detail: { directory: DIRECTORY, amr: identity.amr } });
    await issueSession(c, deps, o.access, user); // sets the session cookie on this response
    return c.redirect(returnTo, 302);
  });
}

function refused(c: Context<ApiEnv>, returnTo: string, reason: string): Response {
  return c.redirect(withParam(returnTo, 'ssoError', reason), 302);
}
