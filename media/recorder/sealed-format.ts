// The sealed (encrypted at rest) recording file: a fixed header naming the cipher profile and
// holding the file key wrapped by the server's master key, then one record per flushed chunk.
// Each record is authenticated on its own, so a process killed mid-write leaves a file whose
// records up to the last whole one decrypt; a cut or altered record ends reading there.
//
//   header (HEADER_BYTES):
//     0  magic "HLGSEAL1"            8  profile (1 aes-256-gcm, 2 sm4-ctr-hmac-sm3)
//     9  format (1 wav, 2 ogg)       10 reserved (6)      16 file id (16 random bytes)
//     32 key slot 0 (SLOT_BYTES)     32 + SLOT_BYTES key slot 1
//   a key slot: u16 big-endian length (0 = empty), then the wrapped key as the server made it;
//   the rest is random filler. Two slots let a rotation write the new wrapping before it clears
//   the old one, so a crash during rotation never leaves a file without a usable key.
//   record n (n = 0, 1, ...): u32 big-endian plaintext length L (top bit: the last record of a
//     finished file), L bytes of ciphertext, the tag (16 bytes GCM, 32 bytes HMAC-SM3).
//
// AES-256-GCM (NIST SP 800-38D): 32-byte file key, nonce = 4 zero bytes ‖ n as u64 (unique per
// key: a key seals one file), AAD = header[0, 32) ‖ the length field.
// SM4-CTR + HMAC-SM3 (GB/T 32907, GB/T 32905; encrypt-then-MAC, as OpenSSL has no SM4-GCM):
// 48-byte file key = 16 bytes SM4 key ‖ 32 bytes MAC key; counter block = n as u64 ‖ 0 (u64),
// so records never share keystream; tag = HMAC-SM3(mac key, header[0, 32) ‖ n (u64) ‖ length ‖
// ciphertext).
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type SealProfile = 'aes-256-gcm' | 'sm4-ctr-hmac-sm3';
export type SealedFormat = 'wav' | 'ogg';

export const SEAL_MAGIC = 'HLGSEAL1';
export const SLOT_BYTES = 240;
export const HEADER_BYTES = 32 + 2 * SLOT_BYTES;
/** the part of the header every record authenticates (the key slots change on rotation) */
export const HEADER_AAD_BYTES = 32;
export const FINAL_FLAG = 0x80000000;
const PROFILE_IDS: Record<SealProfile, number> = { 'aes-256-gcm': 1, 'sm4-ctr-hmac-sm3': 2 };
const FORMAT_IDS: Record<SealedFormat, number> = { wav: 1, ogg: 2 };

/** What the server hands the recorder: the file key in the clear (it never leaves the worker's memory) and its wrapping. */
export interface SealOptions {
  readonly profile: SealProfile;
  readonly key: Uint8Array;
  readonly wrappedKey: Uint8Array;
}

export const keyBytes = (profile: SealProfile): number => (profile === 'aes-256-gcm' ? 32 : 48);
export const tagBytes = (profile: SealProfile): number => (profile === 'aes-256-gcm' ? 16 : 32);
/** bytes a record adds to its plaintext */
export const recordOverhead = (profile: SealProfile): number => 4 + tagBytes(profile);

export interface SealedHeader {
  readonly profile: SealProfile;
  readonly format: SealedFormat;
  readonly fileId: Buffer;
  /** the wrapped keys in the two slots (null: empty) */
  readonly slots: readonly [Buffer | null, Buffer | null];
  /** header[0, 32): authenticated by every record */
  readonly aad: Buffer;
}

/** A fresh header with the wrapped key in slot 0 and random filler elsewhere. */
export function buildSealedHeader(o: { readonly profile: SealProfile; readonly format: SealedFormat; readonly wrappedKey: Uint8Array }): Buffer {
  const h = randomBytes(HEADER_BYTES);
  h.write(SEAL_MAGIC, 0, 'latin1');
  h[8] = PROFILE_IDS[o.profile];
  h[9] = FORMAT_IDS[o.format];
  h.fill(0, 10, 16);
  writeSlot(h, 0, o.wrappedKey);
  writeSlot(h, 1, null);
  return h;
}

/** Puts a wrapped key (or, null, random filler with length 0) into a slot of a header buffer. */
export function writeSlot(header: Buffer, slot: 0 | 1, wrapped: Uint8Array | null): void {
  const at = HEADER_AAD_BYTES + slot * SLOT_BYTES;
  if (wrapped !== null && wrapped.byteLength > SLOT_BYTES - 2) throw new RangeError('wrapped key does not fit a key slot');
  randomBytes(SLOT_BYTES).copy(header, at);
  header.writeUInt16BE(wrapped === null ? 0 : wrapped.byteLength, at);
  if (wrapped !== null) header.set(wrapped, at + 2);
}

/** Reads a header; null when the bytes are not one (a plain WAV/Ogg, or a file cut inside its header). */
export function parseSealedHeader(h: Buffer): SealedHeader | null {
  if (h.length < HEADER_BYTES || h.toString('latin1', 0, 8) !== SEAL_MAGIC) return null;
  const profile = (Object.keys(PROFILE_IDS) as SealProfile[]).find((p) => PROFILE_IDS[p] === h[8]);
  const format = (Object.keys(FORMAT_IDS) as SealedFormat[]).find((f) => FORMAT_IDS[f] === h[9]);
  if (profile === undefined || format === undefined) return null;
  const slot = (i: 0 | 1): Buffer | null => {
    const at = HEADER_AAD_BYTES + i * SLOT_BYTES;
    const n = h.readUInt16BE(at);
    return n === 0 || n > SLOT_BYTES - 2 ? null : Buffer.from(h.subarray(at + 2, at + 2 + n));
  };
  return { profile, format, fileId: Buffer.from(h.subarray(16, 32)), slots: [slot(0), slot(1)], aad: Buffer.from(h.subarray(0, HEADER_AAD_BYTES)) };
}

function counter(n: number, bytes: 12 | 16): Buffer {
  const iv = Buffer.alloc(bytes);
  iv.writeBigUInt64BE(BigInt(n), bytes === 12 ? 4 : 0);
  return iv;
}

function sm3Tag(macKey: Uint8Array, aad: Buffer, n: number, lengthField: Buffer, ciphertext: Uint8Array): Buffer {
  const index = Buffer.alloc(8);
  index.writeBigUInt64BE(BigInt(n));
  return createHmac('sm3', macKey).update(aad).update(index).update(lengthField).update(ciphertext).digest();
}

/**
 * Seals record `n` of `plain[0, length)` into `out` (at least length + overhead bytes); returns the
 * record's size. One cipher object per record: a chunk is about a second of audio.
 */
export function sealRecord(o: { readonly profile: SealProfile; readonly key: Uint8Array; readonly aad: Buffer; readonly n: number; readonly plain: Buffer; readonly length: number; readonly final: boolean; readonly out: Buffer }): number {
  const { out, length } = o;
  out.writeUInt32BE((length | (o.final ? FINAL_FLAG : 0)) >>> 0, 0);
  const lengthField = out.subarray(0, 4);
  const plain = o.plain.subarray(0, length);
  if (o.profile === 'aes-256-gcm') {
    const c = createCipheriv('aes-256-gcm', o.key, counter(o.n, 12));
    c.setAAD(Buffer.concat([o.aad, lengthField]));
    let at = 4 + c.update(plain).copy(out, 4);
    at += c.final().copy(out, at);
    return at + c.getAuthTag().copy(out, at);
  }
  const c = createCipheriv('sm4-ctr', o.key.subarray(0, 16), counter(o.n, 16));
  let at = 4 + c.update(plain).copy(out, 4);
  at += c.final().copy(out, at);
  return at + sm3Tag(o.key.subarray(16), o.aad, o.n, lengthField, out.subarray(4, 4 + length)).copy(out, at);
}

/** Opens record `n` (its length field, ciphertext and tag); null when it does not authenticate. */
export function openRecord(o: { readonly profile: SealProfile; readonly key: Uint8Array; readonly aad: Buffer; readonly n: number; readonly lengthField: Buffer; readonly ciphertext: Buffer; readonly tag: Buffer }): Buffer | null {
  if (o.profile === 'aes-256-gcm') {
    try {
      const d = createDecipheriv('aes-256-gcm', o.key, counter(o.n, 12));
      d.setAAD(Buffer.concat([o.aad, o.lengthField]));
      d.setAuthTag(o.tag);
      return Buffer.concat([d.update(o.ciphertext), d.final()]);
    } catch {
      return null;
    }
  }
  const expected = sm3Tag(o.key.subarray(16), o.aad, o.n, o.lengthField, o.ciphertext);
  if (expected.length !== o.tag.length || !timingSafeEqual(expected, o.tag)) return null;
  const d = createDecipheriv('sm4-ctr', o.key.subarray(0, 16), counter(o.n, 16));
  return Buffer.concat([d.update(o.ciphertext), d.final()]);
}
