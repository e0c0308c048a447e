import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchWriter } from '../batch-writer.js';
import { callRecordFixture, openTempDatabase, quietStoreLogger } from '../testing.js';
import { CallRecordRepository } from './call-records.js';

describe('CallRecordRepository: routing', () => {
  it('a call record keeps the dial plan trace and the handlers the call ran; a row without them reads without routing', async () => {
    const { database, cleanup } = await openTempDatabase();
    const writer = new BatchWriter({ client: database.client, logger: quietStoreLogger, flushDelayMs: 1 });
    const repo = new CallRecordRepository({ db: database.db, writer, logger: quietStoreLogger });
    try {
      const routing = { trace: [{ number: '1002', entry: 4, pattern: '1002', result: 'matched' }], handlers: ['dial-extension', 'dial-extension'] };
      await repo.begin(callRecordFixture({ id: 'routed', startedAt: 1, routing }));
      assert.deepEqual((await repo.get('routed'))?.routing, routing);
      await repo.begin(callRecordFixture({ id: 'plain', startedAt: 2 }));
      assert.equal('routing' in ((await repo.get('plain')) ?? {}), false);
      await database.client.execute("UPDATE call_records SET routing = 'not json' WHERE id = 'plain'");
      assert.equal((await repo.get('plain'))?.routing, undefined);
    } finally {
      await writer.close();
      await cleanup();
    }
  });
});
