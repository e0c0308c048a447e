import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDatabase } from '../database.js';
import { findMigrationsFolder } from '../migrate.js';
import { openTempDatabase, quietStoreLogger } from '../testing.js';
import { ExtensionRepository } from './extensions.js';

const hex = (alg: string, s: string) => createHash(alg).update(s).digest('hex');

describe('ExtensionRepository', () => {
  it('RFC 7616 3.4.2: stores HA1 = H(username:realm:password) for MD5 and SHA-256, never the password', async () => {
    const { database, cleanup } = await openTempDatabase();
    try {
      const repo = new ExtensionRepository({ db: database.db });
      const ext = await repo.create({ number: '1001', password: 'Secret-pass1', realm: 'pbx.example', displayName: 'Desk' });
      assert.equal(ext?.number, '1001');
      assert.equal(await repo.create({ number: '1001', password: 'other-pass', realm: 'pbx.example' }), undefined);
      const creds = await repo.find('1001');
      assert.equal(creds?.ha1Md5, hex('md5', '1001:pbx.example:Secret-pass1'));
      assert.equal(creds?.ha1Sha256, hex('sha256', '1001:pbx.example:Secret-pass1'));
      const raw = await database.client.execute('SELECT * FROM extensions');
      assert.ok(!JSON.stringify(raw.rows).includes('Secret-pass1'));
      assert.equal(await repo.find('9999'), undefined);

      const updated = await repo.update('1001', { credentials: { password: 'New-pass-22', realm: 'pbx.example' } });
      assert.equal(updated?.displayName, 'Desk');
      assert.equal((await repo.find('1001'))?.ha1Sha256, hex('sha256', '1001:pbx.example:New-pass-22'));
      assert.equal((await repo.update('1001', { displayName: null }))?.displayName, null);
      assert.equal(await repo.update('4242', { displayName: 'x' }), undefined);
    } finally {
      await cleanup();
    }
  });

  it('lists in number order with limit/offset and a total; deletes', async () => {
    const { database, cleanup } = await openTempDatabase();
    try {
      const repo = new ExtensionRepository({ db: database.db });
      for (const n of ['1003', '1001', '1002']) await repo.create({ number: n, password: 'password1', realm: 'r' });
      const page = await repo.list({ limit: 2, offset: 1 });
      assert.deepEqual(
        page.items.map((e) => e.number),
        ['1002', '1003'],
      );
      assert.equal(page.total, 3);
      assert.equal(await repo.delete('1002'), true);
      assert.equal(await repo.delete('1002'), false);
      assert.equal(await repo.get('1002'), undefined);
    } finally {
      await cleanup();
    }
  });

  it('permissions default to internal + emergency, are stored once each in a fixed order, and profile() follows writes', async () => {
    const { database, cleanup } = await openTempDatabase();
    try {
      const repo = new ExtensionRepository({ db: database.db });
      await repo.create({ number: '1001', password: 'password1', realm: 'r', displayName: 'Desk' });
      assert.deepEqual((await repo.get('1001'))?.permissions, ['internal', 'emergency']);
      const raw = await database.client.execute("SELECT permissions FROM extensions WHERE number = '1001'");
      assert.equal(raw.rows[0]?.['permissions'], '["internal","emergency"]');

      assert.deepEqual(await repo.profile('1001'), { number: '1001', displayName: 'Desk', permissions: ['internal', 'emergency'] });
      assert.equal(await repo.profile('9999'), undefined);

      // profile() is cached: an update must be visible at once, not after the cache's TTL
      await repo.update('1001', { permissions: ['international', 'internal', 'international', 'national'] });
      assert.deepEqual((await repo.profile('1001'))?.permissions, ['internal', 'national', 'international']);
      await repo.update('1001', { displayName: 'Lobby' });
      assert.equal((await repo.profile('1001'))?.displayName, 'Lobby');
      assert.deepEqual((await repo.get('1001'))?.permissions, ['internal', 'national', 'international'], 'a name change keeps them');

      await repo.create({ number: '1002', password: 'password1', realm: 'r', permissions: [] });
      assert.deepEqual((await repo.profile('1002'))?.permissions, [], 'an empty set may dial nothing');
      await repo.delete('1001');
      assert.equal(await repo.profile('1001'), undefined);

      // a value this version does not know never widens what the extension may dial
      await database.client.execute(`UPDATE extensions SET permissions = '["internal","satellite"]' WHERE number = '1002'`);
      assert.deepEqual((await repo.get('1002'))?.permissions, ['internal']);
    } finally {
      await cleanup();
    }
  });

  it('upgrading a database from before permissions existed gives its extensions the default set (migration 0001)', async () => {
    const { dir, cleanup } = await openTempDatabase();
    try {
      // A migrations folder holding only the foundation, as an older release shipped it.
      const real = findMigrationsFolder();
      assert.ok(real);
      const old = join(dir, 'old-migrations');
      await mkdir(join(old, 'meta'), { recursive: true });
      await copyFile(join(real, '0000_foundation.sql'), join(old, '0000_foundation.sql'));
      const journal = JSON.parse(await readFile(join(real, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
      journal.entries = journal.entries.filter((e) => e.tag === '0000_foundation');
      await writeFile(join(old, 'meta', '_journal.json'), JSON.stringify(journal));

      const oldDir = join(dir, 'data');
      const before = await openDatabase({ dataDir: oldDir, logger: quietStoreLogger, migrationsFolder: old });
      await before.client.execute(
        "INSERT INTO extensions (number, realm, ha1_md5, ha1_sha256, created_at, updated_at) VALUES ('2001', 'r', 'x', 'y', 1, 1)",
      );
      before.close();
      const after = await openDatabase({ dataDir: oldDir, logger: quietStoreLogger });
      try {
        const repo = new ExtensionRepository({ db: after.db });
        assert.deepEqual((await repo.get('2001'))?.permissions, ['internal', 'emergency']);
      } finally {
        after.close();
      }
    } finally {
      await cleanup();
    }
  });
});
