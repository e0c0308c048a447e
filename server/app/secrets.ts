// Server secrets that must survive restarts (the nonce key: a phone mid-registration keeps working
// across a restart) live in the data directory with mode 0600, never in the database or logs.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function loadOrCreateSecret(dataDir: string, name: string, bytes = 32): Buffer {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, `${name}.key`);
  try {
    const existing = readFileSync(file);
    if (existing.byteLength >= bytes) return existing;
  } catch {
    /* first start */
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(bytes);
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
