// The AES-CM counter of the AES_CM_128_HMAC_SHA1_32 receive side against RFC 3711 Appendix B.2,
// and against werift's own counter construction (an independent implementation).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { ProtectionProfileAes128CmHmacSha1_80, SrtpSession } from 'werift';
import { aesCmIv } from './aes-cm-hmac-sha1-32.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('RFC 3711 §4.1.1 AES-CM counter', () => {
  it('B.2: the AES-CM counter for SSRC 0, index 0 and its keystream', () => {
    const key = hex('2B7E151628AED2A6ABF7158809CF4F3C');
    const salt = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD');
    const expected = hex('E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0');
    const iv = Buffer.alloc(16);
    aesCmIv({ out: iv, salt, ssrc: 0, index: 0 });
    assert.equal(iv.toString('hex').toUpperCase(), 'F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
    assert.deepEqual(createCipheriv('aes-128-ctr', key, iv).update(Buffer.alloc(48)), expected);
    // werift's own counter construction agrees (RFC 3711 B.3 master key and salt)
    const masterKey = hex('e1f97a0d3e018be0d64fa32c06de4139');
    const masterSalt = hex('0ec675ad498afeebb6960b3aabe6');
    const s = new SrtpSession({
      keys: { localMasterKey: masterKey, localMasterSalt: masterSalt, remoteMasterKey: masterKey, remoteMasterSalt: masterSalt },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    });
    const cipher = s.localContext.cipher as unknown as { generateCounter(seq: number, roc: number, ssrc: number, salt: Buffer): Buffer };
    assert.deepEqual(cipher.generateCounter(0, 0, 0, salt), iv);
  });
});
