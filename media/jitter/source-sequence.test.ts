// SourceSequence: where each packet sits in its source's stream. Expected values are worked out by
// hand from RFC 3550 (§5.1 sequence/timestamp semantics, §8.2 SSRC, A.1 sequence validation with
// MAX_DROPOUT 3000), never from our output; then the same rules seen through the jitter buffer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JitterBuffer } from './index.js';
import { SOURCE_CONTINUES, SOURCE_REFUSED, SOURCE_RESTARTED, SOURCE_STARTED, SourceSequence } from './source-sequence.js';
import { packet, PTIME, push, RATE, step } from './testing.js';

function source(): SourceSequence {
  return new SourceSequence({ clockRate: RATE, frameSamples: PTIME, maxDelaySamples: 1600 });
}

/** locates (and accepts, unless refused) a packet; the verdict */
function feed(s: SourceSequence, o: { seq: number; ts: number; arrivalMs: number; ssrc?: number; samples?: number }): number {
  const p = { ...packet(), ssrc: o.ssrc ?? 0x1234, seq: o.seq, timestamp: o.ts, arrivalMs: o.arrivalMs, samples: o.samples ?? 0 };
  const verdict = s.locate(p);
  if (verdict !== SOURCE_REFUSED) s.accept(p);
  return verdict;
}

describe('SourceSequence: RFC 3550 A.1 extended numbers', () => {
  it('the first packet starts a stream; the next in sequence continues it one number on', () => {
    const s = source();
    assert.equal(feed(s, { seq: 500, ts: 8000, arrivalMs: 0 }), SOURCE_STARTED);
    const first = s.highestSeq;
    assert.equal(feed(s, { seq: 501, ts: 8160, arrivalMs: 20 }), SOURCE_CONTINUES);
    assert.equal(s.highestSeq - first, 1);
  });

  it('the 16-bit sequence wrap 65535 -> 0 and the 32-bit timestamp wrap count on, not back', () => {
    const s = source();
    feed(s, { seq: 65535, ts: 2 ** 32 - PTIME, arrivalMs: 0 });
    const seq0 = s.highestSeq;
    const end0 = s.highestEnd();
    assert.equal(feed(s, { seq: 0, ts: 0, arrivalMs: 20 }), SOURCE_CONTINUES);
    assert.equal(s.highestSeq - seq0, 1);
    assert.equal(s.highestEnd() - end0, PTIME);
  });

  it('RFC 3550 A.1 bounds: udelta < MAX_DROPOUT (3000) is in order, 3000 ahead or 100 behind is a jump', () => {
    // A.1: "if (udelta < MAX_DROPOUT) in order ... else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) very large jump"
    const s = source();
    feed(s, { seq: 1000, ts: 16000, arrivalMs: 0 });
    assert.equal(s.locate({ ...packet(), ssrc: 0x1234, seq: 4000, timestamp: 16000 + 3000 * PTIME, arrivalMs: 60_000 }), SOURCE_REFUSED);
    assert.equal(s.locate({ ...packet(), ssrc: 0x1234, seq: 900, timestamp: 16000 - 100 * PTIME, arrivalMs: 20 }), SOURCE_REFUSED);
    assert.equal(s.locate({ ...packet(), ssrc: 0x1234, seq: 901, timestamp: 16000 - 99 * PTIME, arrivalMs: 20 }), SOURCE_CONTINUES);
    assert.equal(s.delta, -99);
    assert.equal(s.locate({ ...packet(), ssrc: 0x1234, seq: 3999, timestamp: 16000 + 2999 * PTIME, arrivalMs: 59_980 }), SOURCE_CONTINUES);
    assert.equal(s.delta, 2999);
  });

  it('a reordered packet is placed behind the newest and does not become it', () => {
    const s = source();
    feed(s, { seq: 10, ts: 1600, arrivalMs: 0 });
    feed(s, { seq: 12, ts: 1920, arrivalMs: 40 });
    const newest = s.highestSeq;
    assert.equal(s.locate({ ...packet(), seq: 11, timestamp: 1760, arrivalMs: 45 }), SOURCE_CONTINUES);
    assert.equal(s.delta, -1);
    assert.equal(s.ext, newest - 1);
    assert.equal(s.extTs - (s.highestEnd() - PTIME), -PTIME);
  });

  it('a jump beyond MAX_DROPOUT is refused until the next packet follows it, which restarts the stream', () => {
    const s = source();
    feed(s, { seq: 10, ts: 0, arrivalMs: 0 });
    assert.equal(feed(s, { seq: 20000, ts: 50000, arrivalMs: 20 }), SOURCE_REFUSED);
    assert.equal(feed(s, { seq: 20001, ts: 50160, arrivalMs: 40 }), SOURCE_RESTARTED);
    assert.equal(feed(s, { seq: 20002, ts: 50320, arrivalMs: 60 }), SOURCE_CONTINUES);
  });

  it('§8.2: a new SSRC restarts; after reset() the next packet starts a stream afresh', () => {
    const s = source();
    feed(s, { seq: 1, ts: 0, arrivalMs: 0 });
    assert.equal(feed(s, { seq: 1, ts: 0, arrivalMs: 20, ssrc: 0x9999 }), SOURCE_RESTARTED);
    s.reset();
    assert.equal(feed(s, { seq: 2, ts: 160, arrivalMs: 40, ssrc: 0x9999 }), SOURCE_STARTED);
  });

  it('§5.1: a timestamp that goes back while the sequence goes on is a restarted clock', () => {
    const s = source();
    feed(s, { seq: 1, ts: 800000, arrivalMs: 0 });
    assert.equal(feed(s, { seq: 2, ts: 1000, arrivalMs: 20 }), SOURCE_RESTARTED);
  });
});

describe('SourceSequence: packet spacing', () => {
  it('a spacing is believed once two consecutive packets agree on it; a declared duration at once', () => {
    const s = source();
    feed(s, { seq: 1, ts: 0, arrivalMs: 0 });
    feed(s, { seq: 2, ts: 80, arrivalMs: 10 });
    assert.equal(s.packetSamples, PTIME, 'one spacing of 80 is not yet believed');
    feed(s, { seq: 3, ts: 160, arrivalMs: 20 });
    assert.equal(s.packetSamples, 80);
    feed(s, { seq: 4, ts: 240, arrivalMs: 30, samples: 320 });
    assert.equal(s.packetSamples, 320);
  });
});

describe('JitterBuffer: restarts', () => {
  it('RFC 3550 §8.2: a new SSRC starts a new stream', () => {
    const jb = new JitterBuffer({ clockRate: RATE });
    const p = packet();
    push(jb, p, 100, 9000, 0);
    assert.equal(step(jb), 'PLAY 100');
    p.ssrc = 0x9999;
    push(jb, p, 7, 123, 20);
    assert.equal(step(jb), 'PLAY 7');
    assert.equal(jb.stats().resyncs, 1);
  });

  it('RFC 3550 A.1: a sequence jump beyond MAX_DROPOUT is believed only when the next packet follows it', () => {
    const jb = new JitterBuffer({ clockRate: RATE });
    const p = packet();
    push(jb, p, 10, 0, 0);
    assert.equal(step(jb), 'PLAY 10');
    assert.equal(push(jb, p, 20000, 50000, 20), false);
    assert.equal(push(jb, p, 20001, 50160, 40), true);
    assert.equal(step(jb), 'PLAY 20001');
    assert.equal(jb.stats().resyncs, 1);
    assert.equal(jb.stats().invalid, 1);
  });

  it('a timestamp that goes back while the sequence goes on is a restarted clock, not late audio', () => {
    const jb = new JitterBuffer({ clockRate: RATE });
    const p = packet();
    push(jb, p, 1, 800000, 0);
    assert.equal(step(jb), 'PLAY 1');
    assert.equal(push(jb, p, 2, 1000, 20), true);
    assert.equal(step(jb), 'PLAY 2');
    assert.equal(jb.stats().resyncs, 1);
    assert.equal(jb.stats().late, 0);
  });
});
