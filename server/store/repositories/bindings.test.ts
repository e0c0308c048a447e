import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchWriter } from '../batch-writer.js';
import { openTempDatabase, quietStoreLogger } from '../testing.js';
import { BindingRepository, type StoredBinding } from './bindings.js';

const base: StoredBinding = {
  aor: 'sip:1001@pbx.example',
  contact: 'sip:1001@192.0.2.10:5062;transport=tcp',
  q: 0.5,
  expiresAt: 2_000,
  callId: 'c1@host',
  cseq: 7,
  flow: {
    protocol: 'tcp',
    local: { address: '127.0.0.1', port: 5060 },
    remote: { address: '192.0.2.10', port: 40000 },
    connectionId: 'conn-1',
  },
  source: { address: '192.0.2.10', port: 40000 },
  userAgent: 'Phone/1.0',
  instanceId: '<urn:uuid:00000000-0000-0000-0000-000000000001>',
  updatedAt: 1_000,
};

describe('BindingRepository (BindingPersistence)', () => {
  it('save resolves once committed; loadAll returns the binding field for field; save again upserts', async () => {
    const { database, cleanup } = await openTempDatabase();
    const writer = new BatchWriter({ client: database.client, logger: quietStoreLogger, flushDelayMs: 1 });
    try {
      const repo = new BindingRepository({ db: database.db, writer, logger: quietStoreLogger });
      await repo.save(base);
      // committed: visible through a direct read, not only through the writer
      const n = await database.client.execute('SELECT count(*) AS n FROM registration_bindings');
      assert.equal(n.rows[0]?.['n'], 1);
      assert.deepEqual(await repo.loadAll(), [base]);

      const udp: StoredBinding = {
        aor: base.aor,
        contact: 'sip:1001@192.0.2.11:5060',
        q: 1,
        expiresAt: 5_000,
        callId: 'c2',
        cseq: 1,
        flow: { protocol: 'udp', local: { address: '::1', port: 5060 }, remote: { address: '::1', port: 5099 } },
        source: { address: '::1', port: 5099 },
        updatedAt: 1_000,
      };
      await Promise.all([repo.save({ ...base, cseq: 8, expiresAt: 3_000 }), repo.save(udp)]);
      const all = await repo.loadAll();
      assert.equal(all.length, 2);
      assert.equal(all.find((b) => b.contact === base.contact)?.cseq, 8);
      assert.deepEqual(
        all.find((b) => b.contact === udp.contact),
        udp,
      );

      assert.equal(await repo.removeExpired(3_000), 1);
      await repo.remove(udp.aor, udp.contact);
      assert.deepEqual(await repo.loadAll(), []);
    } finally {
      await writer.close();
      await cleanup();
    }
  });
});
