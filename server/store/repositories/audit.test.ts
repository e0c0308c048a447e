import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BatchWriter } from '../batch-writer.js';
import { openTempDatabase, quietStoreLogger } from '../testing.js';
import { AuditRepository, checkAuditChain, verifyAuditChain } from './audit.js';

async function setup() {
  const ctx = await openTempDatabase();
  const writer = new BatchWriter({ client: ctx.database.client, logger: quietStoreLogger, flushDelayMs: 1 });
  let t = 1_700_000_000_000;
  const repo = await AuditRepository.open({ db: ctx.database.db, writer, now: () => t++ });
  return { ...ctx, writer, repo };
}

describe('AuditRepository hash chain', () => {
  it('chains each row: hash = sha256(prev_hash + canonical row), starting from 64 zeros', async () => {
    const { database, writer, repo, cleanup } = await setup();
    try {
      await Promise.all([
        repo.append({ actor: 'admin', action: 'login', source: '127.0.0.1' }),
        repo.append({ actor: 'admin', action: 'extension.create', target: '1001', detail: { displayName: 'A' } }),
      ]);
      const rows = (await database.client.execute('SELECT * FROM audit_log ORDER BY id')).rows;
      assert.equal(rows.length, 2);
      const r1 = rows[0]!;
      const r2 = rows[1]!;
      assert.equal(r1['prev_hash'], '0'.repeat(64));
      // recomputed independently from the documented canonical form
      const canon = (r: typeof r1) =>
        JSON.stringify([r['id'], r['at'], r['actor'], r['action'], r['target'], r['source'], r['detail']]);
      const sha = (s: string) => createHash('sha256').update(s).digest('hex');
      assert.equal(r1['hash'], sha(String(r1['prev_hash']) + canon(r1)));
      assert.equal(r2['prev_hash'], r1['hash']);
      assert.equal(r2['hash'], sha(String(r1['hash']) + canon(r2)));
      assert.equal(await verifyAuditChain(database.db), undefined);
      await writer.close();
    } finally {
      await cleanup();
    }
  });

  it('detects a tampered row and names the first broken id', async () => {
    const { database, writer, repo, cleanup } = await setup();
    try {
      for (let i = 0; i < 20; i++) void repo.append({ actor: 'admin', action: `a${i}` });
      await writer.flush();
      assert.deepEqual(await checkAuditChain(database.db), { ok: true, checked: 20 });
      await database.client.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 7");
      assert.equal(await verifyAuditChain(database.db), 7);
      const report = await checkAuditChain(database.db);
      assert.equal(report.reason, 'hash-mismatch');
      await writer.close();
    } finally {
      await cleanup();
    }
  });

  it('detects a deleted row and a re-hashed forged row (the next link breaks)', async () => {
    const { database, writer, repo, cleanup } = await setup();
    try {
      for (let i = 0; i < 5; i++) void repo.append({ actor: 'admin', action: `a${i}` });
      await writer.flush();
      await database.client.execute('DELETE FROM audit_log WHERE id = 3');
      assert.equal(await verifyAuditChain(database.db), 4);
      await writer.close();
    } finally {
      await cleanup();
    }
  });

  it('continues the chain after a restart (a new repository links to the stored tail)', async () => {
    const { database, writer, repo, cleanup } = await setup();
    try {
      await repo.append({ actor: 'a', action: 'one' });
      const again = await AuditRepository.open({ db: database.db, writer });
      await again.append({ actor: 'a', action: 'two' });
      assert.deepEqual(await checkAuditChain(database.db), { ok: true, checked: 2 });
      const listed = await again.list({ action: 'two' });
      assert.equal(listed.length, 1);
      assert.equal(listed[0]?.id, 2);
      await writer.close();
    } finally {
      await cleanup();
    }
  });

  it('lists with filters, newest first, parsing detail JSON', async () => {
    const { writer, repo, cleanup } = await setup();
    try {
      await Promise.all([
        repo.append({ actor: 'alice', action: 'login', at: 1000 }),
        repo.append({ actor: 'bob', action: 'login', at: 2000 }),
        repo.append({ actor: 'alice', action: 'extension.delete', target: '1001', detail: { why: 'x' }, at: 3000 }),
      ]);
      const alice = await repo.list({ actor: 'alice' });
      assert.deepEqual(
        alice.map((e) => e.action),
        ['extension.delete', 'login'],
      );
      assert.deepEqual(alice[0]?.detail, { why: 'x' });
      assert.equal((await repo.list({ since: 1500, until: 2500 }))[0]?.actor, 'bob');
      assert.equal((await repo.list({ limit: 1, offset: 1 }))[0]?.actor, 'bob');
      await writer.close();
    } finally {
      await cleanup();
    }
  });
});
