// The master keys that wrap each recording's file key (docs/data-at-rest.md). They come from the
// environment (HAILING_RECORDING_MASTER_KEYS: base64 keys, comma-separated, the last one current)
// or from a key file (one "<id> <base64>" line per key, the last one current), which is created
// with mode 0600 on first start when neither exists. Keys are never logged; an id is a one-way
// fingerprint, safe to show.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MASTER_KEY_BYTES = 32;

export interface MasterKey {
  readonly id: string;
  /** never logged, never sent */
  readonly key: Buffer;
}

/** A fingerprint that names a key without revealing it. */
export const masterKeyId = (key: Buffer): string => createHash('sha256').update('hailing recording master key\0').update(key).digest('hex').slice(0, 16);

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== MASTER_KEY_BYTES) throw new Error(`${where}: a recording master key is ${MASTER_KEY_BYTES} bytes in base64`);
  return key;
}

export class MasterKeyring {
  readonly #keys: MasterKey[];
  /** null: the keys came from the environment and rotation cannot add one */
  readonly #file: string | null;

  private constructor(keys: MasterKey[], file: string | null) {
    this.#keys = keys;
    this.#file = file;
  }

  /** From `env` (HAILING_RECORDING_MASTER_KEYS's value) when given, else from `file`, made if absent. */
  static load(o: { readonly env?: string; readonly file: string }): MasterKeyring {
    if (o.env !== undefined && o.env.trim() !== '') {
      const keys = o.env.split(',').filter((k) => k.trim() !== '').map((k, i) => decodeKey(k, `HAILING_RECORDING_MASTER_KEYS entry ${i + 1}`));
      return new MasterKeyring(keys.map((key) => ({ id: masterKeyId(key), key })), null);
    }
    let text: string | null = null;
    try {
      text = readFileSync(o.file, 'utf8');
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
    }
    if (text === null) {
      const key = randomBytes(MASTER_KEY_BYTES);
      const ring = new MasterKeyring([{ id: masterKeyId(key), key }], o.file);
      ring.#save();
      return ring;
    }
    const keys = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((line, i) => {
        const key = decodeKey(line.split(/\s+/).pop() ?? '', `${o.file} line ${i + 1}`);
        return { id: masterKeyId(key), key };
      });
    if (keys.length === 0) throw new Error(`${o.file} holds no recording master key`);
    return new MasterKeyring(keys, o.file);
  }

  get current(): MasterKey {
    return this.#keys[this.#keys.length - 1] as MasterKey;
  }

  get ids(): string[] {
    return this.#keys.map((k) => k.id);
  }

  /** where rotation keeps keys; null when they come from the environment */
  get file(): string | null {
    return this.#file;
  }

  find(id: string): MasterKey | undefined {
    return this.#keys.find((k) => k.id === id);
  }

  /** Makes a new current key (file keyrings only) and saves the file; older keys stay until retired. */
  addKey(): MasterKey {
    if (this.#file === null) throw new Error('the master keys come from HAILING_RECORDING_MASTER_KEYS: append a new key there and restart');
    const key = randomBytes(MASTER_KEY_BYTES);
    const made = { id: masterKeyId(key), key };
    this.#keys.push(made);
    this.#save();
    return made;
  }

  /** Drops every key but the current one (after a rotation left no file wrapped by them). */
  retireOld(): string[] {
    if (this.#file === null) return [];
    const gone = this.#keys.splice(0, this.#keys.length - 1).map((k) => k.id);
    this.#save();
    return gone;
  }

  /** Written beside and renamed over, mode 0600, so a crash leaves the old file or the new one. */
  #save(): void {
    const file = this.#file as string;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const lines = ['# Hailing recording master keys: "<id> <base64>", the last one current. Keep secret; back up.', ...this.#keys.map((k) => `${k.id} ${k.key.toString('base64')}`)];
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, `${lines.join('\n')}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  }
}
