import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openTempDatabase } from '../testing.js';
import { AdminUserRepository } from './admin-users.js';
import { SessionRepository } from './sessions.js';

describe('SessionRepository', () => {
  it('stores sha256(token) as the id, never the token; expires; revokes', async () => {
    const { database, cleanup } = await openTempDatabase();
    try {
      let now = 1_000_000;
      const users = new AdminUserRepository({ db: database.db, now: () => now });
      const sessions = new SessionRepository({ db: database.db, now: () => now });
      const user = await users.create({ username: 'ops', password: 'long-password', role: 'supervisor' });
      assert.ok(user);
      assert.equal(await users.create({ username: 'ops', password: 'x-password' }), undefined);
      const { token, session } = await sessions.create({ userId: user.id, ttlMs: 60_000, sourceIp: '127.0.0.1' });
      assert.equal(session.id, createHash('sha256').update(token).digest('hex'));
      const raw = await database.client.execute('SELECT * FROM admin_sessions');
      assert.ok(!JSON.stringify(raw.rows).includes(token));

      assert.equal((await sessions.findValid(token))?.user.username, 'ops');
      now += 30_000;
      await sessions.touch(session.id, 60_000); // sliding: now expires at +90 s from start
      now += 59_000;
      assert.ok(await sessions.findValid(token));
      now += 1_000;
      assert.equal(await sessions.findValid(token), undefined, 'expired at expires_at');
      assert.equal(await sessions.deleteExpired(), 1);

      const second = await sessions.create({ userId: user.id, ttlMs: 60_000 });
      assert.equal(await sessions.revoke(second.token), true);
      assert.equal(await sessions.findValid(second.token), undefined);
      assert.equal(await users.countByRole('supervisor'), 1);
      assert.equal(await users.delete(user.id), true);
    } finally {
      await cleanup();
    }
  });
});
