// The credential cache in front of ExtensionRepository.find(): bounded, trusted for 30 s, dropped on
// every write by this node, caching unknown users apart from known ones, and never caching a row read before a
// write that finished while the read was in flight. Cache hits are observed by changing the row
// behind the repository's back (raw SQL) and seeing whether find() notices; expected HA1 values are
// computed here with node:crypto.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Client, InStatement } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import * as schema from '../schema/index.js';
import { openTempDatabase } from '../testing.js';
import { CredentialCache } from './credential-cache.js';
import { ExtensionRepository, type ExtensionRepositoryOptions } from './extensions.js';

const REALM = 'pbx.example';
const md5 = (user: string, password: string) => createHash('md5').update(`${user}:${REALM}:${password}`).digest('hex');
const sha256 = (user: string, password: string) =>
  createHash('sha256').update(`${user}:${REALM}:${password}`).digest('hex');

type Ctx = {
  repo: ExtensionRepository;
  client: Client;
  clock: { t: number };
  /** rewrites the stored HA1s behind the repository's back, as another node would */
  sneak(number: string, password: string): Promise<void>;
};

async function withRepo(
  options: Omit<ExtensionRepositoryOptions, 'db' | 'now'>,
  fn: (ctx: Ctx) => Promise<void>,
): Promise<void> {
  const { database, cleanup } = await openTempDatabase();
  try {
    const clock = { t: 1_700_000_000_000 };
    const repo = new ExtensionRepository({ db: database.db, now: () => clock.t, ...options });
    const client = database.client;
    const sneak = async (number: string, password: string) => {
      await client.execute({
        sql: 'UPDATE extensions SET ha1_md5 = ?, ha1_sha256 = ? WHERE number = ?',
        args: [md5(number, password), sha256(number, password), number],
      });
    };
    await fn({ repo, client, clock, sneak });
  } finally {
    await cleanup();
  }
}

describe('CredentialCache (unit)', () => {
  it('keeps at most maxEntries, evicting the least recently used', () => {
    const cache = new CredentialCache<string>({ maxEntries: 2, now: () => 0 });
    cache.set('a', 'A', cache.generation);
    cache.set('b', 'B', cache.generation);
    assert.equal(cache.get('a'), 'A'); // a is now the most recently used
    cache.set('c', 'C', cache.generation);
    assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], ['A', undefined, 'C']);
  });

  it('trusts an entry for ttlMs (default 30 s) after it was stored, then forgets it', () => {
    let t = 5_000;
    const cache = new CredentialCache<string>({ now: () => t });
    cache.set('a', 'A', cache.generation);
    t += 29_999;
    assert.equal(cache.get('a'), 'A', 'a hit does not extend the trust period');
    t += 1;
    assert.equal(cache.get('a'), undefined);
  });

  it('ignores a set() whose generation predates an invalidation of any key', () => {
    const cache = new CredentialCache<string>({ now: () => 0 });
    const seen = cache.generation;
    cache.invalidate('other');
    cache.set('a', 'stale', seen);
    assert.equal(cache.get('a'), undefined);
    cache.set('a', 'fresh', cache.generation);
    assert.equal(cache.get('a'), 'fresh');
  });

  it('maxEntries 0 turns caching off', () => {
    const cache = new CredentialCache<string>({ maxEntries: 0, now: () => 0 });
    cache.set('a', 'A', cache.generation);
    assert.equal(cache.get('a'), undefined);
  });
});

describe('ExtensionRepository.find() with the credential cache', () => {
  it('serves a hit from the cache for 30 s, then reads the database again', async () => {
    await withRepo({}, async ({ repo, clock, sneak }) => {
      await repo.create({ number: '1001', password: 'first-pass', realm: REALM });
      assert.equal((await repo.find('1001'))?.ha1Sha256, sha256('1001', 'first-pass'));
      await sneak('1001', 'second-pass');
      clock.t += 29_999;
      const cached = await repo.find('1001');
      assert.deepEqual(cached, {
        username: '1001',
        realm: REALM,
        ha1Md5: md5('1001', 'first-pass'),
        ha1Sha256: sha256('1001', 'first-pass'),
      });
      clock.t += 1;
      const fresh = await repo.find('1001');
      assert.equal(fresh?.ha1Md5, md5('1001', 'second-pass'));
      assert.equal(fresh?.ha1Sha256, sha256('1001', 'second-pass'));
    });
  });

  it('findCached() answers from the cache only: nothing before a find(), nothing once expired or invalidated', async () => {
    await withRepo({}, async ({ repo, clock }) => {
      await repo.create({ number: '1001', password: 'first-pass', realm: REALM });
      assert.equal(repo.findCached('1001'), undefined, 'not read yet');
      await repo.find('1001');
      assert.equal(repo.findCached('1001')?.ha1Sha256, sha256('1001', 'first-pass'));
      clock.t += 30_000;
      assert.equal(repo.findCached('1001'), undefined, 'expired after 30 s');
      await repo.find('1001');
      await repo.update('1001', { credentials: { password: 'changed-pass', realm: REALM } });
      assert.equal(repo.findCached('1001'), undefined, 'dropped by the update');
      assert.equal(repo.findCached('2000'), undefined, 'unknown user');
    });
  });

  it('update() through the repository drops the cached credentials at once', async () => {
    await withRepo({}, async ({ repo }) => {
      await repo.create({ number: '1001', password: 'first-pass', realm: REALM });
      await repo.find('1001');
      await repo.update('1001', { credentials: { password: 'changed-pass', realm: REALM } });
      assert.equal((await repo.find('1001'))?.ha1Sha256, sha256('1001', 'changed-pass'));
    });
  });

  it('a display-name-only update() also invalidates (the row was written)', async () => {
    await withRepo({}, async ({ repo, sneak }) => {
      await repo.create({ number: '1001', password: 'first-pass', realm: REALM });
      await repo.find('1001');
      await sneak('1001', 'other-pass');
      await repo.update('1001', { displayName: 'Desk' });
      assert.equal((await repo.find('1001'))?.ha1Md5, md5('1001', 'other-pass'));
    });
  });

  it('delete() drops the cached credentials: the deleted user is unknown at once', async () => {
    await withRepo({}, async ({ repo }) => {
      await repo.create({ number: '1001', password: 'first-pass', realm: REALM });
      assert.notEqual(await repo.find('1001'), undefined);
      assert.equal(await repo.delete('1001'), true);
      assert.equal(await repo.find('1001'), undefined);
    });
  });

  it('issue 18, finding 6: an unknown user is cached like a known one, so both answer without a query', async () => {
    await withRepo({}, async ({ repo, client, clock }) => {
      assert.equal(await repo.find('2000'), undefined);
      assert.equal(repo.findCached('2000'), null, 'a cached miss: the registrar verifies on the same synchronous path');
      // created through the repository: found at once
      await repo.create({ number: '2000', password: 'new-pass', realm: REALM });
      assert.equal((await repo.find('2000'))?.ha1Sha256, sha256('2000', 'new-pass'));
      // created behind the repository's back (another node): found once the miss has expired
      assert.equal(await repo.find('2001'), undefined);
      await client.execute({
        sql: 'INSERT INTO extensions (number, realm, ha1_md5, ha1_sha256, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)',
        args: ['2001', REALM, md5('2001', 'new-pass'), sha256('2001', 'new-pass')],
      });
      assert.equal(await repo.find('2001'), undefined);
      clock.t += 30_000;
      assert.equal((await repo.find('2001'))?.ha1Sha256, sha256('2001', 'new-pass'));
    });
  });

  it('holds at most maxEntries users, evicting the least recently looked up', async () => {
    await withRepo({ credentialCache: { maxEntries: 2 } }, async ({ repo, sneak }) => {
      for (const n of ['1001', '1002', '1003']) await repo.create({ number: n, password: 'old-pass', realm: REALM });
      await repo.find('1001');
      await repo.find('1002');
      await repo.find('1001'); // 1002 is now the least recently used
      await repo.find('1003'); // evicts 1002
      for (const n of ['1001', '1002', '1003']) await sneak(n, 'new-pass');
      assert.equal((await repo.find('1001'))?.ha1Md5, md5('1001', 'old-pass'), '1001 still cached');
      assert.equal((await repo.find('1003'))?.ha1Md5, md5('1003', 'old-pass'), '1003 still cached');
      assert.equal((await repo.find('1002'))?.ha1Md5, md5('1002', 'new-pass'), '1002 was evicted');
    });
  });

  it('credentialCache maxEntries 0 reads the database on every find()', async () => {
    await withRepo({ credentialCache: { maxEntries: 0 } }, async ({ repo, sneak }) => {
      await repo.create({ number: '1001', password: 'old-pass', realm: REALM });
      await repo.find('1001');
      await sneak('1001', 'new-pass');
      assert.equal((await repo.find('1001'))?.ha1Md5, md5('1001', 'new-pass'));
    });
  });

  it('a find() that read the row before an update() does not cache the stale row', async () => {
    const { database, cleanup } = await openTempDatabase();
    try {
      // Hold the extensions SELECT after it has read its row, until the test releases it.
      let hold: Promise<void> | undefined;
      let release = () => {};
      let readDone = () => {};
      const read = new Promise<void>((r) => (readDone = r));
      const gated = new Proxy(database.client, {
        get(target, prop, receiver) {
          if (prop === 'execute') {
            return async (stmt: InStatement) => {
              const result = await target.execute(stmt);
              const sql = typeof stmt === 'string' ? stmt : stmt.sql;
              if (hold && /^\s*select/i.test(sql) && sql.includes('"extensions"')) {
                readDone();
                await hold;
              }
              return result;
            };
          }
          const v: unknown = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const repo = new ExtensionRepository({ db: drizzle(gated, { schema }) });
      await repo.create({ number: '1001', password: 'old-pass', realm: REALM });

      hold = new Promise<void>((r) => (release = r));
      const racing = repo.find('1001');
      await read; // the SELECT has returned the old row; find() has not stored it yet
      hold = undefined;
      await repo.update('1001', { credentials: { password: 'new-pass', realm: REALM } });
      release();
      assert.equal((await racing)?.ha1Md5, md5('1001', 'old-pass'), 'the racing lookup saw the old row');

      assert.equal((await repo.find('1001'))?.ha1Md5, md5('1001', 'new-pass'), 'the old row was not cached');
      const row = await database.client.execute("SELECT ha1_md5 FROM extensions WHERE number = '1001'");
      assert.equal(row.rows[0]?.['ha1_md5'], md5('1001', 'new-pass'));
    } finally {
      await cleanup();
    }
  });
});
