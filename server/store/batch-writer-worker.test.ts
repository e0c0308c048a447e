// The BatchWriter's worker_thread path: a database that openDatabase opened on a local file commits
// its batches on a worker with its own connection. Rows are read back through a separate client to
// show they are on disk, not merely visible to the connection that wrote them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type Client } from '@libsql/client';
import { BatchWriter } from './batch-writer.js';
import { BatchWorkerCrashedError } from './batch-writer-thread.js';
import { fileConnectionOf } from './database.js';
import { RowInsert } from './row-insert.js';
import { registrationBindings } from './schema/registration-bindings.js';
import { openTempDatabase, quietStoreLogger } from './testing.js';

type Ctx = Awaited<ReturnType<typeof openTempDatabase>> & { reader: Client };

async function withDatabase(fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const ctx = await openTempDatabase();
  const connection = fileConnectionOf(ctx.database.client);
  assert.ok(connection, 'a temp-file database is shared with the worker');
  const reader = createClient({ url: connection.url });
  try {
    await ctx.database.client.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    await fn({ ...ctx, reader });
  } finally {
    reader.close();
    await ctx.cleanup();
  }
}

const count = async (client: Client, table = 't') => Number((await client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.['n']);

interface Logged {
  level: 'warn' | 'error';
  msg: string | undefined;
}
function recordingLogger(into: Logged[]) {
  return {
    ...quietStoreLogger,
    warn: (_: object, msg?: string) => void into.push({ level: 'warn', msg }),
    error: (_: object, msg?: string) => void into.push({ level: 'error', msg }),
  };
}

describe('BatchWriter on a worker_thread', () => {
  it('durability: each row is committed, visible to another connection, when its promise resolves', async () => {
    await withDatabase(async ({ database, reader }) => {
      const writer = new BatchWriter({ client: database.client, logger: quietStoreLogger, flushDelayMs: 1 });
      for (let i = 0; i < 5; i++) {
        await writer.enqueue({ sql: 'INSERT INTO t (id, v) VALUES (?, ?)', args: [i, `v${i}`] });
        assert.equal(await count(reader), i + 1);
        // and the main thread's own connection, which API reads go through, sees it too
        assert.equal(await count(database.client), i + 1);
      }
      await writer.close();
    });
  });

  it('upserts queued rows of a RowInsert (a REGISTER binding) and isolates one bad row', async () => {
    await withDatabase(async ({ database, reader }) => {
      const insert = new RowInsert({ table: registrationBindings, columns: ['aor', 'contact', 'q', 'expiresAt', 'callId', 'cseq', 'flowProtocol', 'flowLocalAddress', 'flowLocalPort', 'flowRemoteAddress', 'flowRemotePort', 'sourceAddress', 'sourcePort', 'updatedAt'], conflict: ['aor', 'contact'] });
      const row = (aor: string, cseq: number) => [aor, 'sip:x@1.2.3.4', 1, 9e12, 'cid', cseq, 'udp', '10.0.0.1', 5060, '1.2.3.4', 5060, '1.2.3.4', 5060, 1];
      const errors: Logged[] = [];
      const writer = new BatchWriter({ client: database.client, logger: recordingLogger(errors), flushDelayMs: 5 });
      const saves = Array.from({ length: 100 }, (_, i) => writer.enqueueRow(insert, row(`sip:${i}@h`, 1)));
      const bad = writer.enqueueRow(insert, [...row('sip:bad@h', 1).slice(0, 13), null]); // updated_at NOT NULL
      const again = writer.enqueueRow(insert, row('sip:7@h', 2));
      const badRejects = assert.rejects(bad, (err: Error & { code?: string }) => err.code === 'SQLITE_CONSTRAINT');
      await Promise.all([...saves, again]);
      await badRejects;
      assert.equal(await count(reader, 'registration_bindings'), 100);
      const r = await reader.execute("SELECT cseq FROM registration_bindings WHERE aor = 'sip:7@h'");
      assert.equal(r.rows[0]?.['cseq'], 2, 'the later save of the same binding wins');
      assert.deepEqual(errors.map((e) => e.level), ['warn', 'error'], 'batch failure warned, the bad row logged');
      await writer.close();
    });
  });

  it('close() commits everything queued, then ends the worker', async () => {
    await withDatabase(async ({ database, reader }) => {
      const writer = new BatchWriter({ client: database.client, logger: quietStoreLogger, maxBatchSize: 200, flushDelayMs: 1000 });
      const all: Promise<void>[] = [];
      for (let i = 0; i < 3000; i++) all.push(writer.enqueue({ sql: 'INSERT INTO t (id, v) VALUES (?, ?)', args: [i, 'x'] }));
      await writer.close();
      await Promise.all(all);
      assert.equal(writer.pending, 0);
      assert.equal(await count(reader), 3000);
    });
  });

  it('a crashed worker rejects its batch with BatchWorkerCrashedError, is logged and is restarted', async () => {
    await withDatabase(async ({ database, reader }) => {
      const logged: Logged[] = [];
      const writer = new BatchWriter({
        client: database.client,
        logger: recordingLogger(logged),
        flushDelayMs: 1,
        workerUrl: new URL('../../test/fixtures/crashing-batch-writer-worker.ts', import.meta.url),
      });
      await writer.enqueue({ sql: "INSERT INTO t (id, v) VALUES (1, 'before')", args: [] });
      await assert.rejects(writer.enqueue({ sql: "INSERT INTO t (id, v) VALUES (2, 'CRASH')", args: [] }), BatchWorkerCrashedError);
      assert.ok(logged.some((l) => l.level === 'error' && /worker exited unexpectedly/.test(l.msg ?? '')), 'the crash is logged');
      await writer.enqueue({ sql: "INSERT INTO t (id, v) VALUES (3, 'after')", args: [] });
      assert.ok(logged.some((l) => l.level === 'warn' && /restarting/.test(l.msg ?? '')), 'the restart is logged');
      const r = await reader.execute('SELECT id FROM t ORDER BY id');
      assert.deepEqual(r.rows.map((x) => x['id']), [1, 3]);
      await writer.close();
    });
  });
});
