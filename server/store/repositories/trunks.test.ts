import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openTempDatabase } from '../testing.js';
import { TrunkRepository, type SecretSealer } from './trunks.js';

/** a reversible stand-in for the real box (server/security/secret-box.test.ts tests the cipher) */
const sealer: SecretSealer = {
  seal: (plain) => `S:${Buffer.from(plain).toString('hex')}`,
  isSealed: (stored) => stored.startsWith('S:'),
  open: (stored) => (stored.startsWith('S:') ? Buffer.from(stored.slice(2), 'hex').toString() : stored),
};

describe('TrunkRepository carrier secrets', () => {
  it('writes the secret sealed, reads it opened; an update without a secret keeps it; older clear rows are sealed at start', async () => {
    const { database, cleanup } = await openTempDatabase();
    try {
      const trunks = new TrunkRepository({ db: database.db, secrets: sealer, now: () => 1 });
      const created = await trunks.createTrunk({ name: 'carrier', kind: 'register', settings: {}, secret: 'pass-1' });
      assert.equal(created.secret, 'pass-1');
      const stored = async (): Promise<unknown[]> => (await database.client.execute('SELECT secret FROM trunks ORDER BY id')).rows.map((r) => r['secret']);
      assert.deepEqual(await stored(), [`S:${Buffer.from('pass-1').toString('hex')}`]);
      assert.equal((await trunks.trunk(created.id))?.secret, 'pass-1');

      await trunks.updateTrunk(created.id, { name: 'carrier', kind: 'register', settings: { host: 'x' } });
      assert.equal((await trunks.trunk(created.id))?.secret, 'pass-1');

      // a row written in clear by a version before sealing
      await database.client.execute("INSERT INTO trunks (name, kind, settings, secret, created_at, updated_at) VALUES ('old', 'ip', '{}', 'legacy-pass', 1, 1)");
      assert.equal(await trunks.sealStoredSecrets(), 1);
      assert.equal(await trunks.sealStoredSecrets(), 0);
      assert.ok(!JSON.stringify(await stored()).includes('legacy-pass'));
      assert.equal((await trunks.trunks()).find((t) => t.name === 'old')?.secret, 'legacy-pass');
    } finally {
      await cleanup();
    }
  });
});
