// Stateless, time-bound nonces (RFC 7616 §3.3: "the nonce ... might, for example, be constructed as
// the base64 encoding of time-stamp H(time-stamp ":" ETag ":" secret-data)"). Ours is
//   base64url( timestamp(8, big-endian ms) || random(8) || HMAC-SHA256(secret, timestamp || random || realm) )
// so any node holding the secret can check that it minted the nonce, for which realm and when,
// without storing it. The random part makes two challenges in the same millisecond distinct, so
// per-nonce nc tracking never confuses two clients.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomBytesPooled } from '../random.js';

const TS_BYTES = 8;
const RAND_BYTES = 8;
const MAC_BYTES = 32;
const NONCE_BYTES = TS_BYTES + RAND_BYTES + MAC_BYTES;

export type NonceCheck =
  | { readonly ok: true; readonly issuedAt: number }
  | { readonly ok: false; readonly reason: 'bad-nonce' };

export interface NonceCodecOptions {
  readonly realm: string;
  readonly secret: Uint8Array;
  /** randomness source, injectable for tests; defaults to the pooled CSPRNG */
  readonly random?: (bytes: number) => Uint8Array;
}

export class NonceCodec {
  readonly #realm: Buffer;
  readonly #secret: Uint8Array;
  readonly #random: (bytes: number) => Uint8Array;

  constructor(options: NonceCodecOptions) {
    if (options.secret.length < 16) throw new RangeError('nonce secret must be at least 16 bytes');
    this.#realm = Buffer.from(options.realm, 'utf8');
    this.#secret = options.secret;
    this.#random = options.random ?? randomBytesPooled;
  }

  mint(now: number): string {
    const head = Buffer.alloc(TS_BYTES + RAND_BYTES);
    head.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(now))), 0);
    const rand = this.#random(RAND_BYTES);
    head.set(rand.subarray(0, RAND_BYTES), TS_BYTES);
    return Buffer.concat([head, this.#mac(head)]).toString('base64url');
  }

  /** Check authenticity only; lifetime is the caller's policy. */
  check(nonce: string): NonceCheck {
    // base64url of 48 bytes is exactly 64 characters; reject anything else before decoding
    if (nonce.length !== 64 || !/^[A-Za-z0-9_-]+$/.test(nonce)) return { ok: false, reason: 'bad-nonce' };
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== NONCE_BYTES) return { ok: false, reason: 'bad-nonce' };
    const head = raw.subarray(0, TS_BYTES + RAND_BYTES);
    const mac = raw.subarray(TS_BYTES + RAND_BYTES);
    if (!timingSafeEqual(mac, this.#mac(head))) return { ok: false, reason: 'bad-nonce' };
    const issuedAt = Number(head.readBigUInt64BE(0));
    if (!Number.isSafeInteger(issuedAt)) return { ok: false, reason: 'bad-nonce' };
    return { ok: true, issuedAt };
  }

  /** A per-realm opaque value (RFC 7616 §3.3): constant, so it needs no state either. */
  opaque(): string {
    return createHmac('sha256', this.#secret).update('opaque\0').update(this.#realm).digest('base64url').slice(0, 22);
  }

  #mac(head: Uint8Array): Buffer {
    return createHmac('sha256', this.#secret).update(head).update(this.#realm).digest();
  }
}
