// Device secrets that a config must carry (the SIP password) or PnP must hand out (the token) are
// kept sealed with AES-256-GCM under a key in the data directory, not in the database, so a copy of
// the database alone does not give them away.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class SecretBox {
  readonly #key: Buffer;

  constructor(options: { readonly key: Uint8Array }) {
    if (options.key.byteLength < 32) throw new Error('the provisioning key must be 32 bytes');
    this.#key = Buffer.from(options.key.subarray(0, 32));
  }

  /** base64url(iv | tag | ciphertext) */
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  open(sealed: string): string {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** A random secret of `bytes` bytes as base64url (no padding): passwords and tokens. */
export function randomSecret(bytes: number, random: (n: number) => Uint8Array = randomBytes): string {
  return Buffer.from(random(bytes)).toString('base64url');
}
