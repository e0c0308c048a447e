// AES_CM_128_HMAC_SHA1_32 (RFC 4568 §6.2.2) on the receive side, which werift lacks: the RFC 3711
// §4.1.1 AES-CM counter and the §4.2 HMAC-SHA1 tag cut to 32 bits. Sending needs no code of its own
// (the 32-bit tag is a prefix of the 80-bit one, srtp-context.ts cuts it). The session keys are
// werift's (RFC 3711 §4.3 key derivation), read at each packet as werift holds them.
import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

/** The session keys one direction derived from its master key (werift's context has these fields). */
export interface SrtpSessionKeys {
  readonly srtpSessionKey: Buffer;
  readonly srtpSessionSalt: Buffer;
  readonly srtpSessionAuthTag: Buffer;
}

export interface AesCmIvOptions {
  out: Buffer;
  /** the 14-byte session salt k_s */
  salt: Buffer;
  ssrc: number;
  /** the 48-bit packet index i = 2^16 * ROC + SEQ */
  index: number;
}

/** RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), written into `out` (16 bytes). */
export function aesCmIv(o: AesCmIvOptions): void {
  const iv = o.out;
  iv.fill(0);
  o.salt.copy(iv, 0, 0, 14);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ o.ssrc) >>> 0, 4);
  const hi = Math.floor(o.index / 65536);
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ hi) >>> 0, 8);
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ (o.index & 0xffff), 12);
}

export class AesCmSha1_32Receiver {
  readonly #keys: SrtpSessionKeys;
  readonly #rocBytes = Buffer.alloc(4);
  readonly #iv = Buffer.alloc(16);

  constructor(keys: SrtpSessionKeys) {
    this.#keys = keys;
  }

  /**
   * Checks the tag and decrypts the packet whose RTP header is `headerLength` octets and whose
   * index (RFC 3711 Appendix A) is `index`; the MKI, if any, already removed. Throws when the tag
   * does not verify (the caller counts an authentication failure).
   */
  unprotect(packet: Buffer, headerLength: number, index: number): Buffer {
    const keys = this.#keys;
    const end = packet.length - 4;
    const roc = Math.floor(index / 65536);
    // RFC 3711 §4.2: the tag authenticates header || payload || ROC
    this.#rocBytes.writeUInt32BE(roc >>> 0, 0);
    const mac = createHmac('sha1', keys.srtpSessionAuthTag).update(packet.subarray(0, end)).update(this.#rocBytes).digest();
    if (!timingSafeEqual(mac.subarray(0, 4), packet.subarray(end))) throw new Error('auth');
    aesCmIv({ out: this.#iv, salt: keys.srtpSessionSalt, ssrc: packet.readUInt32BE(8), index });
    const body = createDecipheriv('aes-128-ctr', keys.srtpSessionKey, this.#iv).update(packet.subarray(headerLength, end));
    return Buffer.concat([packet.subarray(0, headerLength), body]);
  }
}
