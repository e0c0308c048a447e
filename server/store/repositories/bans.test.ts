import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchWriter } from '../batch-writer.js';
import { openTempDatabase, quietStoreLogger } from '../testing.js';
import { BanRepository } from './bans.js';

describe('BanRepository (the BanList store)', () => {
  it('keeps active bans across a reopen; a lifted or ended ban is not loaded', async () => {
    const { database, cleanup } = await openTempDatabase();
    const writer = new BatchWriter({ client: database.client, logger: quietStoreLogger, flushDelayMs: 1 });
    try {
      const repo = new BanRepository({ db: database.db, writer, logger: quietStoreLogger });
      repo.save({ ip: '192.0.2.1', since: 1_000, until: 601_000, failures: 5 });
      repo.save({ ip: '192.0.2.2', since: 1_000, until: 601_000, failures: 5 });
      repo.save({ ip: '192.0.2.3', since: 1_000, until: 2_000, failures: 5 });
      repo.save({ ip: '192.0.2.1', since: 5_000, until: 605_000, failures: 7 }); // banned again: one row
      repo.remove('192.0.2.2');
      await writer.flush();
      const again = new BanRepository({ db: database.db, writer, logger: quietStoreLogger });
      assert.deepEqual(await again.loadActive(10_000), [{ ip: '192.0.2.1', since: 5_000, until: 605_000, failures: 7 }]);
      const n = await database.client.execute('SELECT count(*) AS n FROM sip_bans');
      assert.equal(n.rows[0]?.['n'], 1, 'rows of ended bans are deleted at load');
    } finally {
      await writer.close();
      await cleanup();
    }
  });
});
