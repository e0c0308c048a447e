// RFC 4733 telephone-event payload, receiver and sender. Payload bytes are laid out by hand from
// the §2.3 diagram (event | E R volume | duration) and the §3.2 event codes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseTelephoneEvent, TelephoneEventReceiver, type ReceivedDigit } from './rfc4733.js';
import { TelephoneEventSender } from './rfc4733-sender.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('RFC 4733 §2.3 payload', () => {
  it('digit 9 (§3.2 event 9), volume 10, 400 units, not ended: 09 0a 01 90', () => {
    assert.deepEqual(parseTelephoneEvent(hex('09 0a 0190'), 4), { event: 9, end: false, volume: 10, duration: 400 });
  });
  it('end bit and R bit: # (event 11) ended, R set and ignored, volume 63, 1600 units: 0b ff 06 40', () => {
    assert.deepEqual(parseTelephoneEvent(hex('0b ff 0640'), 4), { event: 11, end: true, volume: 63, duration: 1600 });
  });
  it('D (event 15) with the largest duration 0xFFFF', () => {
    assert.deepEqual(parseTelephoneEvent(hex('0f 8a ffff'), 4), { event: 15, end: true, volume: 10, duration: 0xffff });
  });
  it('answers null for fewer than 4 bytes, never throws', () => {
    assert.equal(parseTelephoneEvent(hex('09 0a 01'), 3), null);
    assert.equal(parseTelephoneEvent(hex('09 0a 0190'), 2), null);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 16 }), fc.integer({ min: -4, max: 20 }), (b, n) => {
      parseTelephoneEvent(b, n);
    }));
  });
});

function receiver(o: { timeoutMs?: number } = {}): { rx: TelephoneEventReceiver; got: ReceivedDigit[] } {
  const got: ReceivedDigit[] = [];
  return { rx: new TelephoneEventReceiver({ clockRate: 8000, onDigit: (d) => got.push(d), ...o }), got };
}
const pkt = (event: number, end: boolean, duration: number, volume = 10): Uint8Array =>
  Uint8Array.from([event, (end ? 0x80 : 0) | volume, duration >> 8, duration & 0xff]);

describe('RFC 4733 §2.5.2 receiver', () => {
  it('a digit with updates, then the end packet three times (§2.5.1.4): one digit, 200 ms', () => {
    const { rx, got } = receiver();
    rx.push({ timestamp: 1000, marker: true, payload: pkt(1, false, 400), nowMs: 0 });
    rx.push({ timestamp: 1000, marker: false, payload: pkt(1, false, 800), nowMs: 50 });
    rx.push({ timestamp: 1000, marker: false, payload: pkt(1, false, 1200), nowMs: 100 });
    for (const t of [200, 250, 300]) rx.push({ timestamp: 1000, marker: false, payload: pkt(1, true, 1600), nowMs: t });
    assert.deepEqual(got, [{ digit: '1', timestamp: 1000, durationMs: 200, volume: 10, endSeen: true }]);
    assert.equal(rx.dropped, 2);
  });
  it('the same digit twice is two events: a new timestamp starts a new event', () => {
    const { rx, got } = receiver();
    rx.push({ timestamp: 0, marker: true, payload: pkt(5, false, 160), nowMs: 0 });
    rx.push({ timestamp: 0, marker: false, payload: pkt(5, true, 800), nowMs: 100 });
    rx.push({ timestamp: 1760, marker: true, payload: pkt(5, false, 160), nowMs: 220 });
    rx.push({ timestamp: 1760, marker: false, payload: pkt(5, true, 800), nowMs: 320 });
    assert.deepEqual(got.map((g) => [g.digit, g.timestamp, g.durationMs]), [['5', 0, 100], ['5', 1760, 100]]);
  });
  it('lost first packet (no marker seen): the event still starts on its new timestamp', () => {
    const { rx, got } = receiver();
    rx.push({ timestamp: 480, marker: false, payload: pkt(12, false, 800), nowMs: 50 });
    rx.push({ timestamp: 480, marker: false, payload: pkt(12, true, 960), nowMs: 120 });
    assert.deepEqual(got.map((g) => [g.digit, g.durationMs]), [['A', 120]]);
  });
  it('all end packets lost: the next event ends it with its last known duration', () => {
    const { rx, got } = receiver();
    rx.push({ timestamp: 0, marker: true, payload: pkt(3, false, 400), nowMs: 0 });
    rx.push({ timestamp: 0, marker: false, payload: pkt(3, false, 800), nowMs: 50 });
    rx.push({ timestamp: 4000, marker: true, payload: pkt(4, false, 400), nowMs: 500 });
    assert.deepEqual(got.map((g) => [g.digit, g.durationMs, g.endSeen]), [['3', 100, false]]);
  });
  it('all end packets lost and nothing follows: tick() ends it after the timeout', () => {
    const { rx, got } = receiver({ timeoutMs: 300 });
    rx.push({ timestamp: 0, marker: true, payload: pkt(10, false, 400), nowMs: 1000 });
    rx.tick(1200);
    assert.equal(got.length, 0);
    rx.tick(1300);
    rx.tick(1400);
    assert.deepEqual(got.map((g) => [g.digit, g.durationMs, g.endSeen]), [['*', 50, false]]);
    // A late end packet of the same event is not a second digit.
    rx.push({ timestamp: 0, marker: false, payload: pkt(10, true, 1200), nowMs: 1450 });
    assert.equal(got.length, 1);
  });
  it('reordered packets: an update after the end, and a packet of the previous event, are dropped', () => {
    const { rx, got } = receiver();
    rx.push({ timestamp: 0, marker: true, payload: pkt(7, false, 400), nowMs: 0 });
    rx.push({ timestamp: 0, marker: false, payload: pkt(7, true, 1200), nowMs: 150 });
    rx.push({ timestamp: 0, marker: false, payload: pkt(7, false, 800), nowMs: 151 }); // late update
    rx.push({ timestamp: 3000, marker: true, payload: pkt(8, false, 400), nowMs: 400 });
    rx.push({ timestamp: 0, marker: false, payload: pkt(7, true, 1200), nowMs: 401 }); // late copy of 7's end
    rx.push({ timestamp: 3000, marker: false, payload: pkt(8, true, 800), nowMs: 500 });
    assert.deepEqual(got.map((g) => [g.digit, g.durationMs]), [['7', 150], ['8', 100]]);
  });
  it('an update that overtakes an earlier one keeps the longest duration', () => {
    const { rx, got } = receiver();
    rx.push({ timestamp: 0, marker: true, payload: pkt(0, false, 1200), nowMs: 0 });
    rx.push({ timestamp: 0, marker: false, payload: pkt(0, false, 800), nowMs: 1 });
    rx.tick(1000);
    assert.deepEqual(got.map((g) => [g.digit, g.durationMs]), [['0', 150]]);
  });
  it('timestamps that wrap past 2^32 still order events', () => {
    const { rx, got } = receiver();
    rx.push({ timestamp: 0xffffff00, marker: true, payload: pkt(2, true, 800), nowMs: 0 });
    rx.push({ timestamp: 0x00000400, marker: true, payload: pkt(6, true, 800), nowMs: 300 });
    rx.push({ timestamp: 0xffffff00, marker: false, payload: pkt(2, true, 800), nowMs: 301 });
    assert.deepEqual(got.map((g) => g.digit), ['2', '6']);
  });
  it('§2.5.2.3: a long event continues in a segment at timestamp + 0xFFFF without marker', () => {
    const { rx, got } = receiver();
    rx.push({ timestamp: 100, marker: true, payload: pkt(9, false, 0xffff), nowMs: 0 });
    rx.push({ timestamp: 100 + 0xffff, marker: false, payload: pkt(9, true, 8000), nowMs: 9000 });
    assert.deepEqual(got.map((g) => [g.digit, g.timestamp, g.durationMs]), [['9', 100, ((0xffff + 8000) * 1000) / 8000]]);
  });
  it('events above 15 (not DTMF) and short payloads are dropped, not reported', () => {
    const { rx, got } = receiver();
    rx.push({ timestamp: 0, marker: true, payload: pkt(16, true, 800), nowMs: 0 });
    rx.push({ timestamp: 900, marker: true, payload: Uint8Array.from([1, 0x8a]), nowMs: 10 });
    rx.tick(5000);
    assert.deepEqual(got, []);
    assert.equal(rx.dropped, 2);
  });
  it('never throws on arbitrary packets (fuzz)', () => {
    fc.assert(fc.property(fc.array(fc.record({ timestamp: fc.nat(), marker: fc.boolean(), payload: fc.uint8Array({ maxLength: 8 }), nowMs: fc.nat() }), { maxLength: 30 }), (ps) => {
      const { rx } = receiver();
      for (const p of ps) rx.push(p);
      rx.tick(1e9);
    }));
  });
});

interface Sent { tick: number; marker: boolean; ts: number; event: number; end: boolean; volume: number; duration: number }

function run(sender: TelephoneEventSender, ticks: number, step = 160, start = 50000): Sent[] {
  const out: Sent[] = [];
  for (let i = 0; i < ticks; i++) {
    const ts = (start + i * step) >>> 0;
    if (!sender.busy) continue;
    sender.due((p, len, marker, eventStart) => {
      assert.equal(len, 4);
      const e = parseTelephoneEvent(p, len)!;
      out.push({ tick: i, marker, ts: (ts + eventStart) >>> 0, ...e });
    }, ts, step);
  }
  return out;
}

describe('RFC 4733 §2.5.1 sender', () => {
  it('a 100 ms digit at 8000 Hz: marker first, updates every 50 ms, final packet 3 times, one timestamp', () => {
    const s = new TelephoneEventSender({ clockRate: 8000, payloadType: 101 });
    assert.equal(s.queue('5', 100), true);
    const sent = run(s, 30);
    // 20 ms ticks: start at tick 0 (160 units), update at 60 ms (>= 50 ms), end at 100 ms, copies 60 ms apart
    assert.deepEqual(sent.map((p) => [p.tick, p.marker, p.end, p.duration]), [
      [0, true, false, 160],
      [3, false, false, 640],
      [4, false, true, 800],
      [7, false, true, 800],
      [10, false, true, 800],
    ]);
    for (const p of sent) assert.deepEqual([p.ts, p.event, p.volume], [50000, 5, 10]);
    assert.equal(s.busy, false);
  });
  it('digits in a row: each a new timestamp, the next one after the final copies and the gap', () => {
    const s = new TelephoneEventSender({ clockRate: 8000, payloadType: 101 });
    for (const d of '*#') s.queue(d, 60);
    const sent = run(s, 60);
    const starts = sent.filter((p) => p.marker);
    assert.deepEqual(starts.map((p) => p.event), [10, 11]);
    const firstEnd = sent.filter((p) => p.event === 10 && p.end);
    assert.equal(firstEnd.length, 3);
    assert.ok(starts[1]!.ts > firstEnd[0]!.ts + firstEnd[0]!.duration, 'the next event starts after the previous ended');
    assert.ok(starts[1]!.tick > firstEnd[2]!.tick);
  });
  it('48 kHz clock (Opus): durations in 48 kHz units', () => {
    const s = new TelephoneEventSender({ clockRate: 48000, payloadType: 110, volume: 7 });
    s.queue('d', 40);
    const sent = run(s, 20, 960);
    assert.deepEqual(sent.map((p) => [p.marker, p.end, p.duration, p.volume, p.event]), [
      [true, false, 960, 7, 15],
      [false, true, 1920, 7, 15],
      [false, true, 1920, 7, 15],
      [false, true, 1920, 7, 15],
    ]);
  });
  it('round trip through the receiver gives the digits and durations back', () => {
    const s = new TelephoneEventSender({ clockRate: 8000, payloadType: 101 });
    for (const d of '0123456789*#ABCD') s.queue(d, 100);
    const { rx, got } = receiver();
    for (const p of run(s, 1000)) rx.push({ timestamp: p.ts, marker: p.marker, payload: Uint8Array.from([p.event, (p.end ? 0x80 : 0) | p.volume, p.duration >> 8, p.duration & 0xff]), nowMs: p.tick * 20 });
    assert.equal(got.map((g) => g.digit).join(''), '0123456789*#ABCD');
    for (const g of got) assert.equal(g.durationMs, 100);
  });
  it('refuses what is not a DTMF digit', () => {
    const s = new TelephoneEventSender({ clockRate: 8000, payloadType: 101 });
    assert.equal(s.queue('x', 100), false);
    assert.equal(s.queue('1', 0), false);
    assert.equal(s.busy, false);
  });
});
