import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, hotp, totp, verifyTotp } from './totp.js';

// RFC 6238 Appendix B: the seeds are the ASCII strings below, one per HMAC algorithm
const SEED = { SHA1: '12345678901234567890', SHA256: '12345678901234567890123456789012', SHA512: '1234567890123456789012345678901234567890123456789012345678901234' } as const;
const VECTORS: Array<[number, string, string, string]> = [
  // time (s), SHA1, SHA256, SHA512 (8 digits)
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  for (const [t, sha1, sha256, sha512] of VECTORS) {
    it(`RFC 6238 appendix B: T=${t} gives ${sha1} / ${sha256} / ${sha512}`, () => {
      const timeMs = t * 1000;
      assert.equal(totp({ key: Buffer.from(SEED.SHA1), timeMs, digits: 8, algorithm: 'SHA1' }), sha1);
      assert.equal(totp({ key: Buffer.from(SEED.SHA256), timeMs, digits: 8, algorithm: 'SHA256' }), sha256);
      assert.equal(totp({ key: Buffer.from(SEED.SHA512), timeMs, digits: 8, algorithm: 'SHA512' }), sha512);
    });
  }

  it('RFC 4226 appendix D: HOTP values for counters 0 to 9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expected.forEach((code, counter) => assert.equal(hotp({ key: Buffer.from(SEED.SHA1), counter }), code));
  });

  it('RFC 4648 §10: base32 test vectors, both ways', () => {
    const cases: Array<[string, string]> = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [plain, encoded] of cases) {
      assert.equal(base32Encode(Buffer.from(plain)), encoded);
      assert.equal(base32Decode(`${encoded}======`)?.toString(), plain);
    }
    assert.equal(base32Decode('MZ1W'), undefined, '1 is not in the alphabet');
  });

  it('RFC 6238 §5.2: accepts one step of drift either way, refuses two, and refuses a step already used', () => {
    const secret = base32Encode(Buffer.from(SEED.SHA1));
    const timeMs = 1111111111_000;
    const code = (dt: number) => totp({ key: Buffer.from(SEED.SHA1), timeMs: timeMs + dt * 1000 });
    const step = Math.floor(1111111111 / 30);
    assert.equal(verifyTotp({ secret, code: code(0), timeMs }), step);
    assert.equal(verifyTotp({ secret, code: code(-30), timeMs }), step - 1);
    assert.equal(verifyTotp({ secret, code: code(30), timeMs }), step + 1);
    assert.equal(verifyTotp({ secret, code: code(-90), timeMs }), undefined);
    assert.equal(verifyTotp({ secret, code: code(0), timeMs, lastStep: step }), undefined, 'replay of the accepted code');
    assert.equal(verifyTotp({ secret, code: 'abcdef', timeMs }), undefined);
  });
});
