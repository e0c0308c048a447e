// Applies drizzle-kit migrations at boot. The migrations folder is found by walking up from this
// module, so the same code works from sources (server/store/) and from the build (dist/server/store/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import type * as schema from './schema/index.js';

const JOURNAL = join('migrations', 'meta', '_journal.json');

/** The nearest ancestor folder of `from` holding migrations/meta/_journal.json, as migrations/. */
export function findMigrationsFolder(from: string = import.meta.url): string | undefined {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    if (existsSync(join(dir, JOURNAL))) return join(dir, 'migrations');
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export async function runMigrations(
  db: LibSQLDatabase<typeof schema>,
  migrationsFolder: string | undefined = findMigrationsFolder(),
): Promise<void> {
  if (migrationsFolder === undefined) {
    throw new Error('migrations folder not found (looked for migrations/meta/_journal.json above the store module)');
  }
  await migrate(db, { migrationsFolder });
}
