// Opens a tuned connection to a local database file. Used by openDatabase on the main thread and by
// the batch writer's worker, which owns a second connection to the same file: per-connection
// PRAGMAs (synchronous, foreign_keys, busy_timeout) must hold for both.
import { createClient, type Client } from '@libsql/client';

export interface FileConnectionOptions {
  /** a `file:` URL */
  url: string;
  busyTimeoutMs: number;
}

export async function openFileConnection(options: FileConnectionOptions): Promise<Client> {
  // One connection: libsql-js is synchronous, so a pool adds no parallelism.
  const client = createClient({ url: options.url, concurrency: 1, timeout: options.busyTimeoutMs });
  try {
    await client.execute('PRAGMA journal_mode=WAL');
    await client.execute('PRAGMA synchronous=NORMAL');
    await client.execute(`PRAGMA busy_timeout=${Math.max(0, Math.trunc(options.busyTimeoutMs))}`);
    await client.execute('PRAGMA foreign_keys=ON');
    return client;
  } catch (err) {
    client.close();
    throw err;
  }
}

/** An in-memory database exists once per connection, so a second connection would see another one. */
export function isSharableFileUrl(url: string): boolean {
  return url.startsWith('file:') && !url.includes(':memory:') && !/[?&]mode=memory\b/.test(url);
}
