// Test support: a fresh database in a temporary folder, removed on cleanup.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from './database.js';
import type { StoreLogger } from './logger.js';

export const quietStoreLogger: StoreLogger = { debug() {}, info() {}, warn() {}, error() {} };

export async function openTempDatabase(): Promise<{ database: Database; dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hailing-store-'));
  const database = await openDatabase({ dataDir: dir, logger: quietStoreLogger });
  return {
    database,
    dir,
    async cleanup() {
      database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
