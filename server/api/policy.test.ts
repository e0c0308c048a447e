// Issue 14 policies, enforced: the mlps3 profile's session limits and password rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiClient, createApiHarness, jsonRequest, signIn, totpCodeFor } from './testing.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const MIN = 60_000;

describe('security policy profiles', () => {
  it('mlps3: one session per user (the older ends), idle timeout 15 min, absolute lifetime 8 h', async () => {
    const h = await createApiHarness({ securityProfile: 'mlps3', sessionTtlMs: 24 * 3600_000 });
    try {
      await h.users.create({ username: 'ops', password: 'Correct-horse-1', roles: ['admin'] });
      const first = await signIn(h, 'ops', 'Correct-horse-1');
      const again = await signIn(h, 'ops', 'Correct-horse-1');
      assert.equal((await h.app.request('/api/v1/extensions', { headers: bearer(first) })).status, 401, 'concurrent limit 1');
      assert.equal((await h.app.request('/api/v1/extensions', { headers: bearer(again) })).status, 200);
      h.clock.now += 16 * MIN;
      assert.equal((await h.app.request('/api/v1/extensions', { headers: bearer(again) })).status, 401, 'idle 16 min');
      const busy = await signIn(h, 'ops', 'Correct-horse-1');
      for (let t = 0; t < 8 * 60; t += 10) {
        h.clock.now += 10 * MIN;
        const status = (await h.app.request('/api/v1/extensions', { headers: bearer(busy) })).status;
        if (t + 10 < 8 * 60) assert.equal(status, 200, `active at ${t + 10} min`);
        else assert.equal(status, 401, 'absolute lifetime 8 h');
      }
    } finally {
      await h.cleanup();
    }
  });

  it('mlps3: passwords mix 3 character classes, differ from the last 5, and expire after 90 days', async () => {
    const h = await createApiHarness({ securityProfile: 'mlps3' });
    try {
      await h.users.create({ username: 'ops', password: 'Correct-horse-1', roles: ['admin'] });
      let token = await signIn(h, 'ops', 'Correct-horse-1');
      const change = (currentPassword: string, newPassword: string) => h.app.request('/api/v1/auth/password', jsonRequest('POST', { currentPassword, newPassword }, bearer(token)));
      const weak = await change('Correct-horse-1', 'alllowercase1');
      assert.equal(weak.status, 400);
      assert.match(((await weak.json()) as { reason: string }).reason, /at least 3 of/);
      const ok = await change('Correct-horse-1', 'Second-pass-2');
      assert.equal(ok.status, 200);
      token = ((await ok.json()) as { token: string }).token;
      const reuse = await change('Second-pass-2', 'Correct-horse-1');
      assert.equal(reuse.status, 400);
      assert.match(((await reuse.json()) as { reason: string }).reason, /last 5 passwords/);
      h.clock.now += 91 * 24 * 3600_000;
      const expired = await h.app.request('/api/v1/auth/login', jsonRequest('POST', { username: 'ops', password: 'Second-pass-2' }));
      // TOTP is enrolled: the challenge first; the session then says the password must change
      const { mfaToken } = (await expired.json()) as { mfaToken: string };
      const second = (await (await h.app.request('/api/v1/auth/login/mfa', jsonRequest('POST', { mfaToken, code: totpCodeFor(h, 'ops') }))).json()) as { token: string; mustChangePassword: boolean };
      assert.equal(second.mustChangePassword, true);
      assert.equal((await h.app.request('/api/v1/extensions', { headers: bearer(second.token) })).status, 403);
    } finally {
      await h.cleanup();
    }
  });
  it('refusals name the field they are about: mlps3 separation under roles, an unknown extension under extensions, the profile switch under profile', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h, 'security-admin');
      await h.users.create({ username: 'twohats', password: 'Correct-horse-1', roles: ['admin', 'auditor'] });
      const refusedSwitch = await call('PUT', '/api/v1/security/policy', { profile: 'mlps3' });
      assert.deepEqual([refusedSwitch.status, refusedSwitch.body?.['field']], [400, 'profile']);
      assert.match(String(refusedSwitch.body?.['reason']), /user twohats/);
      const unknown = await call('POST', '/api/v1/users', { username: 'agent7', roles: ['agent'], extensions: ['1999'] });
      assert.deepEqual([unknown.status, unknown.body?.['field'], unknown.body?.['reason']], [400, 'extensions', 'extension 1999 does not exist']);
      const twohats = (await call('GET', '/api/v1/users')).body!['items'] as { id: string; username: string }[];
      assert.equal((await call('PATCH', `/api/v1/users/${twohats.find((u) => u.username === 'twohats')!.id}`, { roles: ['admin'] })).status, 200);
      assert.equal((await call('PUT', '/api/v1/security/policy', { profile: 'mlps3' })).status, 200);
      const separated = await call('POST', '/api/v1/users', { username: 'ops2', roles: ['admin', 'auditor'] });
      assert.deepEqual([separated.status, separated.body?.['field']], [400, 'roles']);
      assert.match(String(separated.body?.['reason']), /admin|auditor/);
    } finally {
      await h.cleanup();
    }
  });
});
