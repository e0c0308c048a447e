// Opens the embedded libsql database (or a libsql server URL), tunes it and applies migrations.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema/index.js';
import { runMigrations } from './migrate.js';
import type { StoreLogger } from './logger.js';

export type Db = LibSQLDatabase<typeof schema>;

export interface Database {
  readonly db: Db;
  readonly client: Client;
  /** Idempotent. */
  close(): void;
}

export interface OpenDatabaseOptions {
  /** libsql URL; default file:<dataDir>/hailing.db */
  url?: string;
  dataDir: string;
  logger: StoreLogger;
  /** SQLite busy timeout in ms (default 5000) */
  busyTimeoutMs?: number;
  authToken?: string;
  /** override for tests; default: found by walking up to migrations/meta/_journal.json */
  migrationsFolder?: string;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  let url = options.url;
  if (url === undefined) {
    await mkdir(options.dataDir, { recursive: true });
    url = `file:${join(options.dataDir, 'hailing.db')}`;
  }
  const isFile = url.startsWith('file:');
  // One connection for a local file: libsql-js is synchronous, so a pool adds no parallelism,
  // and per-connection PRAGMAs (synchronous, foreign_keys) then hold for every statement.
  const client = createClient({
    url,
    ...(options.authToken !== undefined ? { authToken: options.authToken } : {}),
    ...(isFile ? { concurrency: 1, timeout: busyTimeoutMs } : {}),
  });
  try {
    if (isFile) {
      await client.execute('PRAGMA journal_mode=WAL');
      await client.execute('PRAGMA synchronous=NORMAL');
      await client.execute(`PRAGMA busy_timeout=${Math.max(0, Math.trunc(busyTimeoutMs))}`);
      await client.execute('PRAGMA foreign_keys=ON');
    }
    const db = drizzle(client, { schema });
    await runMigrations(db, options.migrationsFolder);
    options.logger.info({ url: isFile ? url : redactUrl(url) }, 'database open');
    let closed = false;
    return {
      db,
      client,
      close() {
        if (closed) return;
        closed = true;
        client.close();
      },
    };
  } catch (err) {
    client.close();
    throw err;
  }
}

function redactUrl(url: string): string {
  // A server URL may carry an authToken query parameter; never log it.
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
