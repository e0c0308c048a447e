import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openTempDatabase } from '../testing.js';
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
});
