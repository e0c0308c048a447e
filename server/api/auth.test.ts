import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHarness, jsonRequest, loginAs } from './testing.js';

describe('POST /api/v1/auth/login', () => {
  it('returns a token and expiry, and sets an HttpOnly SameSite=Strict Path=/ session cookie', async () => {
    const h = await createApiHarness();
    try {
      await h.users.create({ username: 'root', password: 'correct horse' });
      const res = await h.app.request('/api/v1/auth/login', jsonRequest('POST', { username: 'root', password: 'correct horse' }));
      assert.equal(res.status, 200);
      const body = (await res.json()) as { token: string; expiresAt: string };
      assert.ok(body.token.length >= 32);
      assert.equal(body.expiresAt, new Date(h.clock.now + 3_600_000).toISOString());
      const cookie = res.headers.get('set-cookie') ?? '';
      assert.ok(cookie.startsWith(`hailing_session=${body.token};`), cookie);
      for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/']) assert.ok(cookie.includes(attr), attr);
      await h.audit.settled();
      assert.equal((await h.auditRepo.list({ action: 'auth.login' }))[0]?.actor, 'root');
    } finally {
      await h.cleanup();
    }
  });

  it('answers a wrong password and an unknown user with the same 401 body, counted and audited', async () => {
    const h = await createApiHarness();
    try {
      await h.users.create({ username: 'root', password: 'correct horse' });
      const wrong = await h.app.request('/api/v1/auth/login', jsonRequest('POST', { username: 'root', password: 'nope-nope' }));
      const unknown = await h.app.request('/api/v1/auth/login', jsonRequest('POST', { username: 'ghost', password: 'nope-nope' }));
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      const a = await wrong.text();
      assert.equal(a, await unknown.text());
      assert.deepEqual(JSON.parse(a), { error: 'invalid credentials' });
      assert.equal(wrong.headers.get('set-cookie'), null);
      assert.match(await h.metrics.registry.metrics(), /^hailing_auth_failures_total 2$/m);
      await h.audit.settled();
      assert.equal((await h.auditRepo.list({ action: 'auth.login-failed' })).length, 2);
    } finally {
      await h.cleanup();
    }
  });

  it('rejects malformed JSON and invalid bodies with 400 and a reason', async () => {
    const h = await createApiHarness();
    try {
      const bad = await h.app.request('/api/v1/auth/login', jsonRequest('POST', '{"username":'));
      assert.equal(bad.status, 400);
      const badBody = (await bad.json()) as { error: string; reason: string };
      assert.equal(badBody.error, 'malformed JSON body');
      assert.ok(badBody.reason.length > 0);
      const invalid = await h.app.request('/api/v1/auth/login', jsonRequest('POST', { username: 'root' }));
      assert.equal(invalid.status, 400);
      const body = (await invalid.json()) as { error: string; issues: { path: string; message: string }[] };
      assert.equal(body.error, 'validation failed');
      assert.deepEqual(
        body.issues.map((i) => i.path),
        ['password'],
      );
      const text = await h.app.request('/api/v1/auth/login', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
      assert.equal(text.status, 415);
    } finally {
      await h.cleanup();
    }
  });
});

describe('session authentication', () => {
  it('accepts the token as Authorization: Bearer and as the hailing_session cookie; 401 without or with a bad one', async () => {
    const h = await createApiHarness();
    try {
      const token = await loginAs(h);
      assert.equal((await h.app.request('/api/v1/extensions', { headers: { authorization: `Bearer ${token}` } })).status, 200);
      assert.equal((await h.app.request('/api/v1/extensions', { headers: { cookie: `hailing_session=${token}` } })).status, 200);
      const none = await h.app.request('/api/v1/extensions');
      assert.equal(none.status, 401);
      assert.deepEqual(await none.json(), { error: 'unauthorized' });
      assert.equal((await h.app.request('/api/v1/extensions', { headers: { authorization: 'Bearer x' + token } })).status, 401);
      assert.equal((await h.app.request('/api/v1/extensions', { headers: { authorization: `Basic ${token}` } })).status, 401);
    } finally {
      await h.cleanup();
    }
  });

  it('rejects a session once its expiry has passed; activity slides the expiry forward', async () => {
    const h = await createApiHarness();
    try {
      const idle = await loginAs(h, 'idle');
      const active = await loginAs(h, 'active');
      const as = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });
      h.clock.now += 3_600_000 - 1;
      assert.equal((await h.app.request('/api/v1/extensions', as(active))).status, 200); // refreshes expiry
      h.clock.now += 1; // exactly one TTL after login, with no activity
      assert.equal((await h.app.request('/api/v1/extensions', as(idle))).status, 401);
      assert.equal((await h.app.request('/api/v1/extensions', as(active))).status, 200);
      h.clock.now += 3_600_000;
      assert.equal((await h.app.request('/api/v1/extensions', as(active))).status, 401);
    } finally {
      await h.cleanup();
    }
  });

  it('logout revokes the session and clears the cookie', async () => {
    const h = await createApiHarness();
    try {
      const token = await loginAs(h);
      const auth = { headers: { authorization: `Bearer ${token}` } };
      const out = await h.app.request('/api/v1/auth/logout', { method: 'POST', ...auth });
      assert.equal(out.status, 204);
      assert.match(out.headers.get('set-cookie') ?? '', /^hailing_session=; Max-Age=0/);
      assert.equal((await h.app.request('/api/v1/extensions', auth)).status, 401);
      assert.equal((await h.app.request('/api/v1/auth/logout', { method: 'POST', ...auth })).status, 401);
    } finally {
      await h.cleanup();
    }
  });
});
