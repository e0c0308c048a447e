// Issue 14: TOTP sign-in (RFC 6238) with codes the test computes from the shared secret, wrong codes
// counted by the lockout, recovery codes good once; API tokens scoped, shown once, revocable, expiring.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHarness, jsonRequest, loginAs, signIn, totpCodeFor, type ApiHarness } from './testing.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const login = (h: ApiHarness, password = 'correct horse') => h.app.request('/api/v1/auth/login', jsonRequest('POST', { username: 'root', password }));
async function challenge(h: ApiHarness): Promise<string> {
  const res = await login(h);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { mfaRequired: boolean; mfaToken: string; token?: string };
  assert.equal(body.mfaRequired, true);
  assert.equal(body.token, undefined, 'no session before the second factor');
  return body.mfaToken;
}
/** a code that is not the right one for any step in the drift window */
function wrongCode(h: ApiHarness): string {
  const right = new Set([totpCodeFor(h, 'root'), totpCodeFor(h, 'root'), totpCodeFor(h, 'root')]);
  for (let n = 0; ; n++) {
    const c = String(n).padStart(6, '0');
    if (!right.has(c)) return c;
  }
}
const second = (h: ApiHarness, body: object) => h.app.request('/api/v1/auth/login/mfa', jsonRequest('POST', body));

describe('TOTP sign-in (RFC 6238)', () => {
  it('an admin must enrol at the first sign-in; then the password alone gives no session, the code does, and each code works once', async () => {
    const h = await createApiHarness();
    try {
      await h.users.create({ username: 'root', password: 'correct horse', roles: ['admin'] });
      const first = (await (await login(h)).json()) as { token: string; mfaEnrolmentRequired: boolean };
      assert.equal(first.mfaEnrolmentRequired, true);
      const refused = await h.app.request('/api/v1/extensions', { headers: bearer(first.token) });
      assert.equal(refused.status, 403);
      await signIn(h, 'root', 'correct horse'); // enrols: secret from the server, code computed here
      const mfaToken = await challenge(h);
      const code = totpCodeFor(h, 'root');
      const ok = await second(h, { mfaToken, code });
      assert.equal(ok.status, 200);
      const { token } = (await ok.json()) as { token: string };
      assert.equal((await h.app.request('/api/v1/extensions', { headers: bearer(token) })).status, 200);
      // the same code again, in a new sign-in: refused (its time step was used)
      assert.equal((await second(h, { mfaToken: await challenge(h), code })).status, 401);
    } finally {
      await h.cleanup();
    }
  });

  it('a wrong code counts as a failed sign-in: the lockout follows (429), and a right password does not reset the count', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 3, lockoutMs: 600_000, backoffBaseMs: 0 } });
    try {
      await loginAs(h);
      for (let i = 0; i < 3; i++) {
        const res = await second(h, { mfaToken: await challenge(h), code: wrongCode(h) });
        assert.equal(res.status, 401);
      }
      const locked = await login(h);
      assert.equal(locked.status, 429);
      await h.audit.settled();
      assert.equal((await h.auditRepo.list({ action: 'auth.mfa-failed' })).length, 3);
      assert.equal((await h.auditRepo.list({ action: 'auth.lockout' })).length, 1);
    } finally {
      await h.cleanup();
    }
  });

  it('recovery codes sign in once each; they are stored hashed', async () => {
    const h = await createApiHarness();
    try {
      const token = await loginAs(h);
      const renewed = await h.app.request('/api/v1/auth/mfa/recovery-codes', jsonRequest('POST', { code: totpCodeFor(h, 'root') }, bearer(token)));
      assert.equal(renewed.status, 200);
      const { recoveryCodes } = (await renewed.json()) as { recoveryCodes: string[] };
      assert.equal(recoveryCodes.length, 10);
      const recoveryCode = recoveryCodes[0]!;
      assert.equal((await second(h, { mfaToken: await challenge(h), recoveryCode })).status, 200);
      assert.equal((await second(h, { mfaToken: await challenge(h), recoveryCode })).status, 401, 'used once');
      const stored = await h.database.client.execute('SELECT code_hash FROM user_recovery_codes');
      assert.ok(stored.rows.every((r) => !recoveryCodes.includes(String(r['code_hash']))));
    } finally {
      await h.cleanup();
    }
  });
});

describe('API tokens', () => {
  it('named, scoped, shown once, stored hashed, revocable, expiring, last use recorded', async () => {
    const h = await createApiHarness();
    try {
      const session = await loginAs(h);
      const beyond = await h.app.request('/api/v1/auth/tokens', jsonRequest('POST', { name: 'x', permissions: ['users.write'], expiresInDays: 30 }, bearer(session)));
      assert.equal(beyond.status, 400, 'an admin cannot hand out a permission it lacks');
      const made = await h.app.request('/api/v1/auth/tokens', jsonRequest('POST', { name: 'crm', permissions: ['extensions.read'], expiresInDays: 30 }, bearer(session)));
      assert.equal(made.status, 201);
      const { token, id } = (await made.json()) as { token: string; id: string };
      const stored = await h.database.client.execute('SELECT id FROM api_tokens');
      assert.notEqual(String(stored.rows[0]?.['id']), token);
      assert.equal((await h.app.request('/api/v1/extensions', { headers: bearer(token) })).status, 200);
      assert.equal((await h.app.request('/api/v1/dialplan', { headers: bearer(token) })).status, 403, 'outside its scope');
      assert.equal((await h.app.request('/api/v1/auth/tokens', { headers: bearer(token) })).status, 403, 'tokens do not manage tokens');
      const listed = (await (await h.app.request('/api/v1/auth/tokens', { headers: bearer(session) })).json()) as { items: Array<{ name: string; lastUsedAt: string | null; token?: string }> };
      assert.equal(listed.items[0]?.name, 'crm');
      assert.equal(listed.items[0]?.lastUsedAt, new Date(h.clock.now).toISOString());
      assert.equal(listed.items[0]?.token, undefined, 'shown once');
      h.clock.now += 31 * 24 * 3600_000;
      assert.equal((await h.app.request('/api/v1/extensions', { headers: bearer(token) })).status, 401, 'expired');
      h.clock.now -= 31 * 24 * 3600_000;
      const fresh = await signIn(h, 'root', 'correct horse');
      assert.equal((await h.app.request(`/api/v1/auth/tokens/${id}`, { method: 'DELETE', headers: bearer(fresh) })).status, 204);
      assert.equal((await h.app.request('/api/v1/extensions', { headers: bearer(token) })).status, 401, 'revoked');
    } finally {
      await h.cleanup();
    }
  });
});
