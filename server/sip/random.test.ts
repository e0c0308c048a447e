// The pooled CSPRNG: each call hands out bytes of its own in the documented encoding; the 4 KiB pool
// refills when a request does not fit; values never repeat. Encodings are checked against
// node:Buffer's own hex/base64url codecs (RFC 4648 §5), not against this module.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBase64url, randomBytesPooled, randomHex } from './random.js';
import { newBranch, newCallId, newTag } from './message/build.js';

const POOL = 4096;
const HEX = /^[0-9a-f]*$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

describe('randomBytesPooled', () => {
  it('returns exactly count bytes, for any count from 0 to 4096', () => {
    for (const n of [0, 1, 8, 12, 16, 100, 4095, 4096]) {
      const b = randomBytesPooled(n);
      assert.ok(Buffer.isBuffer(b));
      assert.equal(b.length, n);
    }
  });

  it('refuses more than the pool (4096 bytes) or a negative count', () => {
    assert.throws(() => randomBytesPooled(POOL + 1), RangeError);
    assert.throws(() => randomBytesPooled(-1), RangeError);
    assert.throws(() => randomHex(Number.NaN), RangeError);
  });

  it('a returned buffer is unchanged after the pool refills (bytes are copied out)', () => {
    const kept = randomBytesPooled(64);
    const copy = Buffer.from(kept);
    for (let i = 0; i < 3; i++) randomBytesPooled(POOL); // three full refills
    assert.deepEqual(kept, copy);
  });

  it('successive values differ, including across refills of the 4 KiB pool', () => {
    // 700 draws of 24 bytes = 16 800 bytes: four refills, several of them mid-request
    const seen = new Set<string>();
    for (let i = 0; i < 700; i++) seen.add(randomBytesPooled(24).toString('hex'));
    assert.equal(seen.size, 700);
  });

  it('refill across the 4 KiB boundary: no byte run is handed out twice', () => {
    // Draw sizes that do not divide 4096, far beyond one pool; if a refill failed (pool reused,
    // offset not reset) some 16-byte window, at any offset, would reappear. Two windows of 16
    // random bytes collide by chance with probability about 2^-128.
    const sizes = [7, 13, 100, 1000, 4000, 33, 4096, 1];
    const windows = new Set<string>();
    let total = 0;
    let windowsAdded = 0;
    for (let round = 0; round < 6; round++) {
      for (const n of sizes) {
        const b = randomBytesPooled(n);
        assert.equal(b.length, n);
        total += n;
        for (let i = 0; i + 16 <= n; i++) {
          windows.add(b.subarray(i, i + 16).toString('hex'));
          windowsAdded++;
        }
      }
    }
    assert.ok(total > 10 * POOL, `drew ${total} bytes`);
    assert.equal(windows.size, windowsAdded);
  });

  it('bytes look uniformly random (every byte value appears in 64 KiB)', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 16; i++) for (const byte of randomBytesPooled(POOL)) counts[byte] = (counts[byte] ?? 0) + 1;
    // expected 256 each; a value missing entirely has probability ~ 256 * e^-256
    assert.ok(counts.every((c) => c > 100), `min count ${Math.min(...counts)}`);
  });
});

describe('randomHex', () => {
  it('gives 2 × count lower-case hex digits that decode to count bytes', () => {
    for (const n of [0, 1, 8, 16, 2048, 4096]) {
      const s = randomHex(n);
      assert.equal(s.length, 2 * n);
      assert.match(s, HEX);
      assert.equal(Buffer.from(s, 'hex').length, n);
    }
  });

  it('successive values differ', () => {
    const a = randomHex(8);
    const b = randomHex(8);
    assert.notEqual(a, b);
  });
});

describe('randomBase64url', () => {
  it('RFC 4648 §5: base64url without padding, ceil(4n/3) characters, decoding to count bytes', () => {
    for (const n of [0, 1, 2, 3, 12, 13, 14, 4096]) {
      const s = randomBase64url(n);
      assert.equal(s.length, Math.ceil((4 * n) / 3));
      assert.match(s, B64URL);
      const decoded = Buffer.from(s, 'base64url');
      assert.equal(decoded.length, n);
      assert.equal(decoded.toString('base64url'), s, 'canonical encoding');
    }
  });

  it('successive values differ', () => {
    assert.notEqual(randomBase64url(12), randomBase64url(12));
  });
});

describe('identifiers built on the pool (message/build.ts)', () => {
  it('RFC 3261 19.3: tags are 64 random bits as 16 hex digits; 10 000 never collide', () => {
    const tags = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const t = newTag();
      assert.match(t, /^[0-9a-f]{16}$/);
      tags.add(t);
    }
    assert.equal(tags.size, 10_000);
  });

  it('RFC 3261 8.1.1.7: branches start with the magic cookie z9hG4bK; 10 000 never collide', () => {
    const branches = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const b = newBranch();
      assert.ok(b.startsWith('z9hG4bK'));
      assert.match(b.slice(7), /^[A-Za-z0-9_-]{16}$/); // 12 bytes, base64url
      branches.add(b);
    }
    assert.equal(branches.size, 10_000);
  });

  it('RFC 3261 8.1.1.4: Call-IDs carry 128 random bits (32 hex digits); 10 000 never collide', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) ids.add(newCallId());
    assert.equal(ids.size, 10_000);
    assert.ok([...ids].every((id) => /^[0-9a-f]{32}$/.test(id)));
  });
});
