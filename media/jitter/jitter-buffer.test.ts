// Jitter buffer: playout order, loss, duplicates, wrap-around, DTX and bounds (restarts: source-sequence.test.ts).
// Expected values are worked out by hand from RFC 3550 (§5.1 sequence/timestamp semantics, A.1
// sequence validation) and RFC 3551 §4.1 (silence suppression), never from our output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JitterBuffer, JITTER_LOST, JITTER_PLAY } from './index.js';
import { packet, PTIME, push, RATE, steady, step, tagOf } from './testing.js';

describe('JitterBuffer: order, loss, duplicates', () => {
  it('plays an in-order 20 ms stream one packet per pop, with no loss', () => {
    const jb = new JitterBuffer({ clockRate: RATE });
    const out = steady(jb, [0, 1, 2, 3, 4], 100, 1000);
    assert.deepEqual(out.slice(0, 6), ['PLAY 0', 'PLAY 1', 'PLAY 2', 'PLAY 3', 'PLAY 4', 'EMPTY 160']);
    const s = jb.stats();
    assert.equal(s.played, 5);
    assert.equal(s.lost, 0);
    assert.equal(s.late, 0);
  });

  it('puts reordered packets back in sequence order (RFC 3550 §5.1: seq "may be used ... to restore packet sequence")', () => {
    const jb = new JitterBuffer({ clockRate: RATE, minDelayMs: 60 });
    const p = packet();
    // 0 and 1 arrive, then 3 before 2, then 5 before 4
    const order = [0, 1, 3, 2, 5, 4, 6, 7];
    const played: number[] = [];
    order.forEach((seq, i) => {
      push(jb, p, seq, seq * PTIME, i * 20);
      if (jb.pop() === JITTER_PLAY) played.push(tagOf(jb));
    });
    for (let i = 0; i < 8; i++) if (jb.pop() === JITTER_PLAY) played.push(tagOf(jb));
    assert.deepEqual(played, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(jb.stats().reorders, 2);
    assert.equal(jb.stats().lost, 0);
  });

  it('conceals one lost packet with LOST for its 20 ms, and refuses it as late when it turns up', () => {
    const jb = new JitterBuffer({ clockRate: RATE, minDelayMs: 60 });
    const out = steady(jb, [0, 1, 2, 3, -1, 5, 6, 7, 8], 0, 0);
    const relevant = out.filter((s) => !s.startsWith('EMPTY'));
    assert.deepEqual(relevant, ['PLAY 0', 'PLAY 1', 'PLAY 2', 'PLAY 3', 'LOST 160', 'PLAY 5', 'PLAY 6', 'PLAY 7', 'PLAY 8']);
    assert.equal(jb.stats().lost, 1);
    assert.equal(push(jb, packet(), 4, 4 * PTIME, 400), false);
    assert.equal(jb.stats().late, 1);
  });

  it('hands the packet after a hole to peekNext() for FEC without consuming it', () => {
    const jb = new JitterBuffer({ clockRate: RATE, minDelayMs: 60 });
    const p = packet();
    for (const seq of [0, 2, 3]) push(jb, p, seq, seq * PTIME, seq * 20);
    assert.equal(step(jb), 'PLAY 0');
    assert.equal(jb.pop(), JITTER_LOST);
    assert.equal(jb.outTimestamp, 1 * PTIME);
    assert.equal(jb.peekNext(), 160);
    assert.equal(tagOf(jb), 2);
    assert.equal(jb.outSeq, 2);
    assert.equal(step(jb), 'PLAY 2');
  });

  it('refuses duplicates, whether still held or already played', () => {
    const jb = new JitterBuffer({ clockRate: RATE, minDelayMs: 40 });
    const p = packet();
    assert.equal(push(jb, p, 10, 0, 0), true);
    assert.equal(push(jb, p, 10, 0, 1), false);
    assert.equal(push(jb, p, 11, PTIME, 20), true);
    assert.equal(step(jb), 'PLAY 10');
    assert.equal(push(jb, p, 10, 0, 25), false);
    assert.equal(step(jb), 'PLAY 11');
    const s = jb.stats();
    assert.equal(s.duplicates, 1);
    assert.equal(s.late, 1);
    assert.equal(s.played, 2);
  });

  it('refuses a payload larger than maxPayload as invalid', () => {
    const jb = new JitterBuffer({ clockRate: RATE, maxPayload: 100 });
    assert.equal(push(jb, packet(), 1, 0, 0, 1, 160), false);
    assert.equal(jb.stats().invalid, 1);
  });
});

describe('JitterBuffer: wrap-around (RFC 3550 A.1 extended sequence numbers)', () => {
  it('plays across the 16-bit sequence wrap 65535 -> 0', () => {
    const jb = new JitterBuffer({ clockRate: RATE });
    const out = steady(jb, [0, 1, 2, 3, 4, 5], 65533, 5000);
    assert.deepEqual(out.slice(0, 6), ['PLAY 0', 'PLAY 1', 'PLAY 2', 'PLAY 3', 'PLAY 4', 'PLAY 5']);
    assert.equal(jb.stats().resyncs, 0);
  });

  it('plays across the 32-bit timestamp wrap 2^32 -> 0, with a reordered packet at the wrap', () => {
    const jb = new JitterBuffer({ clockRate: RATE, minDelayMs: 60 });
    const p = packet();
    const ts0 = 2 ** 32 - 2 * PTIME;
    const order = [0, 1, 3, 2, 4, 5];
    const played: number[] = [];
    order.forEach((i, t) => {
      push(jb, p, 40000 + i, ts0 + i * PTIME, t * 20, i);
      if (jb.pop() === JITTER_PLAY) played.push(tagOf(jb));
    });
    for (let i = 0; i < 6; i++) if (jb.pop() === JITTER_PLAY) played.push(tagOf(jb));
    assert.deepEqual(played, [0, 1, 2, 3, 4, 5]);
    assert.equal(jb.stats().lost, 0);
    assert.equal(jb.stats().resyncs, 0);
  });

  it('plays across both wraps at once', () => {
    const jb = new JitterBuffer({ clockRate: RATE });
    const out = steady(jb, [0, 1, 2, 3], 65534, 2 ** 32 - PTIME);
    assert.deepEqual(out.slice(0, 4), ['PLAY 0', 'PLAY 1', 'PLAY 2', 'PLAY 3']);
  });
});

describe('JitterBuffer: silence suppression (RFC 3551 §4.1 DTX)', () => {
  it('a timestamp jump with consecutive sequence numbers is silence, not loss', () => {
    const jb = new JitterBuffer({ clockRate: RATE });
    const p = packet();
    const results: string[] = [];
    // 3 packets, 1 s without packets (the sender's timestamp runs on), then 3 more
    for (let tick = 0; tick < 60; tick++) {
      if (tick < 3) push(jb, p, tick, tick * PTIME, tick * 20, tick);
      if (tick >= 53 && tick < 56) push(jb, p, tick - 50, tick * PTIME, tick * 20, tick - 50);
      results.push(step(jb));
    }
    assert.deepEqual(results.filter((s) => s.startsWith('PLAY')), ['PLAY 0', 'PLAY 1', 'PLAY 2', 'PLAY 3', 'PLAY 4', 'PLAY 5']);
    assert.equal(results.filter((s) => s.startsWith('LOST')).length, 0);
    assert.equal(jb.stats().lost, 0);
    assert.equal(jb.stats().resyncs, 0);
  });

  it('a short gap held in the buffer plays as EMPTY for exactly its length', () => {
    const jb = new JitterBuffer({ clockRate: RATE, minDelayMs: 120 });
    const p = packet();
    // packets 0,1; then 60 ms (480 samples) with nothing; seq 2 at ts 2*160+480
    push(jb, p, 0, 0, 0);
    push(jb, p, 1, PTIME, 20);
    push(jb, p, 2, 2 * PTIME + 480, 100);
    push(jb, p, 3, 3 * PTIME + 480, 120);
    const out: string[] = [];
    for (let i = 0; i < 12; i++) out.push(step(jb));
    const started = out.slice(out.indexOf('PLAY 0'));
    assert.deepEqual(started.slice(0, 7), ['PLAY 0', 'PLAY 1', 'EMPTY 160', 'EMPTY 160', 'EMPTY 160', 'PLAY 2', 'PLAY 3']);
  });

  it('conceals only what the lost packet covered when a hole precedes a silence gap', () => {
    const jb = new JitterBuffer({ clockRate: RATE, minDelayMs: 140 });
    const p = packet();
    // 0, 1 received; 2 lost; 40 ms of silence after it; 3 at ts 3*160+320
    push(jb, p, 0, 0, 0);
    push(jb, p, 1, PTIME, 20);
    push(jb, p, 3, 3 * PTIME + 320, 100);
    push(jb, p, 4, 4 * PTIME + 320, 120);
    const out: string[] = [];
    for (let i = 0; i < 12; i++) out.push(step(jb));
    const started = out.slice(out.indexOf('PLAY 0'));
    assert.deepEqual(started.slice(0, 7), ['PLAY 0', 'PLAY 1', 'LOST 160', 'EMPTY 160', 'EMPTY 160', 'PLAY 3', 'PLAY 4']);
    assert.equal(jb.stats().lost, 1);
  });
});

describe('JitterBuffer: packet lengths other than the tick', () => {
  it('a 40 ms packet covers two 20 ms ticks: the caller pops only when its decoded audio runs out', () => {
    const jb = new JitterBuffer({ clockRate: RATE });
    const p = packet();
    p.samples = 320;
    const played: number[] = [];
    let have = 0; // decoded samples the caller still holds
    for (let tick = 0; tick < 14; tick++) {
      if (tick % 2 === 0 && tick < 10) push(jb, p, tick / 2, (tick / 2) * 320, tick * 20, tick / 2, 320);
      while (have < PTIME) {
        const k = jb.pop();
        if (k === JITTER_PLAY) played.push(tagOf(jb));
        have += jb.outSamples;
      }
      have -= PTIME;
    }
    assert.deepEqual(played, [0, 1, 2, 3, 4]);
    assert.equal(jb.stats().lost, 0);
  });

  it('learns a 10 ms packet spacing from the timestamps: two pops fill a 20 ms tick', () => {
    const jb = new JitterBuffer({ clockRate: RATE });
    const p = packet();
    const played: number[] = [];
    let have = 0;
    for (let tick = 0; tick < 10; tick++) {
      for (let k = 0; k < 2 && tick < 8; k++) push(jb, p, tick * 2 + k, (tick * 2 + k) * 80, tick * 20 + k * 10, tick * 2 + k, 80);
      while (have < PTIME) {
        if (jb.pop() === JITTER_PLAY) played.push(tagOf(jb));
        have += jb.outSamples;
      }
      have -= PTIME;
    }
    assert.deepEqual(played, [...Array(16).keys()]);
    assert.equal(jb.stats().lost, 0);
  });
});

describe('JitterBuffer: bounds', () => {
  it('discards the oldest packets when capacity is reached', () => {
    const jb = new JitterBuffer({ clockRate: RATE, capacity: 8, maxDelayMs: 1000 });
    const p = packet();
    for (let i = 0; i < 12; i++) push(jb, p, i, i * PTIME, 0);
    assert.equal(jb.stats().overflow, 4);
    assert.equal(step(jb), 'PLAY 4');
  });

  it('keeps no more than maxDelayMs once playing: a burst after a stall is cut down to the target', () => {
    const jb = new JitterBuffer({ clockRate: RATE, maxDelayMs: 100 });
    const p = packet();
    push(jb, p, 0, 0, 0);
    assert.equal(step(jb), 'PLAY 0');
    // 400 ms stall, then 20 packets at once
    for (let i = 1; i <= 20; i++) push(jb, p, i, i * PTIME, 400);
    assert.ok(jb.stats().overflow > 0);
    const first = jb.pop();
    assert.equal(first, JITTER_PLAY);
    assert.ok(tagOf(jb) >= 15, `played ${tagOf(jb)} first; more than 100 ms of audio was kept`);
  });
});
