// RowInsert and BatchWriter.enqueueRow: rows queued together commit as one multi-row statement per
// batch, upserts update existing keys (last one wins within a batch), and one bad row fails alone.
// Every expectation is read back from the real database with plain SQL.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client, InStatement } from '@libsql/client';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { BatchWriter } from './batch-writer.js';
import { RowInsert } from './row-insert.js';
import { openTempDatabase, quietStoreLogger } from './testing.js';

const items = sqliteTable('items', {
  id: integer('id').primaryKey(),
  label: text('label').notNull(),
  score: integer('score_value'),
});

const upsert = new RowInsert({ table: items, columns: ['id', 'label', 'score'], conflict: ['id'] });
const plain = new RowInsert({ table: items, columns: ['id', 'label'] });
const parents = sqliteTable('parents', { id: integer('id').primaryKey(), label: text('label').notNull() });
const children = sqliteTable('children', { id: integer('id').primaryKey(), parent: integer('parent').notNull(), label: text('label').notNull() });
const groupedParent = new RowInsert({ table: parents, columns: ['id', 'label'], conflict: ['id'], groups: true });
const groupedChild = new RowInsert({ table: children, columns: ['id', 'parent', 'label'], conflict: ['id'], groups: true, after: [groupedParent] });

async function withFamilies(fn: (client: Client, spy: Spy) => Promise<void>): Promise<void> {
  const { database, cleanup } = await openTempDatabase();
  try {
    await database.client.execute('CREATE TABLE parents (id INTEGER PRIMARY KEY, label TEXT NOT NULL)');
    await database.client.execute(
      'CREATE TABLE children (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parents(id), label TEXT NOT NULL)',
    );
    await fn(database.client, spying(database.client));
  } finally {
    await cleanup();
  }
}

const merging = new RowInsert({ table: items, columns: ['id', 'label', 'score'], conflict: ['id'], coalesce: true });

type Spy = { client: Client; batches: string[][]; singles: string[] };

/** The real client, recording what is sent through batch() and execute(). */
function spying(client: Client): Spy {
  const spy: Spy = { client, batches: [], singles: [] };
  const sqlOf = (s: InStatement) => (typeof s === 'string' ? s : s.sql);
  spy.client = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'batch') {
        return (stmts: InStatement[], mode: 'write') => {
          spy.batches.push(stmts.map(sqlOf));
          return target.batch(stmts, mode);
        };
      }
      if (prop === 'execute') {
        return (stmt: InStatement) => {
          spy.singles.push(sqlOf(stmt));
          return target.execute(stmt);
        };
      }
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return spy;
}

async function withItems(fn: (client: Client, spy: Spy) => Promise<void>): Promise<void> {
  const { database, cleanup } = await openTempDatabase();
  try {
    await database.client.execute(
      'CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, score_value INTEGER)',
    );
    await fn(database.client, spying(database.client));
  } finally {
    await cleanup();
  }
}

async function rows(client: Client): Promise<[number, string, number | null][]> {
  const r = await client.execute('SELECT id, label, score_value FROM items ORDER BY id');
  return r.rows.map((x) => [Number(x['id']), String(x['label']), x['score_value'] === null ? null : Number(x['score_value'])]);
}

const tuples = (sql: string) => (sql.match(/\(\?(, \?)*\)/g) ?? []).length;

describe('RowInsert', () => {
  it('names the SQL columns (not the drizzle keys) and quotes the table', () => {
    const s = plain.statement([[1, 'a']]);
    assert.equal(typeof s === 'string' ? s : s.sql, 'INSERT INTO "items" ("id", "label") VALUES (?, ?)');
  });

  it('puts every row of a statement into one VALUES list, args flattened in order', () => {
    const s = upsert.statement([
      [1, 'a', 10],
      [2, 'b', null],
    ]);
    assert.ok(typeof s !== 'string');
    assert.equal(tuples(s.sql), 2);
    assert.deepEqual(s.args, [1, 'a', 10, 2, 'b', null]);
    assert.match(s.sql, /ON CONFLICT \("id"\) DO UPDATE SET "label" = excluded\."label", "score_value" = excluded\."score_value"$/);
  });

  it('keeps a statement within SQLite’s 32 766 host parameters', () => {
    assert.equal(upsert.width, 3);
    assert.equal(upsert.maxRows, Math.floor(32_766 / 3));
  });

  it('rejects a column the table does not have', () => {
    assert.throws(() => new RowInsert({ table: items, columns: ['id', 'nope' as 'label'] }), /no column nope in items/);
  });
});

describe('BatchWriter.enqueueRow', () => {
  it('commits many queued rows as one multi-row statement per batch; all present on resolve', async () => {
    await withItems(async (client, spy) => {
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, maxBatchSize: 1000, flushDelayMs: 5 });
      const n = 300;
      await Promise.all(Array.from({ length: n }, (_, i) => writer.enqueueRow(upsert, [i, `row${i}`, i * 2])));
      assert.deepEqual(spy.batches.map((b) => b.length), [1], 'one batch holding one statement');
      assert.equal(tuples(spy.batches[0]?.[0] ?? ''), n);
      const got = await rows(client);
      assert.deepEqual(got, Array.from({ length: n }, (_, i) => [i, `row${i}`, i * 2]));
      await writer.close();
    });
  });

  it('splits at maxBatchSize: one multi-row statement per batch', async () => {
    await withItems(async (client, spy) => {
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, maxBatchSize: 100, flushDelayMs: 5 });
      await Promise.all(Array.from({ length: 250 }, (_, i) => writer.enqueueRow(plain, [i, `r${i}`])));
      assert.deepEqual(spy.batches.map((b) => b.map(tuples)), [[100], [100], [50]]);
      const c = await client.execute('SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM items');
      assert.deepEqual([c.rows[0]?.['n'], c.rows[0]?.['lo'], c.rows[0]?.['hi']], [250, 0, 249]);
      await writer.close();
    });
  });

  it('a batch above maxRows splits into full statements the real SQLite accepts', async () => {
    await withItems(async (client, spy) => {
      const n = upsert.maxRows + 1;
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, maxBatchSize: n, flushDelayMs: 5 });
      await Promise.all(Array.from({ length: n }, (_, i) => writer.enqueueRow(upsert, [i, 'x', i])));
      assert.deepEqual(spy.batches.map((b) => b.map(tuples)), [[upsert.maxRows, 1]]);
      const c = await client.execute('SELECT count(*) AS n, sum(score_value) AS s FROM items');
      assert.deepEqual([c.rows[0]?.['n'], c.rows[0]?.['s']], [n, (n * (n - 1)) / 2]);
      await writer.close();
    });
  });

  it('an upsert of an existing primary key updates the row', async () => {
    await withItems(async (client, spy) => {
      await client.execute("INSERT INTO items (id, label, score_value) VALUES (7, 'before', 1)");
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, flushDelayMs: 1 });
      await Promise.all([writer.enqueueRow(upsert, [7, 'after', null]), writer.enqueueRow(upsert, [8, 'new', 3])]);
      assert.deepEqual(await rows(client), [
        [7, 'after', null],
        [8, 'new', 3],
      ]);
      await writer.close();
    });
  });

  it('two upserts of the same key in one batch: the later one wins', async () => {
    await withItems(async (client, spy) => {
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, flushDelayMs: 5 });
      await Promise.all([
        writer.enqueueRow(upsert, [1, 'first', 1]),
        writer.enqueueRow(upsert, [2, 'other', 2]),
        writer.enqueueRow(upsert, [1, 'second', 3]),
      ]);
      assert.deepEqual(spy.batches.map((b) => b.map(tuples)), [[3]], 'all three in one statement');
      assert.deepEqual(await rows(client), [
        [1, 'second', 3],
        [2, 'other', 2],
      ]);
      await writer.close();
    });
  });

  it('coalesce: a later upsert of a queued key takes its place, so one row is written; both promises settle on that commit', async () => {
    await withItems(async (client, spy) => {
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, flushDelayMs: 5 });
      const settled: string[] = [];
      await Promise.all([
        writer.enqueueRow(merging, [1, 'first', 1]).then(() => settled.push('first')),
        writer.enqueueRow(merging, [2, 'other', 2]).then(() => settled.push('other')),
        writer.enqueueRow(merging, [1, 'second', 3]).then(() => settled.push('second')),
      ]);
      assert.deepEqual(spy.batches.map((b) => b.map(tuples)), [[2]], 'two rows in one statement');
      assert.deepEqual(settled.sort(), ['first', 'other', 'second']);
      assert.deepEqual(await rows(client), [
        [1, 'second', 3],
        [2, 'other', 2],
      ]);
      await writer.close();
    });
  });

  it('coalesce: another write to the table queued in between keeps queue order (no row merges across it)', async () => {
    await withItems(async (client, spy) => {
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, flushDelayMs: 5 });
      await Promise.all([
        writer.enqueueRow(merging, [2, 'a', 1]),
        writer.enqueue({ sql: "UPDATE items SET label = 'z' WHERE id = 2", args: [] }),
        writer.enqueueRow(merging, [2, 'y', 5]),
        writer.enqueueRow(merging, [3, 'c', 1]),
        writer.enqueueRow(upsert, [3, 'd', 2]),
        writer.enqueueRow(merging, [3, 'e', 3]),
      ]);
      assert.deepEqual(spy.batches.map((b) => b.map(tuples)), [[1, 0, 2, 1, 1]]);
      assert.deepEqual(await rows(client), [
        [2, 'y', 5],
        [3, 'e', 3],
      ]);
      await writer.close();
    });
  });

  it('coalesce: a row already in a batch being committed is not replaced; the later one commits after it', async () => {
    await withItems(async (client, spy) => {
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, flushDelayMs: 1000 });
      const first = writer.enqueueRow(merging, [1, 'a', 1]);
      const flushed = writer.flush();
      const second = writer.enqueueRow(merging, [1, 'b', 2]);
      await Promise.all([first, flushed, second, writer.flush()]);
      assert.deepEqual(spy.batches.map((b) => b.map(tuples)), [[1], [1]]);
      assert.deepEqual(await rows(client), [[1, 'b', 2]]);
      await writer.close();
    });
  });

  it('groups: interleaved parent and child rows commit as one statement per table, parents first (foreign keys on)', async () => {
    await withFamilies(async (client, spy) => {
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, flushDelayMs: 5 });
      const writes: Promise<void>[] = [];
      for (let i = 1; i <= 3; i++) {
        writes.push(writer.enqueueRow(groupedParent, [i, `p${i}`]), writer.enqueueRow(groupedChild, [i * 10, i, `c${i}`]));
      }
      await Promise.all(writes);
      assert.deepEqual(spy.batches.map((b) => b.map(tuples)), [[3, 3]]);
      const r = await client.execute('SELECT count(*) AS n FROM children JOIN parents ON parents.id = children.parent');
      assert.equal(Number(r.rows[0]?.['n']), 3);
      await writer.close();
    });
  });

  it('groups: a child row never moves ahead of a parent row queued before it; one bad row still fails alone', async () => {
    await withFamilies(async (client, spy) => {
      await client.execute("INSERT INTO parents (id, label) VALUES (1, 'p1')");
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, flushDelayMs: 5 });
      const results = await Promise.allSettled([
        writer.enqueueRow(groupedChild, [10, 1, 'c1']), // its parent is committed already
        writer.enqueueRow(groupedParent, [2, 'p2']),
        writer.enqueueRow(groupedChild, [20, 2, 'c2']), // must stay behind p2
        writer.enqueueRow(groupedChild, [21, 2, null]), // label is NOT NULL
        writer.enqueueRow(groupedParent, [3, 'p3']),
      ]);
      assert.deepEqual(results.map((x) => x.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      assert.deepEqual(spy.batches.map((b) => b.map(tuples)), [[1, 2, 2]]);
      const r = await client.execute('SELECT id FROM children ORDER BY id');
      assert.deepEqual(r.rows.map((x) => Number(x['id'])), [10, 20]);
      await writer.close();
    });
  });

  it('one bad row in a batch rejects only its own promise; the other rows commit', async () => {
    await withItems(async (client, spy) => {
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, flushDelayMs: 5 });
      const results = await Promise.allSettled([
        writer.enqueueRow(upsert, [1, 'a', 1]),
        writer.enqueueRow(upsert, [2, null, 2]), // label is NOT NULL
        writer.enqueueRow(upsert, [3, 'c', 3]),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.match(String((results[1] as PromiseRejectedResult).reason), /NOT NULL/i);
      assert.equal(spy.batches.length, 1, 'the merged statement was tried once');
      assert.equal(spy.singles.length, 3, 'then each row alone');
      assert.deepEqual(await rows(client), [
        [1, 'a', 1],
        [3, 'c', 3],
      ]);
      await writer.close();
    });
  });

  it('rows and plain statements interleave in queue order; a run is merged only for the same RowInsert', async () => {
    await withItems(async (client, spy) => {
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, flushDelayMs: 5 });
      await Promise.all([
        writer.enqueueRow(plain, [1, 'a']),
        writer.enqueueRow(plain, [2, 'b']),
        writer.enqueue({ sql: "UPDATE items SET label = 'z' WHERE id = 2", args: [] }),
        writer.enqueueRow(upsert, [2, 'y', 5]),
        writer.enqueueRow(plain, [3, 'c']),
      ]);
      assert.deepEqual(spy.batches.map((b) => b.map(tuples)), [[2, 0, 1, 1]]);
      assert.deepEqual(await rows(client), [
        [1, 'a', null],
        [2, 'y', 5],
        [3, 'c', null],
      ]);
      await writer.close();
    });
  });

  it('rejects a row whose width does not match the columns, queueing nothing', async () => {
    await withItems(async (client, spy) => {
      const writer = new BatchWriter({ client: spy.client, logger: quietStoreLogger, flushDelayMs: 1 });
      await assert.rejects(writer.enqueueRow(upsert, [1, 'a']), RangeError);
      assert.equal(writer.pending, 0);
      await writer.close();
      assert.deepEqual(await rows(client), []);
    });
  });
});
