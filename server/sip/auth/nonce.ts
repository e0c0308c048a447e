// Stateless, time-bound nonces (RFC 7616 §3.3: "the nonce ... might, for example, be constructed as
// the base64 encoding of time-stamp H(time-stamp ":" ETag ":" secret-data)"). Ours is
//   base64url( timestamp(8, big-endian ms) || seq(4) || tag(4) || HMAC-SHA256(secret, timestamp || seq || tag || realm) )
// so any node holding the secret can check that it minted the nonce, for which realm and when,
// without storing it. seq is the nonce's slot in the nc ring (nc-ring.ts) and tag a random value
// that the slot remembers too, so two challenges are always distinct and per-nonce nc tracking
// never confuses two clients, nor a nonce of an earlier run of the process with a new one.
import { createHmac, hash, timingSafeEqual } from 'node:crypto';

const TS_BYTES = 8;
const SEQ_BYTES = 4;
const TAG_BYTES = 4;
const MAC_BYTES = 32;
const HEAD_BYTES = TS_BYTES + SEQ_BYTES + TAG_BYTES;
const NONCE_BYTES = HEAD_BYTES + MAC_BYTES;
/** SHA-256 block size: HMAC pads its key to this (RFC 2104 §2) */
const BLOCK_BYTES = 64;

export type NonceCheck =
  | { readonly ok: true; readonly issuedAt: number; readonly seq: number; readonly tag: number }
  | { readonly ok: false; readonly reason: 'bad-nonce' };

export interface NonceCodecOptions {
  readonly realm: string;
  readonly secret: Uint8Array;
}

export class NonceCodec {
  readonly #realm: Buffer;
  readonly #secret: Uint8Array;
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

  mint(options: { readonly now: number; readonly seq: number; readonly tag: number }): string {
    const nonce = Buffer.alloc(NONCE_BYTES);
    nonce.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(options.now))), 0);
    nonce.writeUInt32BE(options.seq >>> 0, TS_BYTES);
    nonce.writeUInt32BE(options.tag >>> 0, TS_BYTES + SEQ_BYTES);
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
    return { ok: true, issuedAt, seq: head.readUInt32BE(TS_BYTES), tag: head.readUInt32BE(TS_BYTES + SEQ_BYTES) };
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
