import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box.js';

describe('SecretBox (config secrets at rest)', () => {
  const box = new SecretBox({ key: randomBytes(32) });

  it('seals to a form that does not contain the secret and opens it again; two seals differ (random IV)', () => {
    const a = box.seal('carrier-pass');
    const b = box.seal('carrier-pass');
    assert.ok(box.isSealed(a));
    assert.ok(!a.includes('carrier-pass'));
    assert.notEqual(a, b);
    assert.equal(box.open(a), 'carrier-pass');
    assert.equal(box.open(box.seal('密码 ü')), '密码 ü');
  });

  it('a value from before sealing opens as it is (the store reseals it at start)', () => {
    assert.equal(box.isSealed('legacy-pass'), false);
    assert.equal(box.open('legacy-pass'), 'legacy-pass');
  });

  it('another key, a flipped bit or a truncated value does not open (null, never a wrong secret)', () => {
    const sealed = box.seal('carrier-pass');
    assert.equal(new SecretBox({ key: randomBytes(32) }).open(sealed), null);
    const raw = Buffer.from(sealed.slice('sealed:v1:'.length), 'base64');
    raw[14] = raw[14]! ^ 1;
    assert.equal(box.open(`sealed:v1:${raw.toString('base64')}`), null);
    assert.equal(box.open('sealed:v1:AAAA'), null);
  });

  it('refuses a key that is not 32 bytes', () => {
    assert.throws(() => new SecretBox({ key: randomBytes(16) }), /32 bytes/);
  });
});
