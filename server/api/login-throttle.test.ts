// Issue 18 §8: 200 wrong passwords in 40 s on /api/v1/auth/login, then the right one worked, and 16
// parallel clients hashed without bound. Lockout per account and per source (OWASP Authentication
// Cheat Sheet), 429 with Retry-After (RFC 6585 §4), 503 with Retry-After for hashing overload
// (RFC 9110 §15.6.4), audit rows for every lock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHarness, jsonRequest, type ApiHarness } from './testing.js';

/** what @hono/node-server hands the app: the peer address remoteAddress() reads */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

function login(h: ApiHarness, source: string, username: string, password: string): Promise<Response> {
  return Promise.resolve(h.app.request('/api/v1/auth/login', jsonRequest('POST', { username, password }), from(source)));
}

const MINUTE = 60_000;

describe('login lockout (issue 18 §8)', () => {
  it('200 wrong passwords then the right one is refused while the account is locked, and accepted after the lockout', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 5, lockoutMs: 15 * MINUTE } });
    try {
      await h.users.create({ username: 'root', password: 'correct horse' });
      const statuses = new Map<number, number>();
      for (let i = 0; i < 200; i++) {
        const res = await login(h, '192.0.2.10', 'root', `guess-${i}`);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        h.clock.now += 200; // 200 attempts in 40 s, as the probe sent them
      }
      assert.equal(statuses.get(200), undefined);
      assert.equal(statuses.get(401), 5, 'only maxFailures guesses are ever checked');
      assert.equal(statuses.get(429), 195);

      const locked = await login(h, '192.0.2.10', 'root', 'correct horse');
      assert.equal(locked.status, 429);
      const retryAfter = Number(locked.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After ${retryAfter}`);
      assert.equal(locked.headers.get('set-cookie'), null);

      await h.audit.settled();
      const lockouts = await h.auditRepo.list({ action: 'auth.lockout' });
      assert.equal(lockouts.length, 1);
      assert.equal(lockouts[0]?.target, 'root');
      assert.equal(lockouts[0]?.source, '192.0.2.10');

      h.clock.now += 15 * MINUTE;
      assert.equal((await login(h, '192.0.2.10', 'root', 'correct horse')).status, 200);
    } finally {
      await h.cleanup();
    }
  });

  it('an unknown username is locked the same way as a known one (no enumeration by lockout)', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 3 } });
    try {
      await h.users.create({ username: 'root', password: 'correct horse' });
      const seen: Record<string, number[]> = { root: [], ghost: [] };
      for (let i = 0; i < 6; i++) {
        for (const user of ['root', 'ghost']) {
          seen[user]!.push((await login(h, `192.0.2.${20 + i}`, user, 'wrong')).status);
        }
        h.clock.now += 5 * MINUTE / 60; // past the back-off, well inside the lockout
      }
      assert.deepEqual(seen.root, seen.ghost);
      assert.deepEqual(seen.root, [401, 401, 401, 429, 429, 429]);
    } finally {
      await h.cleanup();
    }
  });

  it('lockout is per account: a locked account is refused from any source, other accounts still log in', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 5, sourceMaxFailures: 20 } });
    try {
      await h.users.create({ username: 'root', password: 'correct horse' });
      await h.users.create({ username: 'alice', password: 'alice password' });
      for (let i = 0; i < 5; i++) {
        assert.equal((await login(h, '192.0.2.10', 'root', `guess-${i}`)).status, 401);
        h.clock.now += MINUTE; // past every back-off
      }
      assert.equal((await login(h, '198.51.100.7', 'root', 'correct horse')).status, 429, 'locked from a fresh source too');
      assert.equal((await login(h, '192.0.2.10', 'alice', 'alice password')).status, 200, 'another account from the same source');
    } finally {
      await h.cleanup();
    }
  });

  it('lockout is per source: failures spread over many accounts lock the address, not the accounts', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 5, sourceMaxFailures: 20 } });
    try {
      await h.users.create({ username: 'root', password: 'correct horse' });
      for (let i = 0; i < 20; i++) {
        assert.equal((await login(h, '192.0.2.66', `user${i}`, 'guess')).status, 401);
        h.clock.now += MINUTE; // past the source's back-off (at most 30 s)
      }
      const refused = await login(h, '192.0.2.66', 'root', 'correct horse');
      assert.equal(refused.status, 429, 'the right password from the locked source');
      assert.equal((await login(h, '198.51.100.7', 'root', 'correct horse')).status, 200, 'the same account from elsewhere');
      await h.audit.settled();
      const lockouts = await h.auditRepo.list({ action: 'auth.lockout' });
      assert.deepEqual(
        lockouts.map((r) => r.target),
        ['192.0.2.66'],
      );
    } finally {
      await h.cleanup();
    }
  });

  it('a success clears the account\'s failures but not the source\'s (issue 18 §5)', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 5, sourceMaxFailures: 6 } });
    try {
      await h.users.create({ username: 'mallory', password: 'mallory password' });
      for (let i = 0; i < 6; i++) {
        assert.equal((await login(h, '192.0.2.99', `victim${i}`, 'guess')).status, 401);
        h.clock.now += MINUTE;
        if (i < 5) assert.equal((await login(h, '192.0.2.99', 'mallory', 'mallory password')).status, 200);
      }
      assert.equal((await login(h, '192.0.2.99', 'mallory', 'mallory password')).status, 429);
    } finally {
      await h.cleanup();
    }
  });

  it('wrong passwords back off: the attempt after the second failure waits, and Retry-After says how long', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 10, backoffBaseMs: 1000 } });
    try {
      assert.equal((await login(h, '192.0.2.1', 'root', 'a')).status, 401);
      assert.equal((await login(h, '192.0.2.1', 'root', 'b')).status, 401, 'one typo costs no wait');
      const early = await login(h, '192.0.2.1', 'root', 'c');
      assert.equal(early.status, 429);
      assert.equal(early.headers.get('retry-after'), '1');
      h.clock.now += 1000;
      assert.equal((await login(h, '192.0.2.1', 'root', 'c')).status, 401);
      h.clock.now += 1999;
      assert.equal((await login(h, '192.0.2.1', 'root', 'd')).status, 429, 'the wait doubles');
      h.clock.now += 1;
      assert.equal((await login(h, '192.0.2.1', 'root', 'd')).status, 401);
    } finally {
      await h.cleanup();
    }
  });
});

describe('password hashing is bounded (issue 18 §8)', () => {
  it('16 parallel logins verify at most maxActive at once; beyond the waiting line they get 503 with Retry-After', async () => {
    let running = 0;
    let peak = 0;
    const verifyPassword = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return false;
    };
    const h = await createApiHarness({ passwordHashing: { maxActive: 2, maxWaiting: 4 }, verifyPassword });
    try {
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) => login(h, `192.0.2.${100 + i}`, `user${i}`, 'guess')),
      );
      const counts = new Map<number, number>();
      for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      assert.equal(peak, 2);
      assert.equal(counts.get(401), 6, '2 running + 4 waiting were checked');
      assert.equal(counts.get(503), 10);
      for (const r of results.filter((x) => x.status === 503)) assert.equal(r.headers.get('retry-after'), '1');
      // a refused attempt is not a failure: the same client may retry at once
      assert.equal((await login(h, '192.0.2.115', 'user15', 'guess')).status, 401);
    } finally {
      await h.cleanup();
    }
  });

  it('parallel guesses at one account are checked one at a time; the rest get 429', async () => {
    const h = await createApiHarness();
    try {
      await h.users.create({ username: 'root', password: 'correct horse' });
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => login(h, `192.0.2.${i + 1}`, 'root', `guess-${i}`)));
      const statuses = results.map((r) => r.status).sort();
      assert.equal(statuses.filter((s) => s === 401).length, 1);
      assert.equal(statuses.filter((s) => s === 429).length, 15);
    } finally {
      await h.cleanup();
    }
  });
});

describe('security headers', () => {
  it('every response carries a strict CSP with frame-ancestors none, nosniff, Referrer-Policy no-referrer; no HSTS over plain HTTP', async () => {
    const h = await createApiHarness();
    try {
      for (const path of ['/healthz', '/api/v1/extensions', '/no-such-page']) {
        const res = await h.app.request(path);
        const csp = res.headers.get('content-security-policy') ?? '';
        assert.match(csp, /(^|; )default-src 'self'(;|$)/, path);
        assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, path);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
        assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
        assert.equal(res.headers.get('strict-transport-security'), null, path);
      }
    } finally {
      await h.cleanup();
    }
  });

  it('sends Strict-Transport-Security when the console is served over TLS', async () => {
    const h = await createApiHarness({ secureCookies: true });
    try {
      const res = await h.app.request('/healthz');
      assert.match(res.headers.get('strict-transport-security') ?? '', /^max-age=\d{7,}/);
    } finally {
      await h.cleanup();
    }
  });
});
