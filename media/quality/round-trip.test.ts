// Round trip from report blocks (RFC 3550 §6.4.1), the report interval (§6.2, §6.3.1) and RFC 4733
// packets in the reception statistics. Expected values are the RFC's own example and arithmetic
// done by hand here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RoundTripTracker } from './round-trip.js';
import { rtcpIntervalMs } from './rtcp-interval.js';
import { ReceptionStats } from './reception-stats.js';

describe('RoundTripTracker (RFC 3550 §6.4.1)', () => {
  it("the RFC's example: SR 0xb705:2000 sent at 46853.125 s, block at 46864.500 s with DLSR 0x0005:4000 → 6.125 s", () => {
    const t = new RoundTripTracker();
    // the send time is on our monotonic clock; here it is the SR's own NTP time in ms
    t.noteSent(0xb7052000, 46853125);
    assert.equal(t.onReport(0xb7052000, 0x00054000, 46864500), 6125);
    assert.equal(t.latestMs, 6125);
    assert.equal(t.smoothedMs, 6125);
  });

  it('LSR 0 (no SR received yet) and an LSR we never sent give nothing', () => {
    const t = new RoundTripTracker();
    t.noteSent(0x12345678, 1000);
    assert.equal(t.onReport(0, 0, 2000), -1);
    assert.equal(t.onReport(0x12345679, 0, 2000), -1);
    assert.equal(t.samples, 0);
  });

  it('smooths with gain 1/8: 100 ms then 200 ms → 100 + 100/8 = 112.5', () => {
    const t = new RoundTripTracker();
    t.noteSent(0x00010000, 0);
    // DLSR 0x8000 = 0.5 s: 600 - 0 - 500 = 100
    assert.equal(t.onReport(0x00010000, 0x8000, 600), 100);
    t.noteSent(0x00060000, 5000);
    // DLSR 0x4000 = 0.25 s: 5450 - 5000 - 250 = 200
    assert.equal(t.onReport(0x00060000, 0x4000, 5450), 200);
    assert.equal(t.latestMs, 200);
    assert.equal(t.smoothedMs, 112.5);
  });

  it('remembers the last four SRs: a report echoing the fifth-newest is not matched', () => {
    const t = new RoundTripTracker();
    for (let i = 1; i <= 5; i++) t.noteSent(i, i * 5000);
    assert.equal(t.onReport(1, 0, 30000), -1);
    assert.equal(t.onReport(2, 0, 10100), 100);
  });

  it('a DLSR longer than the time since the SR is impossible and ignored; truncation below 1 ms reads as 0', () => {
    const t = new RoundTripTracker();
    t.noteSent(7, 1000);
    // 1 s DLSR (0x10000) but only 500 ms passed
    assert.equal(t.onReport(7, 0x10000, 1500), -1);
    // DLSR 0x8001 = 500.015 ms, 500 ms passed: -0.015 → 0
    assert.equal(t.onReport(7, 0x8001, 1500), 0);
  });
});

describe('rtcpIntervalMs (RFC 3550 §6.2, §6.3.1)', () => {
  // T = Td * [0.5, 1.5] / (e - 3/2), e - 3/2 = 1.2182818...; Td = 5 s, 2.5 s for the first report
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 0.01, `${a} vs ${b}`);
  it('5 s minimum: 2052.07 ms at the low end, 4104.14 in the middle, 6156.21 at the top', () => {
    near(rtcpIntervalMs({ initial: false, random: () => 0 }), 2052.07);
    near(rtcpIntervalMs({ initial: false, random: () => 0.5 }), 4104.14);
    near(rtcpIntervalMs({ initial: false, random: () => 1 }), 6156.21);
  });
  it('the first report after half the minimum: 1026.04 ms at the low end', () => {
    near(rtcpIntervalMs({ initial: true, random: () => 0 }), 1026.04);
  });
});

describe('ReceptionStats.onSequence: RFC 4733 events count for loss, not jitter', () => {
  it('an event of 5 packets with one timestamp between audio packets leaves jitter at 0', () => {
    const s = new ReceptionStats({ ssrc: 1, clockRate: 8000 });
    // audio seq 1..3 every 20 ms (160 units), event seq 4..8 (5 missing: seq 6), audio 9..10
    for (const seq of [1, 2, 3]) s.onRtp(seq, seq * 160, seq * 20);
    for (const seq of [4, 5, 7, 8]) s.onSequence(seq);
    for (const seq of [9, 10]) s.onRtp(seq, seq * 160, seq * 20);
    assert.equal(s.jitter, 0);
    // A.1: seq 1 is probation; 2..10 expected (9), received 2,3,4,5,7,8,9,10 (8)
    assert.equal(s.cumulativeLost, 1);
    assert.equal(s.extendedMax, 10);
  });
});
