// Wrapping a recording's file key with a master key, in the file's own profile: AES-256-GCM, or
// for the 国密 profile SM4-CTR with HMAC-SM3 (encrypt-then-MAC) under keys derived from the master
// key by HKDF-SM3 (RFC 5869 with SM3 as the hash). The blob names the master key by its id, so a
// keyring holding old and new keys unwraps files from before a rotation.
//   blob: u8 version (1) ‖ u8 id length ‖ id (ASCII) ‖ AES: iv 12 ‖ ciphertext ‖ tag 16
//                                                     SM4: iv 16 ‖ ciphertext ‖ HMAC-SM3 32
//   authenticated: the version, id and the profile, so a blob cannot be moved to another profile.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SealProfile } from '../../media/index.js';
import type { MasterKey, MasterKeyring } from './master-keys.js';

const VERSION = 1;

function prefix(id: string): Buffer {
  const idBytes = Buffer.from(id, 'latin1');
  return Buffer.concat([Buffer.from([VERSION, idBytes.length]), idBytes]);
}

function sm4Keys(master: Buffer): { enc: Buffer; mac: Buffer } {
  return {
    enc: Buffer.from(hkdfSync('sm3', master, Buffer.alloc(0), 'hailing recording key wrap: sm4-ctr', 16)),
    mac: Buffer.from(hkdfSync('sm3', master, Buffer.alloc(0), 'hailing recording key wrap: hmac-sm3', 32)),
  };
}

const profileByte = (p: SealProfile): Buffer => Buffer.from([p === 'aes-256-gcm' ? 1 : 2]);

export function wrapFileKey(o: { readonly profile: SealProfile; readonly master: MasterKey; readonly fileKey: Uint8Array }): Buffer {
  const head = prefix(o.master.id);
  if (o.profile === 'aes-256-gcm') {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', o.master.key, iv);
    c.setAAD(Buffer.concat([head, profileByte(o.profile)]));
    const ct = Buffer.concat([c.update(o.fileKey), c.final()]);
    return Buffer.concat([head, iv, ct, c.getAuthTag()]);
  }
  const { enc, mac } = sm4Keys(o.master.key);
  const iv = randomBytes(16);
  const c = createCipheriv('sm4-ctr', enc, iv);
  const ct = Buffer.concat([c.update(o.fileKey), c.final()]);
  const tag = createHmac('sm3', mac).update(head).update(profileByte(o.profile)).update(iv).update(ct).digest();
  return Buffer.concat([head, iv, ct, tag]);
}

/** the master key id a blob names; null when it is not a blob of ours */
export function wrappedKeyId(blob: Buffer): string | null {
  if (blob.length < 2 || blob[0] !== VERSION || blob.length < 2 + (blob[1] ?? 0)) return null;
  return blob.toString('latin1', 2, 2 + (blob[1] ?? 0));
}

/** The file key, or null when the keyring lacks the master key or the blob does not authenticate. */
export function unwrapFileKey(o: { readonly profile: SealProfile; readonly keyring: MasterKeyring; readonly blob: Buffer }): Buffer | null {
  const id = wrappedKeyId(o.blob);
  const master = id === null ? undefined : o.keyring.find(id);
  if (id === null || master === undefined) return null;
  const head = o.blob.subarray(0, 2 + id.length);
  const rest = o.blob.subarray(head.length);
  if (o.profile === 'aes-256-gcm') {
    if (rest.length < 12 + 16) return null;
    try {
      const d = createDecipheriv('aes-256-gcm', master.key, rest.subarray(0, 12));
      d.setAAD(Buffer.concat([head, profileByte(o.profile)]));
      d.setAuthTag(rest.subarray(rest.length - 16));
      return Buffer.concat([d.update(rest.subarray(12, rest.length - 16)), d.final()]);
    } catch {
      return null;
    }
  }
  if (rest.length < 16 + 32) return null;
  const { enc, mac } = sm4Keys(master.key);
  const iv = rest.subarray(0, 16);
  const ct = rest.subarray(16, rest.length - 32);
  const expected = createHmac('sm3', mac).update(head).update(profileByte(o.profile)).update(iv).update(ct).digest();
  if (!timingSafeEqual(expected, rest.subarray(rest.length - 32))) return null;
  const d = createDecipheriv('sm4-ctr', enc, iv);
  return Buffer.concat([d.update(ct), d.final()]);
}
