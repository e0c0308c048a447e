// Secrets as stored: argon2id for admin passwords, digest HA1 for SIP extensions.
import { createHash } from 'node:crypto';
import argon2 from 'argon2';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** RFC 7616 §3.4.2: A1 = username ":" realm ":" passwd; HA1 = hex(H(A1)). */
export function digestHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  const h = createHash(algorithm === 'MD5' ? 'md5' : 'sha256');
  return h.update(`${username}:${realm}:${password}`, 'utf8').digest('hex');
}

/** argon2id with the library's defaults (OWASP-level memory cost), as a PHC string. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

/** False (never a throw) for a malformed stored hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
