// Stateless, time-bound nonces (RFC 7616 §3.3: "the nonce ... might, for example, be constructed as
// the base64 encoding of time-stamp H(time-stamp ":" ETag ":" secret-data)"). Ours is
//   base64url( timestamp(8, big-endian ms) || random(8) || HMAC-SHA256(secret, timestamp || random || realm) )
// so any node holding the secret can check that it minted the nonce, for which realm and when,
// without storing it. The random part makes two challenges in the same millisecond distinct, so
// per-nonce nc tracking never confuses two clients.
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { randomBytesPooled } from '../random.js';

const TS_BYTES = 8;
const RAND_BYTES = 8;
const MAC_BYTES = 32;
const NONCE_BYTES = TS_BYTES + RAND_BYTES + MAC_BYTES;
const HEAD_BYTES = TS_BYTES + RAND_BYTES;
/** SHA-256 block size: HMAC pads its key to this (RFC 2104 §2) */
const BLOCK_BYTES = 64;

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
  /** (K xor ipad) || head || realm, the head rewritten per MAC (RFC 2104 §2 inner input) */
  readonly #inner: Buffer;
  /** (K xor opad) || inner hash (RFC 2104 §2 outer input) */
  readonly #outer: Buffer;
  /** the MAC of a nonce being checked, for timingSafeEqual */
  readonly #expected = Buffer.alloc(MAC_BYTES);

  constructor(options: NonceCodecOptions) {
    if (options.secret.length < 16) throw new RangeError('nonce secret must be at least 16 bytes');
    this.#realm = Buffer.from(options.realm, 'utf8');
    this.#secret = options.secret;
    this.#random = options.random ?? randomBytesPooled;
    // RFC 2104 §2: a key longer than the block is hashed first; a shorter one is zero-padded.
    const key = Buffer.alloc(BLOCK_BYTES);
    key.set(options.secret.length > BLOCK_BYTES ? hash('sha256', options.secret, 'buffer') : options.secret);
    this.#inner = Buffer.alloc(BLOCK_BYTES + HEAD_BYTES + this.#realm.length);
    this.#outer = Buffer.alloc(BLOCK_BYTES + MAC_BYTES);
    for (let i = 0; i < BLOCK_BYTES; i++) {
      this.#inner[i] = (key[i] ?? 0) ^ 0x36;
      this.#outer[i] = (key[i] ?? 0) ^ 0x5c;
    }
    this.#realm.copy(this.#inner, BLOCK_BYTES + HEAD_BYTES);
  }

  mint(now: number): string {
    const nonce = Buffer.alloc(NONCE_BYTES);
    nonce.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(now))), 0);
    const rand = this.#random(RAND_BYTES);
    nonce.set(rand.subarray(0, RAND_BYTES), TS_BYTES);
    this.#macInto(nonce.subarray(0, HEAD_BYTES), nonce, HEAD_BYTES);
    return nonce.toString('base64url');
  }

  /** Check authenticity only; lifetime is the caller's policy. */
  check(nonce: string): NonceCheck {
    // base64url of 48 bytes is exactly 64 characters; reject anything else before decoding
    if (nonce.length !== 64 || !/^[A-Za-z0-9_-]+$/.test(nonce)) return { ok: false, reason: 'bad-nonce' };
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== NONCE_BYTES) return { ok: false, reason: 'bad-nonce' };
    const head = raw.subarray(0, HEAD_BYTES);
    const mac = raw.subarray(HEAD_BYTES);
    this.#macInto(head, this.#expected, 0);
    if (!timingSafeEqual(mac, this.#expected)) return { ok: false, reason: 'bad-nonce' };
    const issuedAt = Number(head.readBigUInt64BE(0));
    if (!Number.isSafeInteger(issuedAt)) return { ok: false, reason: 'bad-nonce' };
    return { ok: true, issuedAt };
  }

  /** A per-realm opaque value (RFC 7616 §3.3): constant, so it needs no state either. */
  opaque(): string {
    return createHmac('sha256', this.#secret).update('opaque\0').update(this.#realm).digest('base64url').slice(0, 22);
  }

  /**
   * HMAC-SHA256(secret, head || realm) written into `out` at `offset`: RFC 2104's
   * H((K ^ opad) || H((K ^ ipad) || text)) over padded keys computed once, because a createHmac
   * object per nonce (two per registration) was a measurable share of the CPU under load. The
   * one-shot hash with hex output is Node's cheapest path; the hex is written back as bytes.
   */
  #macInto(head: Uint8Array, out: Buffer, offset: number): void {
    this.#inner.set(head, BLOCK_BYTES);
    this.#outer.write(hash('sha256', this.#inner, 'hex'), BLOCK_BYTES, 'hex');
    out.write(hash('sha256', this.#outer, 'hex'), offset, 'hex');
  }
}
