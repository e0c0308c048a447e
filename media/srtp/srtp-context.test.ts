// SrtpContext against RFC 3711 Appendix B and RFC 7714 §16 vectors, packets captured from baresip
// (libre's independent SRTP), and the RFC 3711 §3.3 receive rules (auth, replay, ROC).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ProtectionProfileAes128CmHmacSha1_80, SrtpSession } from 'werift';
import { parseRtcp } from '../rtp/rtcp.js';
import { parseRtp } from '../rtp/rtp.js';
import { parseCryptoAttribute, type CryptoSuite } from './crypto-attribute.js';
import { createSrtpContext, SrtpContext, type SrtpKeyMaterial } from './srtp-context.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function rtp(seq: number, o: { ssrc?: number; payload?: number } = {}): Buffer {
  const p = Buffer.alloc(12 + (o.payload ?? 160), 0xd5);
  p[0] = 0x80;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(seq * 160, 4);
  p.writeUInt32BE(o.ssrc ?? 0x11223344, 8);
  return p;
}
// RFC 3550 §6.4.2 RR with one report block, from SSRC 0x01020304
const RR = hex('81c90007 01020304 0a0b0c0d 00000000 00000100 00000005 00000000 00000000');

const keyA: SrtpKeyMaterial = { key: hex('e1f97a0d3e018be0d64fa32c06de4139'), salt: hex('0ec675ad498afeebb6960b3aabe6') };
const keyB: SrtpKeyMaterial = { key: Buffer.alloc(16, 0x42), salt: Buffer.alloc(14, 0x24) };
const gcmA: SrtpKeyMaterial = { key: hex('000102030405060708090a0b0c0d0e0f'), salt: hex('517569642070726f2071756f') };
const gcmB: SrtpKeyMaterial = { key: Buffer.alloc(16, 9), salt: Buffer.alloc(12, 3) };

function pair(suite: CryptoSuite, o: { mki?: boolean; replayWindow?: number } = {}): [SrtpContext, SrtpContext] {
  const gcm = suite === 'AEAD_AES_128_GCM';
  const a = { ...(gcm ? gcmA : keyA), mki: o.mki ? { value: 7, length: 4 } : null };
  const b = { ...(gcm ? gcmB : keyB), mki: o.mki ? { value: 0x0102, length: 2 } : null };
  const A = createSrtpContext({ suite, local: a, remote: b, replayWindow: o.replayWindow });
  const B = createSrtpContext({ suite, local: b, remote: a, replayWindow: o.replayWindow });
  assert.ok(A.ok && B.ok);
  return [A.value, B.value];
}

describe('RFC 3711 Appendix B vectors through werift', () => {
  it('B.3: key derivation gives the RFC cipher key, salt and auth key', () => {
    const s = new SrtpSession({
      keys: { localMasterKey: keyA.key, localMasterSalt: keyA.salt, remoteMasterKey: keyA.key, remoteMasterSalt: keyA.salt },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    });
    assert.equal(s.localContext.srtpSessionKey.toString('hex').toUpperCase(), 'C61E7A93744F39EE10734AFE3FF7A087');
    assert.equal(s.localContext.srtpSessionSalt.toString('hex').toUpperCase(), '30CBBC08863D8C85D49DB34A9AE1');
    assert.equal(s.localContext.srtpSessionAuthTag.toString('hex').toUpperCase(), 'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
  });
});

describe('RFC 7714 §16.1.1: AEAD_AES_128_GCM RTP vector through werift', () => {
  // the RFC gives session key and salt directly, so build werift's GCM cipher from them
  const plain = hex('8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 61727465 73207472 6573');
  const protectedPacket = hex(
    '8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833 899d7f27 beb16a91 52cf765e e4390cce',
  );
  const probe = new SrtpSession({
    keys: { localMasterKey: gcmA.key, localMasterSalt: gcmA.salt, remoteMasterKey: gcmA.key, remoteMasterSalt: gcmA.salt },
    profile: 7,
  });
  const Gcm = probe.localContext.cipher.constructor as new (k: Buffer, s: Buffer, k2: Buffer, s2: Buffer) => {
    encryptRtp(h: unknown, payload: Buffer, roc: number): Buffer;
    decryptRtp(packet: Buffer, roc: number): [Buffer, unknown];
  };
  const gcm = new Gcm(gcmA.key, gcmA.salt, gcmA.key, gcmA.salt);
  it('encrypts to the RFC bytes', () => {
    const header = { ssrc: 0x5501a0b2, sequenceNumber: 0xf17b, serializeSize: 12, serialize: () => plain.subarray(0, 12) };
    assert.deepEqual(gcm.encryptRtp(header, plain.subarray(12), 0), protectedPacket);
  });
  it('decrypts the RFC bytes', () => {
    assert.deepEqual(gcm.decryptRtp(protectedPacket, 0)[0], plain);
  });
});

describe('baresip interop (testdata/baresip-aes-cm-80.json)', () => {
  const f = JSON.parse(readFileSync(new URL('./testdata/baresip-aes-cm-80.json', import.meta.url), 'utf8')) as {
    peerLine: string;
    ourKey: { key: string; salt: string };
    rtp: string[];
    rtcp: string[];
  };
  const peer = parseCryptoAttribute(f.peerLine);
  assert.ok(peer.ok);
  const ctx = createSrtpContext({
    suite: 'AES_CM_128_HMAC_SHA1_80',
    local: { key: hex(f.ourKey.key), salt: hex(f.ourKey.salt) },
    remote: peer.value.keys[0]!,
  });
  assert.ok(ctx.ok);
  it("decrypts baresip's SRTP into PCMU RTP with consecutive sequence numbers", () => {
    let seq = -1;
    for (const h of f.rtp) {
      const plain = ctx.value.unprotectRtp(hex(h));
      assert.ok(plain, `packet ${h.slice(0, 24)}`);
      const r = parseRtp(plain);
      assert.ok(r.ok);
      assert.equal(r.value.payloadType, 0);
      assert.equal(r.value.payloadLength, 160);
      if (seq >= 0) assert.equal(r.value.sequenceNumber, (seq + 1) & 0xffff);
      seq = r.value.sequenceNumber;
    }
  });
  it("decrypts baresip's SRTCP: SR + SDES CNAME, and its SR reports our stream (it decrypted our SRTP)", () => {
    // the first packet is libre's plaintext APP "PINGPONG" (16 bytes): too short for SRTCP
    assert.equal(ctx.value.unprotectRtcp(hex(f.rtcp[0]!)), null);
    const app = ctx.value.unprotectRtcp(hex(f.rtcp[1]!));
    assert.ok(app);
    assert.equal(app[1], 204);
    const sr = ctx.value.unprotectRtcp(hex(f.rtcp[2]!));
    assert.ok(sr);
    const parsed = parseRtcp(sr);
    assert.ok(parsed.ok);
    const first = parsed.value[0];
    assert.ok(first?.type === 'sr');
    assert.equal(first.reports[0]?.ssrc, 0x0badcafe);
    assert.equal(first.reports[0]?.cumulativeLost, 0);
    assert.ok(sr.includes(Buffer.from('sip:alice@127.0.0.1')));
  });
});

for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM'] as const) {
  describe(`${suite}: RFC 3711 §3.3 receive rules`, () => {
    const tag = suite === 'AEAD_AES_128_GCM' ? 16 : suite === 'AES_CM_128_HMAC_SHA1_32' ? 4 : 10;
    it(`round trip both ways, the tag adds ${tag} octets, the header stays in clear`, () => {
      const [A, B] = pair(suite);
      const p = rtp(1000);
      const s = A.protectRtp(p);
      assert.ok(s);
      assert.equal(s.length, p.length + tag);
      assert.deepEqual(s.subarray(0, 12), p.subarray(0, 12));
      assert.notDeepEqual(s.subarray(12, 172), p.subarray(12));
      assert.deepEqual(B.unprotectRtp(s), p);
      const back = B.protectRtp(rtp(5, { ssrc: 0xabcdef01 }));
      assert.ok(back);
      assert.deepEqual(A.unprotectRtp(back), rtp(5, { ssrc: 0xabcdef01 }));
    });
    it('a flipped bit in header, payload or tag, or a truncated tag, is an authentication failure', () => {
      const [A, B] = pair(suite);
      const s = A.protectRtp(rtp(1))!;
      for (const at of [1, 20, s.length - 1]) {
        const bad = Buffer.from(s);
        bad[at]! ^= 0x01;
        assert.equal(B.unprotectRtp(bad), null);
      }
      assert.equal(B.unprotectRtp(s.subarray(0, s.length - 1)), null);
      assert.equal(B.counters.authFailures, 4);
      // the failures did not poison the state: the genuine packet still passes
      assert.deepEqual(B.unprotectRtp(s), rtp(1));
    });
    it('a replayed packet is dropped; so is one older than the replay window; reordering inside it is fine', () => {
      const [A, B] = pair(suite, { replayWindow: 64 });
      const s = Array.from({ length: 200 }, (_, i) => A.protectRtp(rtp(i))!);
      assert.ok(B.unprotectRtp(s[10]!));
      assert.equal(B.unprotectRtp(s[10]!), null);
      assert.ok(B.unprotectRtp(s[150]!));
      assert.ok(B.unprotectRtp(s[100]!), '50 behind, inside 64');
      assert.equal(B.unprotectRtp(s[80]!), null, '70 behind, outside 64');
      assert.equal(B.counters.replays, 2);
    });
    it('RFC 3711 Appendix A: the ROC follows a sequence wrap, with late packets from before it', () => {
      const [A, B] = pair(suite);
      const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4, 5];
      const s = seqs.map((q) => A.protectRtp(rtp(q))!);
      const order = [0, 1, 2, 3, 4, 6, 7, 5, 8, 9, 10, 11]; // 65535 arrives after 0 and 1
      for (const i of order) assert.deepEqual(B.unprotectRtp(s[i]!), rtp(seqs[i]!), `seq ${seqs[i]}`);
      // after the wrap the sender uses ROC 1: a receiver that assumed ROC 0 would fail to authenticate
      const fresh = pair(suite)[1];
      assert.equal(fresh.unprotectRtp(s[8]!), null);
      assert.equal(fresh.counters.authFailures, 1);
    });
    it('SRTCP round trip, index from 0, replay dropped, tamper dropped', () => {
      const [A, B] = pair(suite);
      const s1 = A.protectRtcp(RR)!;
      const s2 = A.protectRtcp(RR)!;
      const trailer = suite === 'AEAD_AES_128_GCM' ? s1.length - 4 : s1.length - 14;
      // RFC 3711 §3.4: E bit set, SRTCP index 0 then 1
      assert.equal(s1.readUInt32BE(trailer), 0x80000000);
      assert.equal(s2.readUInt32BE(trailer), 0x80000001);
      assert.deepEqual(B.unprotectRtcp(s2), RR);
      assert.deepEqual(B.unprotectRtcp(s1), RR);
      assert.equal(B.unprotectRtcp(s1), null);
      const bad = Buffer.from(A.protectRtcp(RR)!);
      bad[10]! ^= 0x80;
      assert.equal(B.unprotectRtcp(bad), null);
      assert.deepEqual(B.counters, { authFailures: 1, replays: 1, malformed: 0 });
    });
    it('never throws on random bytes (fuzz)', () => {
      const [, B] = pair(suite);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          const b = Buffer.from(bytes);
          for (const r of [B.unprotectRtp(b), B.unprotectRtcp(b)]) assert.equal(r, null);
          B.protectRtp(b);
          B.protectRtcp(b);
        }),
        { numRuns: 300 },
      );
    });
  });
}

describe('MKI (RFC 3711 §3.1)', () => {
  it('each side writes its own MKI before the tag and checks the peer one', () => {
    const [A, B] = pair('AES_CM_128_HMAC_SHA1_80', { mki: true });
    const s = A.protectRtp(rtp(9))!;
    assert.equal(s.length, 172 + 4 + 10);
    assert.equal(s.readUInt32BE(172), 7);
    assert.deepEqual(B.unprotectRtp(s), rtp(9));
    const c = A.protectRtcp(RR)!;
    assert.equal(c.readUInt32BE(RR.length + 4), 7);
    assert.deepEqual(B.unprotectRtcp(c), RR);
    const wrong = Buffer.from(A.protectRtp(rtp(10))!);
    wrong[175] = 8;
    assert.equal(B.unprotectRtp(wrong), null);
  });
});

describe('createSrtpContext', () => {
  it('refuses key or salt lengths of another suite, and an MKI with GCM', () => {
    assert.equal(createSrtpContext({ suite: 'AEAD_AES_128_GCM', local: keyA, remote: gcmA }).ok, false);
    assert.equal(createSrtpContext({ suite: 'AES_CM_128_HMAC_SHA1_80', local: keyA, remote: gcmA }).ok, false);
    assert.equal(createSrtpContext({ suite: 'AEAD_AES_128_GCM', local: { ...gcmA, mki: { value: 1, length: 1 } }, remote: gcmA }).ok, false);
  });
});
