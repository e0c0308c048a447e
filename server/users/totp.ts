// TOTP (RFC 6238) over HOTP (RFC 4226), with node:crypto only. Secrets travel as base32
// (RFC 4648 §6), the form authenticator apps read from an otpauth:// URI.
import { createHmac, randomBytes } from 'node:crypto';

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32, without padding (authenticator apps accept and emit it so). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** undefined for a character outside the alphabet; spaces, dashes and padding are ignored */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 §5.3: HMAC over the 8-byte big-endian counter, dynamic truncation, modulo 10^digits. */
export function hotp(o: { key: Uint8Array; counter: number; digits?: number; algorithm?: TotpAlgorithm }): string {
  const digits = o.digits ?? 6;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(o.counter));
  const mac = createHmac((o.algorithm ?? 'SHA1').toLowerCase(), o.key).update(msg).digest();
  // §5.4: the low 4 bits of the last byte pick where the 31-bit value starts
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** RFC 6238 §4.2: T = floor((unix time - T0) / X), with T0 = 0 and X = 30 s by default. */
export function totpStep(o: { timeMs: number; periodS?: number }): number {
  return Math.floor(o.timeMs / 1000 / (o.periodS ?? 30));
}

export function totp(o: { key: Uint8Array; timeMs: number; periodS?: number; digits?: number; algorithm?: TotpAlgorithm }): string {
  return hotp({ key: o.key, counter: totpStep(o), ...(o.digits !== undefined ? { digits: o.digits } : {}), ...(o.algorithm ? { algorithm: o.algorithm } : {}) });
}

/**
 * The time step a code matches, or undefined. RFC 6238 §5.2 allows one step of clock drift either
 * way; a step at or before `lastStep` was already used and is refused (a code is good once).
 */
export function verifyTotp(o: { secret: string; code: string; timeMs: number; lastStep?: number | null; window?: number }): number | undefined {
  const key = base32Decode(o.secret);
  if (key === undefined || !/^[0-9]{6}$/.test(o.code)) return undefined;
  const now = totpStep({ timeMs: o.timeMs });
  const window = o.window ?? 1;
  for (let d = -window; d <= window; d++) {
    const step = now + d;
    if (o.lastStep !== undefined && o.lastStep !== null && step <= o.lastStep) continue;
    if (hotp({ key, counter: step }) === o.code) return step;
  }
  return undefined;
}

/** 160 random bits: RFC 4226 §4 R6 recommends a 160-bit shared secret. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** The Key Uri Format authenticator apps scan (Google Authenticator's otpauth://totp/ISSUER:ACCOUNT). */
export function otpauthUri(o: { issuer: string; account: string; secret: string }): string {
  const label = `${encodeURIComponent(o.issuer)}:${encodeURIComponent(o.account)}`;
  const q = new URLSearchParams({ secret: o.secret, issuer: o.issuer, algorithm: 'SHA1', digits: '6', period: '30' });
  return `otpauth://totp/${label}?${q.toString()}`;
}
