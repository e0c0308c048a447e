import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHarness, jsonRequest, signIn, type ApiHarness } from './testing.js';
import { ensureAdmin } from './bootstrap.js';
import { quietApiLogger } from './testing.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** the generated one-time admin, signed in: its token and password */
async function oneTimeAdmin(h: ApiHarness): Promise<{ token: string; password: string }> {
  const made = await ensureAdmin({ repo: h.users, logger: quietApiLogger });
  const password = made.oneTimePassword ?? '';
  const res = await h.app.request('/api/v1/auth/login', jsonRequest('POST', { username: 'admin', password }));
  assert.equal(res.status, 200);
  const body = (await res.json()) as { token: string; mustChangePassword: boolean };
  assert.equal(body.mustChangePassword, true);
  return { token: body.token, password };
}

describe('forced change of the one-time admin password', () => {
  it('login says mustChangePassword; until it is changed other routes answer 403 with the reason', async () => {
    const h = await createApiHarness();
    try {
      const { token } = await oneTimeAdmin(h);
      const res = await h.app.request('/api/v1/extensions', { headers: bearer(token) });
      assert.equal(res.status, 403);
      const body = (await res.json()) as { error: string; reason: string; mustChangePassword: boolean };
      assert.equal(body.mustChangePassword, true);
      assert.match(body.reason, /one-time password/);
      const who = await h.app.request('/api/v1/auth/session', { headers: bearer(token) });
      assert.equal(who.status, 200);
      const session = (await who.json()) as Record<string, unknown>;
      assert.deepEqual(
        { username: session['username'], roles: session['roles'], mustChangePassword: session['mustChangePassword'], expiresAt: session['expiresAt'] },
        { username: 'admin', roles: ['admin', 'security-admin', 'auditor'], mustChangePassword: true, expiresAt: new Date(h.clock.now + 3_600_000).toISOString() },
      );
    } finally {
      await h.cleanup();
    }
  });

  it('a configured admin password is not one-time: no change forced', async () => {
    const h = await createApiHarness();
    try {
      await ensureAdmin({ repo: h.users, logger: quietApiLogger, username: 'boss', password: 'configured-1234' });
      const res = await h.app.request('/api/v1/auth/login', jsonRequest('POST', { username: 'boss', password: 'configured-1234' }));
      assert.equal(((await res.json()) as { mustChangePassword: boolean }).mustChangePassword, false);
    } finally {
      await h.cleanup();
    }
  });

  it('POST /auth/password: 400 naming the field for a wrong current or a refused new password', async () => {
    const h = await createApiHarness();
    try {
      const { token, password } = await oneTimeAdmin(h);
      const change = (body: unknown) => h.app.request('/api/v1/auth/password', jsonRequest('POST', body, bearer(token)));
      const wrong = await change({ currentPassword: 'not-it-at-all', newPassword: 'a-good-new-password' });
      assert.equal(wrong.status, 400);
      assert.deepEqual(await wrong.json(), { error: 'wrong password', reason: 'the current password is wrong', field: 'currentPassword' });
      const short = await change({ currentPassword: password, newPassword: 'short' });
      assert.equal(short.status, 400);
      const s = (await short.json()) as { field: string; reason: string };
      assert.equal(s.field, 'newPassword');
      assert.match(s.reason, /at least 8 characters/);
      const same = await change({ currentPassword: password, newPassword: password });
      assert.equal(((await same.json()) as { reason: string }).reason, 'the new password must differ from the current one');
      const name = await change({ currentPassword: password, newPassword: 'ADMIN' + '' });
      assert.equal(name.status, 400);
    } finally {
      await h.cleanup();
    }
  });

  it('a change lifts the 403, signs the old sessions out, issues a new one, and is audited; MFA enrolment comes next', async () => {
    const h = await createApiHarness();
    try {
      const { token, password } = await oneTimeAdmin(h);
      const res = await h.app.request('/api/v1/auth/password', jsonRequest('POST', { currentPassword: password, newPassword: 'my own password 1' }, bearer(token)));
      assert.equal(res.status, 200);
      const body = (await res.json()) as { token: string; mustChangePassword: boolean; mfaEnrolmentRequired: boolean };
      assert.equal(body.mustChangePassword, false);
      // the first admin holds administrator roles: TOTP is required before anything else
      assert.equal(body.mfaEnrolmentRequired, true);
      assert.match(res.headers.get('set-cookie') ?? '', new RegExp(`^hailing_session=${body.token};`));
      assert.equal((await h.app.request('/api/v1/extensions', { headers: bearer(token) })).status, 401);
      const beforeMfa = await h.app.request('/api/v1/extensions', { headers: bearer(body.token) });
      assert.equal(beforeMfa.status, 403);
      assert.equal(((await beforeMfa.json()) as { mfaEnrolmentRequired: boolean }).mfaEnrolmentRequired, true);
      const again = await h.app.request('/api/v1/auth/login', jsonRequest('POST', { username: 'admin', password: 'my own password 1' }));
      assert.equal(((await again.json()) as { mustChangePassword: boolean }).mustChangePassword, false);
      // enrolled (as signIn does), the same admin reaches the API
      const full = await signIn(h, 'admin', 'my own password 1');
      assert.equal((await h.app.request('/api/v1/extensions', { headers: bearer(full) })).status, 200);
      await h.audit.settled();
      assert.equal((await h.auditRepo.list({ action: 'auth.password-changed' })).length, 1);
    } finally {
      await h.cleanup();
    }
  });

  it('wrong current passwords count towards the login lockout (429 with Retry-After)', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 3, lockoutMs: 600_000 } });
    try {
      const { token, password } = await oneTimeAdmin(h);
      for (let i = 0; i < 3; i++) {
        const r = await h.app.request('/api/v1/auth/password', jsonRequest('POST', { currentPassword: `wrong-${i}-xxxx`, newPassword: 'a-good-new-password' }, bearer(token)));
        assert.equal(r.status, 400);
        h.clock.now += 10_000; // past the back-off between failures
      }
      const locked = await h.app.request('/api/v1/auth/password', jsonRequest('POST', { currentPassword: password, newPassword: 'a-good-new-password' }, bearer(token)));
      assert.equal(locked.status, 429);
      assert.ok(Number(locked.headers.get('retry-after')) >= 1);
    } finally {
      await h.cleanup();
    }
  });
});
