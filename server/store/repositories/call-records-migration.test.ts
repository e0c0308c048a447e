import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriter } from '../batch-writer.js';
import { openDatabase } from '../database.js';
import { findMigrationsFolder } from '../migrate.js';
import { quietStoreLogger } from '../testing.js';
import { CallRecordRepository } from './call-records.js';

/** The migrations folder as it stood before 0002: the first `count` entries of the journal. */
async function migrationsUpTo(count: number, into: string): Promise<void> {
  const real = findMigrationsFolder();
  assert.ok(real);
  const journal = JSON.parse(await readFile(join(real, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  await mkdir(join(into, 'meta'), { recursive: true });
  const entries = journal.entries.slice(0, count);
  for (const e of entries) await copyFile(join(real, `${e.tag}.sql`), join(into, `${e.tag}.sql`));
  await writeFile(join(into, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
}

describe('migration 0002 (recordings, leg quality)', () => {
  it('rows written before it read back with no recording, no pauses, no MOS and zero drops/SRTP failures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hailing-mig-'));
    try {
      const old = join(dir, 'old-migrations');
      await migrationsUpTo(2, old);
      const before = await openDatabase({ dataDir: dir, logger: quietStoreLogger, migrationsFolder: old });
      // what the 0001 code wrote: its own column lists, nothing of the new ones
      await before.client.execute(
        "INSERT INTO call_records (id, caller, caller_name, callee, started_at, ended_at, duration_s, billable_s, disposition, codec) VALUES ('c1', '1001', NULL, '1002', 1000, 61000, 60, 55, 'ANSWERED', 'PCMA')",
      );
      await before.client.execute(
        "INSERT INTO call_legs (id, call_id, role, sip_call_id, uri, started_at, codec, packets_received, packets_sent, jitter_ms) VALUES ('l1', 'c1', 'caller', 'x@y', 'sip:1001@192.0.2.1', 1000, 'PCMA', 2750, 2750, 1.25)",
      );
      before.close();

      const database = await openDatabase({ dataDir: dir, logger: quietStoreLogger });
      const writer = new BatchWriter({ client: database.client, logger: quietStoreLogger, flushDelayMs: 1 });
      try {
        const repo = new CallRecordRepository({ db: database.db, writer, logger: quietStoreLogger });
        const c1 = await repo.get('c1');
        assert.equal(c1?.codec, 'PCMA');
        assert.equal(c1?.recordingPath, null);
        assert.equal(c1?.recordingFormat, null);
        assert.equal(c1?.recordingDurationMs, null);
        assert.deepEqual(c1?.recordingPauses, []);
        const leg = c1?.legs[0];
        assert.equal(leg?.jitterMs, 1.25);
        assert.equal(leg?.mos, null);
        assert.equal(leg?.packetsDropped, 0);
        assert.equal(leg?.srtpFailures, 0);
      } finally {
        await writer.close();
        database.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a recording_pauses column edited into something else reads as no pauses, never a throw', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hailing-mig-'));
    const database = await openDatabase({ dataDir: dir, logger: quietStoreLogger });
    const writer = new BatchWriter({ client: database.client, logger: quietStoreLogger, flushDelayMs: 1 });
    try {
      const repo = new CallRecordRepository({ db: database.db, writer, logger: quietStoreLogger });
      const cases: [string, string, unknown[]][] = [
        ['bad-json', '[{"atMs": 1', []],
        ['object', '{"atMs": 1, "durationMs": 2}', []],
        ['mixed', '[{"atMs": 1000, "durationMs": 500}, {"atMs": "x", "durationMs": 1}, null, 7, {"atMs": -1, "durationMs": 1}]', [{ atMs: 1000, durationMs: 500 }]],
      ];
      for (const [id, text] of cases) {
        await database.client.execute({
          sql: "INSERT INTO call_records (id, caller, callee, started_at, recording_path, recording_format, recording_pauses) VALUES (?, '1001', '1002', 0, 'a.wav', 'mp3', ?)",
          args: [id, text],
        });
      }
      for (const [id, , expected] of cases) {
        const r = await repo.get(id);
        assert.deepEqual(r?.recordingPauses, expected, id);
        assert.equal(r?.recordingFormat, null, 'a format the code does not know is not passed on');
      }
    } finally {
      await writer.close();
      database.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
