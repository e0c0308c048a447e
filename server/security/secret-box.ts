// Secrets the server must use in clear (a carrier's digest password) but must not keep in clear in
// the database: sealed with AES-256-GCM under a key that lives outside the database (the data
// directory's secrets/, mode 0600), so a copied database file alone reveals no password.
//   stored form: "sealed:v1:" ‖ base64(iv 12 ‖ ciphertext ‖ tag 16); the prefix is authenticated.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'sealed:v1:';
const AAD = Buffer.from(`hailing config secret ${PREFIX}`);

export class SecretBox {
  readonly #key: Buffer;

  constructor(options: { readonly key: Buffer }) {
    if (options.key.length !== 32) throw new Error('a secret box key is 32 bytes');
    this.#key = options.key;
  }

  /** the stored form was written by seal() (anything else is a value from before sealing) */
  isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    c.setAAD(AAD);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return PREFIX + Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64');
  }

  /**
   * The secret in clear; a value from before sealing is returned as it is (the store reseals it at
   * start); null when the sealed form does not authenticate (another key, a tampered row).
   */
  open(stored: string): string | null {
    if (!this.isSealed(stored)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    if (raw.length < 12 + 16) return null;
    try {
      const d = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
      d.setAAD(AAD);
      d.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
