// Cryptographically strong random bytes served from a pool. Every message in and out needs some
// (branch ids, tags, nonces), and crypto.randomBytes pays a call into the CSPRNG for each 8 or 12
// bytes; one randomFillSync of 4 KiB serves hundreds of them. Node pools randomUUID() the same way.
// Each byte is handed out once, so pooling changes nothing about unpredictability.
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

/** Reserves `count` unused bytes of the pool, refilling it when too few are left; returns their start. */
function take(count: number): number {
  if (!(count >= 0 && count <= POOL_BYTES)) throw new RangeError(`0 to ${POOL_BYTES} pooled random bytes at a time`);
  if (offset + count > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += count;
  return start;
}

/** `count` fresh random bytes in a buffer of their own. */
export function randomBytesPooled(count: number): Buffer {
  const start = take(count);
  return Buffer.from(pool.subarray(start, start + count));
}

/** `count` random bytes as lower-case hex. */
export function randomHex(count: number): string {
  const start = take(count);
  return pool.toString('hex', start, start + count);
}

/** `count` random bytes as base64url (RFC 4648 §5). */
export function randomBase64url(count: number): string {
  const start = take(count);
  return pool.toString('base64url', start, start + count);
}
