import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchQueueFullError, BatchWriter, BatchWriterClosedError } from './batch-writer.js';
import { openTempDatabase, quietStoreLogger } from './testing.js';

async function withTable<T>(fn: (ctx: Awaited<ReturnType<typeof openTempDatabase>>) => Promise<T>): Promise<T> {
  const ctx = await openTempDatabase();
  try {
    await ctx.database.client.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    return await fn(ctx);
  } finally {
    await ctx.cleanup();
  }
}

describe('BatchWriter', () => {
  it('commits 10 000 enqueued rows; all are present after close()', async () => {
    await withTable(async ({ database }) => {
      const batches: number[] = [];
      const client = database.client;
      const spy = new Proxy(client, {
        get(target, prop, receiver) {
          if (prop === 'batch') {
            return (stmts: unknown[], mode: 'write') => {
              batches.push(stmts.length);
              return target.batch(stmts as Parameters<typeof target.batch>[0], mode);
            };
          }
          const v: unknown = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      const writer = new BatchWriter({ client: spy, logger: quietStoreLogger, maxBatchSize: 500, flushDelayMs: 5 });
      const promises: Promise<void>[] = [];
      for (let i = 0; i < 10_000; i++) {
        promises.push(writer.enqueue({ sql: 'INSERT INTO t (id, v) VALUES (?, ?)', args: [i, `row${i}`] }));
      }
      assert.equal(writer.pending, 10_000, 'enqueue is synchronous: nothing committed yet');
      await writer.close();
      await Promise.all(promises);
      const n = await client.execute('SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM t');
      assert.deepEqual([n.rows[0]?.['n'], n.rows[0]?.['lo'], n.rows[0]?.['hi']], [10_000, 0, 9_999]);
      assert.equal(writer.pending, 0);
      // group commit: far fewer transactions than rows, none above the configured size
      assert.ok(batches.length <= 40, `expected few batches, got ${batches.length}`);
      assert.ok(batches.every((s) => s <= 500));
    });
  });

  it('flushes by itself after the delay, resolving each promise on commit', async () => {
    await withTable(async ({ database }) => {
      const writer = new BatchWriter({ client: database.client, logger: quietStoreLogger, flushDelayMs: 1 });
      await writer.enqueue({ sql: 'INSERT INTO t (id, v) VALUES (1, ?)', args: ['a'] });
      const r = await database.client.execute('SELECT v FROM t WHERE id = 1');
      assert.equal(r.rows[0]?.['v'], 'a');
      await writer.close();
    });
  });

  it('commits in enqueue order (a later update wins over an earlier insert)', async () => {
    await withTable(async ({ database }) => {
      const writer = new BatchWriter({ client: database.client, logger: quietStoreLogger, maxBatchSize: 3 });
      const ps = [writer.enqueue({ sql: "INSERT INTO t (id, v) VALUES (1, 'first')", args: [] })];
      for (let i = 0; i < 10; i++) ps.push(writer.enqueue({ sql: 'UPDATE t SET v = ? WHERE id = 1', args: [`u${i}`] }));
      await writer.flush();
      await Promise.all(ps);
      const r = await database.client.execute('SELECT v FROM t WHERE id = 1');
      assert.equal(r.rows[0]?.['v'], 'u9');
      await writer.close();
    });
  });

  it('a failing statement rejects only its own promise; the rest of its batch commits', async () => {
    await withTable(async ({ database }) => {
      const errors: unknown[] = [];
      const logger = { ...quietStoreLogger, error: (obj: object) => void errors.push(obj) };
      const writer = new BatchWriter({ client: database.client, logger, flushDelayMs: 1 });
      const good1 = writer.enqueue({ sql: "INSERT INTO t (id, v) VALUES (1, 'a')", args: [] });
      const bad = writer.enqueue({ sql: 'INSERT INTO t (id, v) VALUES (2, NULL)', args: [] });
      const good2 = writer.enqueue({ sql: "INSERT INTO t (id, v) VALUES (3, 'c')", args: [] });
      // attached before close(): the rejection arrives while close() is still waiting on the worker
      const badRejects = assert.rejects(bad);
      await writer.close();
      await good1;
      await good2;
      await badRejects;
      assert.equal(errors.length, 1, 'the failure is logged');
      const r = await database.client.execute('SELECT id FROM t ORDER BY id');
      assert.deepEqual(
        r.rows.map((x) => x['id']),
        [1, 3],
      );
    });
  });

  it('rejects with a clear error when the queue is full, and after close()', async () => {
    await withTable(async ({ database }) => {
      const writer = new BatchWriter({
        client: database.client,
        logger: quietStoreLogger,
        maxQueueSize: 2,
        maxBatchSize: 100,
        flushDelayMs: 50,
      });
      const a = writer.enqueue({ sql: "INSERT INTO t (id, v) VALUES (1, 'a')", args: [] });
      const b = writer.enqueue({ sql: "INSERT INTO t (id, v) VALUES (2, 'b')", args: [] });
      await assert.rejects(writer.enqueue({ sql: "INSERT INTO t (id, v) VALUES (3, 'c')", args: [] }), BatchQueueFullError);
      await writer.close();
      await Promise.all([a, b]);
      await assert.rejects(writer.enqueue({ sql: "INSERT INTO t (id, v) VALUES (4, 'd')", args: [] }), BatchWriterClosedError);
      await writer.close(); // idempotent
    });
  });
});
