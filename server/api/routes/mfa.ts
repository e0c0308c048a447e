// TOTP (RFC 6238) as the second sign-in factor. Sign-in with TOTP enrolled: POST /auth/login answers
// { mfaRequired, mfaToken } instead of a session; POST /auth/login/mfa with that token and a code
// (or a recovery code) completes it. A wrong code counts as a failed sign-in for the same lockout as
// a wrong password (LoginGuard), and a code is accepted once (its time step is remembered).
// Enrolment: POST /auth/mfa/totp/enrol (a pending secret and its otpauth URI), then .../confirm with
// a code from the app, which turns it on and returns ten recovery codes, shown once, stored hashed.
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { LoginGuard } from '../../security/login-guard.js';
import { loginSourceGroup } from '../../security/address-group.js';
import { newTotpSecret, otpauthUri, verifyTotp } from '../../users/index.js';
import { sha256Hex } from '../../store/credentials.js';
import type { AccessControl } from '../access.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { jsonError, readBody, remoteAddress } from '../http-errors.js';
import { issueSession, tooManyAttempts } from '../auth.js';

export const RECOVERY_CODES = 10;
const CHALLENGE_TTL_MS = 5 * 60_000;
const MAX_CHALLENGES = 10_000;

export const MfaLoginRequest = z.strictObject({
  mfaToken: z.string().min(1).max(200),
  code: z.string().regex(/^[0-9]{6}$/).optional(),
  recoveryCode: z.string().min(1).max(64).optional(),
});
export const TotpCode = z.strictObject({ code: z.string().regex(/^[0-9]{6}$/, 'a 6-digit code') });

/** Half-signed-in users between password and code; in memory, bounded, five minutes each. */
export class MfaChallenges {
  readonly #pending = new Map<string, { userId: string; username: string; expiresAt: number }>();

  issue(o: { userId: string; username: string; now: number }): { token: string; expiresAt: number } {
    if (this.#pending.size >= MAX_CHALLENGES) {
      for (const [k, v] of this.#pending) if (v.expiresAt <= o.now) this.#pending.delete(k);
      // still full: the oldest goes (Map keeps insertion order)
      if (this.#pending.size >= MAX_CHALLENGES) this.#pending.delete(this.#pending.keys().next().value ?? '');
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = o.now + CHALLENGE_TTL_MS;
    this.#pending.set(sha256Hex(token), { userId: o.userId, username: o.username, expiresAt });
    return { token, expiresAt };
  }

  find(token: string, now: number): { userId: string; username: string } | undefined {
    const key = sha256Hex(token);
    const found = this.#pending.get(key);
    if (found && found.expiresAt <= now) this.#pending.delete(key);
    return found && found.expiresAt > now ? found : undefined;
  }

  end(token: string): void {
    this.#pending.delete(sha256Hex(token));
  }
}

export interface MfaRouteOptions {
  readonly access: AccessControl;
  readonly guard: LoginGuard;
  readonly challenges: MfaChallenges;
}

export function mountMfaRoutes(app: Hono<ApiEnv>, deps: ApiDeps, o: MfaRouteOptions): void {
  const { adminUsers, userSecurity } = deps.repositories;
  const now = deps.now ?? Date.now;
  const attemptOf = (c: Context, username: string) => {
    const source = remoteAddress(c);
    return { account: username.slice(0, 128), source: source === undefined ? undefined : loginSourceGroup(source) };
  };
  const audited = (c: Context) => {
    const source = remoteAddress(c);
    return source !== undefined ? { source } : {};
  };
  /** counts a wrong code like a wrong password; audits the failure and any lock it starts */
  const failed = (c: Context, username: string, action: string) => {
    deps.metrics.authFailures?.inc();
    deps.audit.record({ actor: username, action, ...audited(c) });
    for (const lock of o.guard.failure({ ...attemptOf(c, username), now: now() })) {
      deps.audit.record({ actor: 'system', action: 'auth.lockout', target: lock.key, ...audited(c), detail: { scope: lock.scope, failures: lock.failures, until: new Date(lock.until).toISOString() } });
    }
  };

  app.post('/api/v1/auth/login/mfa', async (c) => {
    const body = await readBody(c, MfaLoginRequest);
    if (!body.ok) return body.response;
    const { mfaToken, code, recoveryCode } = body.value;
    if ((code === undefined) === (recoveryCode === undefined)) return jsonError(c, 400, { error: 'validation failed', reason: 'send either code or recoveryCode' });
    const pending = o.challenges.find(mfaToken, now());
    if (!pending) return jsonError(c, 401, { error: 'sign-in expired', reason: 'sign in with the password again' });
    const attempt = attemptOf(c, pending.username);
    const refusal = o.guard.admit({ ...attempt, now: now() });
    if (refusal) return tooManyAttempts(c, refusal.retryAfterMs);
    const user = await adminUsers.get(pending.userId);
    const secret = user ? await adminUsers.totp(user.id) : undefined;
    let step: number | undefined;
    let ok = false;
    if (user && secret?.enabled && secret.secret !== null) {
      if (code !== undefined) {
        step = verifyTotp({ secret: secret.secret, code, timeMs: now(), lastStep: secret.lastStep });
        ok = step !== undefined;
      } else ok = await userSecurity.useRecoveryCode(user.id, recoveryCode ?? '');
    }
    if (!ok || !user) {
      failed(c, pending.username, 'auth.mfa-failed');
      return jsonError(c, 401, { error: 'invalid code' });
    }
    if (step !== undefined) await adminUsers.acceptTotpStep(user.id, step);
    o.guard.success(attempt);
    o.challenges.end(mfaToken);
    deps.audit.record({ actor: user.username, action: 'auth.login', ...audited(c), detail: { mfa: code !== undefined ? 'totp' : 'recovery-code', ...(recoveryCode !== undefined ? { recoveryCodesLeft: await userSecurity.recoveryCodesLeft(user.id) } : {}) } });
    return issueSession(c, deps, o.access, user);
  });

  app.post('/api/v1/auth/mfa/totp/enrol', async (c) => {
    const { user } = c.get('auth');
    if (user.totpEnabled) return jsonError(c, 409, { error: 'already enrolled', reason: 'TOTP is on; a security admin can reset it (DELETE /api/v1/users/{id}/mfa)' });
    const secret = newTotpSecret();
    await adminUsers.setPendingTotp(user.id, secret);
    deps.audit.record({ actor: user.username, action: 'auth.mfa-enrol-started', target: user.username, ...audited(c) });
    c.header('Cache-Control', 'no-store');
    return c.json({ secret, otpauthUri: otpauthUri({ issuer: 'Hailing', account: user.username, secret }) });
  });

  app.post('/api/v1/auth/mfa/totp/confirm', async (c) => {
    const body = await readBody(c, TotpCode);
    if (!body.ok) return body.response;
    const { user } = c.get('auth');
    if (user.totpEnabled) return jsonError(c, 409, { error: 'already enrolled' });
    const attempt = attemptOf(c, user.username);
    const refusal = o.guard.admit({ ...attempt, now: now() });
    if (refusal) return tooManyAttempts(c, refusal.retryAfterMs);
    const secret = await adminUsers.totp(user.id);
    if (!secret?.secret) {
      o.guard.abandon(attempt);
      return jsonError(c, 409, { error: 'not enrolling', reason: 'start with POST /api/v1/auth/mfa/totp/enrol' });
    }
    const step = verifyTotp({ secret: secret.secret, code: body.value.code, timeMs: now() });
    if (step === undefined) {
      failed(c, user.username, 'auth.mfa-failed');
      return jsonError(c, 400, { error: 'invalid code', reason: 'the code does not match the secret at this time', field: 'code' });
    }
    o.guard.success(attempt);
    await adminUsers.enableTotp(user.id, step);
    const recoveryCodes = await userSecurity.newRecoveryCodes(user.id, RECOVERY_CODES);
    deps.audit.record({ actor: user.username, action: 'auth.mfa-enrolled', target: user.username, ...audited(c), detail: { method: 'totp' } });
    c.header('Cache-Control', 'no-store');
    return c.json({ recoveryCodes });
  });

  app.post('/api/v1/auth/mfa/recovery-codes', async (c) => {
    const body = await readBody(c, TotpCode);
    if (!body.ok) return body.response;
    const { user } = c.get('auth');
    const secret = await adminUsers.totp(user.id);
    if (!secret?.enabled || !secret.secret) return jsonError(c, 409, { error: 'not enrolled' });
    const attempt = attemptOf(c, user.username);
    const refusal = o.guard.admit({ ...attempt, now: now() });
    if (refusal) return tooManyAttempts(c, refusal.retryAfterMs);
    const step = verifyTotp({ secret: secret.secret, code: body.value.code, timeMs: now(), lastStep: secret.lastStep });
    if (step === undefined) {
      failed(c, user.username, 'auth.mfa-failed');
      return jsonError(c, 400, { error: 'invalid code', field: 'code', reason: 'the code does not match' });
    }
    o.guard.success(attempt);
    await adminUsers.acceptTotpStep(user.id, step);
    const recoveryCodes = await userSecurity.newRecoveryCodes(user.id, RECOVERY_CODES);
    deps.audit.record({ actor: user.username, action: 'auth.recovery-codes-renewed', target: user.username, ...audited(c) });
    c.header('Cache-Control', 'no-store');
    return c.json({ recoveryCodes });
  });
}
