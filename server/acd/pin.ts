// Agent PINs (for *50 / *51) are kept only as a keyed hash: HMAC-SHA256 under a server secret that
// lives in <data>/secrets (mode 0600), never in the database. A 4–12 digit PIN has too little
// entropy for an unkeyed or salted hash to resist guessing from a stolen database file; without
// the key the stored value says nothing. HMAC is deterministic, so the duplicate extension+PIN
// check compares hashes; every comparison is constant-time (timingSafeEqual).
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'hmac-sha256:';

export class PinHasher {
  readonly #key: Buffer;

  constructor(o: { key: Buffer }) {
    if (o.key.byteLength < 16) throw new Error('the PIN key needs at least 16 bytes');
    this.#key = o.key;
  }

  hash(pin: string): string {
    return PREFIX + createHmac('sha256', this.#key).update(pin, 'utf8').digest('hex');
  }

  /** whether a stored value is already a hash (rows written before hashing hold the PIN itself) */
  static isHash(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  matches(o: { stored: string; pin: string }): boolean {
    return sameHash(o.stored, this.hash(o.pin));
  }
}

/** constant-time equality of two stored hashes */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.byteLength === y.byteLength && timingSafeEqual(x, y);
}
