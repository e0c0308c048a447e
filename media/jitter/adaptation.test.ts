// Jitter buffer adaptation and delay statistics: RFC 3550 A.8 jitter by hand and against its
// expected value for uniform delays, a seeded random network, and properties that hold for any
// arrival order (fast-check).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DelayEstimator, JitterBuffer, JITTER_PLAY } from './index.js';
import { packet, PTIME, push, RATE, seeded, tagOf } from './testing.js';

describe('DelayEstimator: RFC 3550 A.8 interarrival jitter', () => {
  it('J += (|D| - J)/16 over transit times 0, 10 ms, 0', () => {
    const e = new DelayEstimator({ clockRate: RATE, maxDelayMs: 200 });
    e.add({ extTs: 0 }, 0); // transit 0
    e.add({ extTs: PTIME }, 30); // sent at 20 ms, arrived at 30: transit 10
    assert.equal(e.jitterMs, 10 / 16);
    e.add({ extTs: 2 * PTIME }, 40); // transit 0: |D| = 10
    assert.equal(e.jitterMs, 10 / 16 + (10 - 10 / 16) / 16);
  });
});

interface NetworkRun {
  played: number[];
  targetMs: number;
  /** mean buffered audio over the last quarter of the stream (ms) */
  lateDelayMs: number;
  stats: ReturnType<JitterBuffer['stats']>;
}

/**
 * 20 ms packets sent for `seconds`, each delayed by `delay(i)` ms; the network delivers them in
 * arrival order (so packets overtake each other) and the playout tick pops every 20 ms.
 */
function network(options: { seconds: number; delay: (i: number) => number; obeyDrop?: boolean; jb?: JitterBuffer }): NetworkRun {
  const jb = options.jb ?? new JitterBuffer({ clockRate: RATE, maxDelayMs: 300 });
  const count = options.seconds * 50;
  const arrivals = Array.from({ length: count }, (_, i) => ({ i, at: i * 20 + options.delay(i) }));
  arrivals.sort((a, b) => a.at - b.at || a.i - b.i);
  const p = packet();
  const played: number[] = [];
  let next = 0;
  let delaySum = 0;
  let delayCount = 0;
  for (let t = 0; t < count * 20 + 1000; t++) {
    while (next < arrivals.length && arrivals[next]!.at <= t) {
      const { i, at } = arrivals[next++]!;
      push(jb, p, i & 0xffff, i * PTIME, at, i & 0xffff);
    }
    if (t % 20 !== 7) continue;
    const k = jb.pop();
    if (t > count * 15 && t < count * 20) {
      delaySum += jb.stats().delayMs;
      delayCount++;
    }
    if (k === JITTER_PLAY) {
      played.push(tagOf(jb));
      // a caller that always finds the decoded frame quiet enough to drop
      if (options.obeyDrop === true && jb.shouldDrop()) {
        jb.dropped();
        if (jb.pop() === JITTER_PLAY) played.push(tagOf(jb));
      }
    }
  }
  return { played, targetMs: jb.targetMs, lateDelayMs: delaySum / delayCount, stats: jb.stats() };
}

describe('JitterBuffer: adaptation on a seeded random network', () => {
  const uniform = (seed: number, spreadMs: number) => {
    const r = seeded(seed);
    return () => r() * spreadMs;
  };

  it('the target delay grows with the network jitter and stays within [minDelayMs, maxDelayMs]', () => {
    const calm = network({ seconds: 20, delay: uniform(1, 4) });
    const rough = network({ seconds: 20, delay: uniform(1, 60) });
    const wild = network({ seconds: 20, delay: uniform(1, 150) });
    assert.ok(calm.targetMs >= 20 && calm.targetMs <= 30, `calm target ${calm.targetMs}`);
    // uniform delay over [0, S]: the 95th percentile of the delay above the fastest is 0.95 S
    assert.ok(rough.targetMs > calm.targetMs + 40, `rough target ${rough.targetMs}`);
    assert.ok(wild.targetMs > rough.targetMs + 60, `wild target ${wild.targetMs}`);
    assert.ok(wild.targetMs <= 300);
  });

  it('never plays a packet out of sequence order, and most packets are played in time', () => {
    for (const spread of [4, 30, 60, 150]) {
      const run = network({ seconds: 20, delay: uniform(7, spread) });
      for (let i = 1; i < run.played.length; i++) assert.ok(run.played[i]! > run.played[i - 1]!, `spread ${spread}: ${run.played[i - 1]} then ${run.played[i]}`);
      // the target aims at 95 % in time; a few more are lost while it adapts at the start
      assert.ok(run.played.length >= 0.9 * 1000, `spread ${spread}: only ${run.played.length} of 1000 played`);
    }
  });

  it('the RFC 3550 jitter of uniform delays over [0, S] is about S/3 (E|X - Y| of two uniform draws)', () => {
    const r = seeded(42);
    const e = new DelayEstimator({ clockRate: RATE, maxDelayMs: 200 });
    let sum = 0;
    for (let i = 0; i < 4000; i++) {
      e.add({ extTs: i * PTIME }, i * 20 + r() * 60);
      if (i >= 1000) sum += e.jitterMs;
    }
    const mean = sum / 3000;
    assert.ok(Math.abs(mean - 20) < 2, `mean jitter ${mean} ms, expected about 20`);
  });

  it('a sender that paused its clock for a 60 s hold does not leave the target at its maximum', () => {
    const jb = new JitterBuffer({ clockRate: RATE });
    const p = packet();
    let t = 0;
    for (let i = 0; i < 200; i++) {
      if (i === 100) t += 60000; // timestamps continue where they stopped; arrivals are a minute later
      push(jb, p, i, i * PTIME, t);
      jb.pop();
      t += 20;
    }
    assert.equal(jb.targetMs, 20);
    assert.equal(jb.stats().resyncs, 0);
  });

  it('shrinks slowly once the network calms down, when the caller drops quiet frames', () => {
    // 10 s of 120 ms spread, then 30 s of calm
    const r = seeded(3);
    const delay = (i: number): number => (i < 500 ? r() * 120 : 2);
    const kept = network({ seconds: 40, delay });
    const shrunk = network({ seconds: 40, delay, obeyDrop: true });
    assert.ok(shrunk.stats.drops > 0);
    assert.ok(shrunk.lateDelayMs < kept.lateDelayMs - 40, `delay ${shrunk.lateDelayMs} with drops, ${kept.lateDelayMs} without`);
    assert.ok(shrunk.lateDelayMs <= shrunk.targetMs + 20, `delay ${shrunk.lateDelayMs} over target ${shrunk.targetMs}`);
    for (let i = 1; i < shrunk.played.length; i++) assert.ok(shrunk.played[i]! > shrunk.played[i - 1]!);
  });
});

describe('JitterBuffer: properties', () => {
  it('whatever the arrival order, duplication and loss, playout is in sequence order and nothing throws', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), index: fc.nat({ max: 400 }), jitter: fc.nat({ max: 300 }) }),
      fc.record({ kind: fc.constant('pop' as const), index: fc.constant(0), jitter: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), fc.nat({ max: 65535 }), fc.nat(), fc.boolean(), (ops, seq0, ts0, declared) => {
        const jb = new JitterBuffer({ clockRate: RATE, capacity: 16, maxDelayMs: 160 });
        const p = packet();
        p.samples = declared ? PTIME : 0;
        const pushed = new Set<number>();
        let last = -1;
        let seenResyncs = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            push(jb, p, seq0 + o.index, ts0 + o.index * PTIME, o.index * 20 + o.jitter, o.index);
            pushed.add(o.index);
          } else if (jb.pop() === JITTER_PLAY) {
            const tag = tagOf(jb);
            assert.ok(pushed.has(tag), `played ${tag}, never pushed`);
            // RFC 3550 A.1: two in-sequence packets far behind the last one are a restarted source,
            // whose order starts afresh (e.g. 105, then 3 and 4)
            const resyncs = jb.stats().resyncs;
            if (resyncs !== seenResyncs) last = -1;
            seenResyncs = resyncs;
            assert.ok(tag > last, `played ${tag} after ${last}`);
            last = tag;
          }
        }
        const s = jb.stats();
        assert.ok(s.played <= pushed.size);
      }),
      { numRuns: 300 },
    );
  });

  it('shouldInsert() asks for a frame when the target outgrows what is held, and stops once it is held', () => {
    const jb = new JitterBuffer({ clockRate: RATE, maxDelayMs: 300 });
    const p = packet();
    let t = 0;
    let i = 0;
    // calm: one packet per tick, played at once
    for (; i < 50; i++, t += 20) {
      push(jb, p, i, i * PTIME, t);
      jb.pop();
    }
    assert.equal(jb.shouldInsert(), false);
    // every other packet 45 ms late: the target rises above the one packet held
    for (; i < 100; i++, t += 20) {
      push(jb, p, i, i * PTIME, t + (i % 2) * 45);
      jb.pop();
    }
    assert.ok(jb.targetMs > 60, `target ${jb.targetMs}`);
    let inserted = 0;
    for (; i < 160; i++, t += 20) {
      push(jb, p, i, i * PTIME, t);
      if (jb.shouldInsert()) {
        jb.inserted();
        inserted++;
      } else jb.pop();
    }
    assert.ok(inserted >= 2, `inserted ${inserted}`);
    assert.equal(jb.shouldInsert(), false);
    assert.ok(jb.stats().delayMs >= jb.targetMs, `held ${jb.stats().delayMs} ms, target ${jb.targetMs}`);
  });
});
