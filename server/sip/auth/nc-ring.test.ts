import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NonceCountRing } from './nc-ring.js';

describe('nonce-count ring (RFC 7616 §3.4 replay detection)', () => {
  it('at capacity every issued nonce is still known; one more forgets only the oldest', () => {
    const ring = new NonceCountRing({ capacity: 4, start: 0xfffffffe }); // wraps past 2^32 on the way
    const slots = [11, 12, 13, 14].map((tag) => ({ seq: ring.issue(tag), tag }));
    // answered in reverse issue order, as under load: all fresh
    for (const slot of [...slots].reverse()) {
      assert.equal(ring.judge(slot, 1), 'fresh');
      ring.accept(slot, 1);
    }
    const fifth = { seq: ring.issue(15), tag: 15 };
    assert.equal(ring.judge(slots[0]!, 2), 'forgotten');
    for (const slot of slots.slice(1)) assert.equal(ring.judge(slot, 2), 'fresh');
    assert.equal(ring.judge(fifth, 1), 'fresh');
  });
  it('RFC 7616 3.4: an nc not above the highest seen for the nonce is a replay', () => {
    const ring = new NonceCountRing({ capacity: 8 });
    const slot = { seq: ring.issue(7), tag: 7 };
    assert.equal(ring.judge(slot, 0), 'replay'); // nc starts at 1
    ring.accept(slot, 3);
    assert.equal(ring.judge(slot, 3), 'replay');
    assert.equal(ring.judge(slot, 2), 'replay');
    assert.equal(ring.judge(slot, 4), 'fresh');
  });
  it('a nonce of an earlier run (same sequence number, another tag) is forgotten, never fresh', () => {
    const ring = new NonceCountRing({ capacity: 8, start: 100 });
    const seq = ring.issue(1);
    assert.equal(ring.judge({ seq, tag: 2 }, 1), 'forgotten');
    assert.equal(ring.judge({ seq: seq + 1, tag: 0 }, 1), 'forgotten');
  });
  it('capacity is rounded up to a power of two', () => {
    assert.equal(new NonceCountRing({ capacity: 1000 }).capacity, 1024);
    assert.equal(new NonceCountRing({ capacity: 1 }).capacity, 2);
  });
});
