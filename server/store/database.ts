// Opens the embedded libsql database (or a libsql server URL), tunes it and applies migrations.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema/index.js';
import { runMigrations } from './migrate.js';
import type { StoreLogger } from './logger.js';
import { isSharableFileUrl, openFileConnection, type FileConnectionOptions } from './connection.js';

// Which file a client opened here reads and writes, so the BatchWriter can open its own connection
// to it on a worker_thread without its callers having to pass the URL along.
const fileConnections = new WeakMap<Client, FileConnectionOptions>();

/** The local file behind a client from openDatabase; undefined for memory, remote or foreign clients. */
export function fileConnectionOf(client: Client): FileConnectionOptions | undefined {
  return fileConnections.get(client);
}

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
  const client = isFile
    ? await openFileConnection({ url, busyTimeoutMs })
    : createClient({ url, ...(options.authToken !== undefined ? { authToken: options.authToken } : {}) });
  try {
    const db = drizzle(client, { schema });
    await runMigrations(db, options.migrationsFolder);
    if (isSharableFileUrl(url)) fileConnections.set(client, { url, busyTimeoutMs });
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
