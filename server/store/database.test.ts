import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDatabase } from './database.js';
import { findMigrationsFolder } from './migrate.js';
import { quietStoreLogger } from './testing.js';

describe('openDatabase', () => {
  it('applies every migration to a fresh file and creates the schema tables', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hailing-db-'));
    try {
      const database = await openDatabase({ dataDir: join(dir, 'nested'), logger: quietStoreLogger });
      const tables = await database.client.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name",
      );
      assert.deepEqual(
        tables.rows.map((r) => r['name']),
        ['acd_agents', 'acd_interactions', 'acd_intervals', 'acd_memberships', 'acd_queues', 'acd_skills', 'admin_sessions', 'admin_users', 'api_tokens', 'audit_log', 'calendars', 'call_handling', 'call_legs', 'call_records', 'conference_rooms', 'dial_plan', 'dids', 'extensions', 'ivr_flow_versions', 'ivr_flows', 'ivr_runs', 'keyword_hits', 'keyword_lists', 'mail_outbox', 'mailboxes', 'outbound_routes', 'process_heartbeats', 'provisioning_devices', 'provisioning_pending', 'provisioning_templates', 'registration_bindings', 'retention_policies', 'security_settings', 'sip_bans', 'transcript_segments', 'transcription_jobs', 'trunk_attempts', 'trunks', 'user_recovery_codes', 'voicemail_messages'],
      );
      const mode = await database.client.execute('PRAGMA journal_mode');
      assert.equal(mode.rows[0]?.['journal_mode'], 'wal');
      const fk = await database.client.execute('PRAGMA foreign_keys');
      assert.equal(fk.rows[0]?.['foreign_keys'], 1);
      database.close();
      database.close(); // idempotent

      // reopening an already-migrated file applies nothing twice
      const again = await openDatabase({ dataDir: join(dir, 'nested'), logger: quietStoreLogger });
      const applied = await again.client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
      const journal = JSON.parse(readFileSync(join(findMigrationsFolder() ?? 'migrations', 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
      assert.equal(applied.rows[0]?.['n'], journal.entries.length);
      again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects when the migrations folder cannot be found, and closes the client', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hailing-db-'));
    try {
      await assert.rejects(
        openDatabase({ dataDir: dir, logger: quietStoreLogger, migrationsFolder: join(dir, 'nope') }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('findMigrationsFolder', () => {
  it('walks up from a build-like location (dist/server/store) to the folder holding migrations/meta/_journal.json', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hailing-mig-'));
    try {
      await mkdir(join(root, 'migrations', 'meta'), { recursive: true });
      await writeFile(join(root, 'migrations', 'meta', '_journal.json'), '{}');
      await mkdir(join(root, 'dist', 'server', 'store'), { recursive: true });
      const from = pathToFileURL(join(root, 'dist', 'server', 'store', 'migrate.js')).href;
      assert.equal(findMigrationsFolder(from), join(root, 'migrations'));
      assert.equal(findMigrationsFolder(join(tmpdir(), 'no-such-dir', 'x.js')), undefined);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
