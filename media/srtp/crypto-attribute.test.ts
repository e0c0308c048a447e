// a=crypto parsing and negotiation (RFC 4568, RFC 7714 §12) against lines from the RFCs and real phones.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { chooseCrypto, formatCryptoAttribute, newCryptoKey, parseCryptoAttribute, type CryptoAttribute } from './crypto-attribute.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const must = (line: string): CryptoAttribute => {
  const r = parseCryptoAttribute(line);
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
};
const baresip = JSON.parse(readFileSync(new URL('./testdata/baresip-aes-cm-80.json', import.meta.url), 'utf8')) as { peerLine: string };

describe('parseCryptoAttribute (RFC 4568 §9.1)', () => {
  it('RFC 4568 §9.1 example: key||salt, lifetime 2^20 and MKI 1:4', () => {
    const a = must('1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4');
    assert.equal(a.tag, 1);
    assert.equal(a.suite, 'AES_CM_128_HMAC_SHA1_80');
    assert.equal(a.keys.length, 1);
    const k = a.keys[0]!;
    // the base64 text decodes (independently, by Buffer) to 30 octets: 16 key then 14 salt
    const raw = Buffer.from('PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', 'base64');
    assert.deepEqual(k.key, raw.subarray(0, 16));
    assert.deepEqual(k.salt, raw.subarray(16));
    assert.equal(k.lifetime, 1048576);
    assert.deepEqual(k.mki, { value: 1, length: 4 });
    assert.deepEqual(a.sessionParams, []);
  });

  it('the line baresip 1.0 offers (with its a=crypto: prefix) parses', () => {
    const a = must(baresip.peerLine);
    assert.equal(a.suite, 'AES_CM_128_HMAC_SHA1_80');
    assert.equal(a.keys[0]!.lifetime, null);
    assert.equal(a.keys[0]!.mki, null);
  });

  it('lines in the style of Polycom, Linphone and Snom offers parse, session parameters kept', () => {
    // hand-written after RFC 4568 §10: decimal lifetime, 2^31, several lines, session params
    const polycom = must('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:YUJDZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU2|2^31');
    assert.equal(polycom.keys[0]!.lifetime, 2 ** 31);
    const linphone = must('2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|1066:4');
    assert.equal(linphone.suite, 'AES_CM_128_HMAC_SHA1_32');
    assert.deepEqual(linphone.keys[0]!.mki, { value: 1066, length: 4 });
    const snom = must('3 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR KDR=0 UNENCRYPTED_SRTCP');
    assert.deepEqual(snom.sessionParams, ['KDR=0', 'UNENCRYPTED_SRTCP']);
  });

  it('RFC 7714 §12: AEAD_AES_128_GCM carries 16 octets of key and 12 of salt', () => {
    // RFC 7714 §16 test key 000102..0f and salt "Quid pro quo"
    const key = hex('000102030405060708090a0b0c0d0e0f');
    const salt = hex('517569642070726f2071756f');
    const b64 = Buffer.concat([key, salt]).toString('base64');
    const a = must(`1 AEAD_AES_128_GCM inline:${b64}`);
    assert.deepEqual(a.keys[0]!.key, key);
    assert.deepEqual(a.keys[0]!.salt, salt);
    // without the base64 padding some stacks send
    assert.ok(parseCryptoAttribute(`1 AEAD_AES_128_GCM inline:${b64.replace(/=+$/, '')}`).ok);
  });

  const errors: [string, string][] = [
    ['1 AES_CM_128_HMAC_SHA1_80', 'syntax'],
    ['x AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', 'bad-tag'],
    ['1 AES_256_CM_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', 'unknown-suite'],
    ['1 AES_CM_128_HMAC_SHA1_80 uri:http://x/', 'bad-key-method'],
    ['1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkp', 'bad-key'],
    ['1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVe*CFCanVmcjkpPywjNWhcYD0mXXtxaVBR', 'bad-key'],
    // 30 octets is an AES-CM key, not a GCM one (28)
    ['1 AEAD_AES_128_GCM inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', 'bad-key'],
    ['1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^x', 'bad-lifetime'],
    ['1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|256:1', 'bad-mki'],
    ['1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:4|2:4', 'bad-mki'],
  ];
  for (const [line, code] of errors) {
    it(`"${line.slice(0, 60)}…" is an error value: ${code}`, () => {
      const r = parseCryptoAttribute(line);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, code);
    });
  }

  it('never throws, whatever the text (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseCryptoAttribute(s);
        parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${s}`);
      }),
      { numRuns: 500 },
    );
  });
});

describe('formatCryptoAttribute', () => {
  it('writes the RFC 4568 §9.1 example back exactly', () => {
    const raw = Buffer.from('PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', 'base64');
    const line = formatCryptoAttribute({
      tag: 1,
      suite: 'AES_CM_128_HMAC_SHA1_80',
      key: raw.subarray(0, 16),
      salt: raw.subarray(16),
      lifetime: 2 ** 20,
      mki: { value: 1, length: 4 },
    });
    assert.equal(line, '1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4');
  });
});

describe('chooseCrypto (RFC 4568 §7.1.2)', () => {
  const k80 = 'inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
  it('takes the first offered line we support, skipping lines with session parameters we cannot honour', () => {
    const offered = [
      must(`1 AES_CM_128_HMAC_SHA1_32 ${k80} UNENCRYPTED_SRTP`),
      must(`2 AEAD_AES_128_GCM inline:${Buffer.alloc(28, 7).toString('base64')}`),
      must(`3 AES_CM_128_HMAC_SHA1_80 ${k80} KDR=0`),
    ];
    assert.equal(chooseCrypto({ offered, supported: ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] })?.tag, 3);
    assert.equal(chooseCrypto({ offered, supported: ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'] })?.tag, 2);
    assert.equal(chooseCrypto({ offered: [must(`1 AES_CM_128_HMAC_SHA1_80 ${k80} KDR=20`)], supported: ['AES_CM_128_HMAC_SHA1_80'] }), null);
    assert.equal(chooseCrypto({ offered: [must(`1 AES_CM_128_HMAC_SHA1_80 ${k80};${k80}`)], supported: ['AES_CM_128_HMAC_SHA1_80'] }), null);
  });
});

describe('newCryptoKey', () => {
  it('draws key||salt of the suite length from the injected random source', () => {
    const calls: number[] = [];
    const random = (n: number) => (calls.push(n), Buffer.alloc(n, 0xab));
    const gcm = newCryptoKey({ suite: 'AEAD_AES_128_GCM', random });
    assert.deepEqual([gcm.key.length, gcm.salt.length], [16, 12]);
    const cm = newCryptoKey({ suite: 'AES_CM_128_HMAC_SHA1_32', random });
    assert.deepEqual([cm.key.length, cm.salt.length], [16, 14]);
    assert.deepEqual(calls, [28, 30]);
    assert.notDeepEqual(newCryptoKey({ suite: 'AES_CM_128_HMAC_SHA1_80' }).key, newCryptoKey({ suite: 'AES_CM_128_HMAC_SHA1_80' }).key);
  });
});
