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

/** Turns of the event loop until cond holds; fails (never hangs) if it does not within `turns`. */
async function until(cond: () => boolean, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'condition not reached');
}

/** A verifyPassword that holds every check until released, counting the checks started. */
function heldVerify(isRight: (password: string) => boolean) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const state = { started: 0, running: 0, peak: 0, release };
  const verifyPassword = async (_hash: string, password: string) => {
    state.started++;
    state.running++;
    state.peak = Math.max(state.peak, state.running);
    await released;
    state.running--;
    return isRight(password);
  };
  return { state, verifyPassword };
}

/** Starts requests, counting how many have been answered so far. */
function tracked(requests: Promise<Response>[]) {
  const answered = { count: 0 };
  const all = Promise.all(requests.map((p) => p.then((r) => (answered.count++, r))));
  return { answered, all };
}

describe('password hashing is bounded (issue 18 §8)', () => {
  it('16 parallel logins verify at most maxActive at once; beyond the waiting line they get 503 with Retry-After', async () => {
    const { state, verifyPassword } = heldVerify(() => false);
    const maxWaiting = 4;
    const h = await createApiHarness({ passwordHashing: { maxActive: 2, maxWaiting }, verifyPassword });
    try {
      const { answered, all } = tracked(Array.from({ length: 16 }, (_, i) => login(h, `192.0.2.${100 + i}`, `user${i}`, 'guess')));
      // every request has been admitted to a slot, queued, or refused before any check finishes
      await until(() => state.started + maxWaiting + answered.count === 16);
      state.release();
      const results = await all;
      const counts = new Map<number, number>();
      for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
      assert.equal(state.peak, 2);
      assert.equal(counts.get(401), 6, '2 running + 4 waiting were checked');
      assert.equal(counts.get(503), 10);
      for (const r of results.filter((x) => x.status === 503)) assert.equal(r.headers.get('retry-after'), '1');
      // a refused attempt is not a failure: the same client may retry at once
      assert.equal((await login(h, '192.0.2.115', 'user15', 'guess')).status, 401);
    } finally {
      await h.cleanup();
    }
  });

  it('parallel logins to one account with the right password all succeed (two browser tabs, operator scripts)', async () => {
    const { state, verifyPassword } = heldVerify((p) => p === 'correct horse');
    const h = await createApiHarness({ verifyPassword });
    try {
      await h.users.create({ username: 'root', password: 'correct horse' });
      const { answered, all } = tracked([login(h, '192.0.2.1', 'root', 'correct horse'), login(h, '192.0.2.2', 'root', 'correct horse')]);
      await until(() => state.started + answered.count === 2);
      state.release();
      assert.deepEqual((await all).map((r) => r.status), [200, 200]);
    } finally {
      await h.cleanup();
    }
  });

  it('parallel guesses at one account never check more than maxFailures passwords; the rest get 429', async () => {
    const { state, verifyPassword } = heldVerify(() => false);
    const h = await createApiHarness({ loginPolicy: { maxFailures: 5 }, passwordHashing: { maxActive: 16 }, verifyPassword });
    try {
      await h.users.create({ username: 'root', password: 'correct horse' });
      const { answered, all } = tracked(Array.from({ length: 16 }, (_, i) => login(h, `192.0.2.${i + 1}`, 'root', `guess-${i}`)));
      await until(() => state.started + answered.count === 16);
      state.release();
      const statuses = (await all).map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 401).length, 5);
      assert.equal(statuses.filter((s) => s === 429).length, 11);
      assert.equal((await login(h, '198.51.100.1', 'root', 'correct horse')).status, 429, 'locked after the 5 failures');
    } finally {
      await h.cleanup();
    }
  });
});

describe('lockout survives a full table (issue 18 §8 review)', () => {
  it('failed logins with fresh usernames do not push a locked account out of the table', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 5, maxTracked: 3 }, verifyPassword: async (_h, p) => p === 'correct horse' });
    try {
      await h.users.create({ username: 'admin', password: 'correct horse' });
      for (let i = 0; i < 5; i++) {
        assert.equal((await login(h, '192.0.2.1', 'admin', `guess-${i}`)).status, 401);
        h.clock.now += MINUTE;
      }
      for (let i = 0; i < 10; i++) assert.equal((await login(h, `198.51.100.${i + 1}`, `random${i}`, 'x')).status, 401);
      assert.equal((await login(h, '203.0.113.9', 'admin', 'correct horse')).status, 429, 'still locked');
    } finally {
      await h.cleanup();
    }
  });

  it('when every remembered account is locked, a new username is refused rather than a lock forgotten', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 2, maxTracked: 1 }, verifyPassword: async (_h, p) => p === 'correct horse' });
    try {
      await h.users.create({ username: 'admin', password: 'correct horse' });
      for (let i = 0; i < 2; i++) assert.equal((await login(h, `192.0.2.${i + 1}`, 'admin', `guess-${i}`)).status, 401);
      assert.equal((await login(h, '198.51.100.1', 'someone-else', 'x')).status, 429);
      assert.equal((await login(h, '203.0.113.9', 'admin', 'correct horse')).status, 429, 'still locked');
    } finally {
      await h.cleanup();
    }
  });

  it('an IPv6 source is counted per /64: other addresses in the same /64 share its lockout', async () => {
    const h = await createApiHarness({ loginPolicy: { maxFailures: 5, sourceMaxFailures: 3 }, verifyPassword: async (_h, p) => p === 'correct horse' });
    try {
      await h.users.create({ username: 'root', password: 'correct horse' });
      for (let i = 0; i < 3; i++) {
        assert.equal((await login(h, `2001:db8:0:1::${i + 1}`, `user${i}`, 'guess')).status, 401);
        h.clock.now += MINUTE;
      }
      assert.equal((await login(h, '2001:db8:0:1:ffff::99', 'root', 'correct horse')).status, 429, 'same /64');
      assert.equal((await login(h, '2001:db8:0:2::1', 'root', 'correct horse')).status, 200, 'another /64');
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

  it('behind TLS (HAILING_HTTP_BEHIND_TLS): Strict-Transport-Security and a Secure session cookie', async () => {
    const h = await createApiHarness({ secureCookies: true, verifyPassword: async (_h, p) => p === 'correct horse' });
    try {
      const res = await h.app.request('/healthz');
      assert.match(res.headers.get('strict-transport-security') ?? '', /^max-age=\d{7,}/);
      await h.users.create({ username: 'root', password: 'correct horse' });
      const ok = await login(h, '192.0.2.1', 'root', 'correct horse');
      assert.equal(ok.status, 200);
      assert.match(ok.headers.get('set-cookie') ?? '', /; Secure(;|$)/);
    } finally {
      await h.cleanup();
    }
  });
});
