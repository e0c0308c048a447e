// RFC 3550 Appendix A statistics and §6 report building, checked against hand computations from
// the RFC formulas, the RFC's own RTT example, our RTCP parser and werift's (independent) one;
// E-model figures against ITU-T G.107 points and formulas worked by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RtcpPacketConverter, RtcpSrPacket, RtcpRrPacket, RtcpSourceDescriptionPacket } from 'werift';
import { parseRtcp, rtcpCheck } from '../rtp/rtcp.js';
import { ReceptionStats, NTP_UNIX_OFFSET } from './reception-stats.js';
import { buildReceiverReport, buildSenderReport, ntpFromMs, roundTripMs } from './rtcp-report.js';
import { delayImpairment, mosFromEmodel, mosFromR } from './emodel.js';

const block = (s: ReceptionStats, nowMs = 0) => {
  const b = Buffer.alloc(24);
  s.writeReportBlock(b, 0, nowMs);
  return { ssrc: b.readUInt32BE(0), fraction: b[4]!, lost: b.readUIntBE(5, 3), highest: b.readUInt32BE(8), jitter: b.readUInt32BE(12), lsr: b.readUInt32BE(16), dlsr: b.readUInt32BE(20) };
};

describe('ReceptionStats (RFC 3550 Appendix A)', () => {
  it('A.1/A.3: two of nine expected packets lost → cumulative 2, fraction 2*256/9 = 56', () => {
    const s = new ReceptionStats({ ssrc: 0x1234, clockRate: 8000 });
    // seq 100 is the first probation packet (A.1 MIN_SEQUENTIAL = 2): counting starts at 101
    for (const seq of [100, 101, 102, 104, 105, 107, 108, 109]) s.onRtp(seq, seq * 160, seq * 20);
    assert.equal(s.extendedMax, 109);
    assert.equal(s.received, 7);
    assert.equal(s.cumulativeLost, 2);
    const b = block(s);
    assert.deepEqual([b.ssrc, b.fraction, b.lost, b.highest, b.jitter], [0x1234, 56, 2, 109, 0]);
    // A.3: the next interval starts from here: 3 more in a row, none lost
    for (const seq of [110, 111, 112]) s.onRtp(seq, seq * 160, seq * 20);
    const next = block(s);
    assert.deepEqual([next.fraction, next.lost], [0, 2]);
  });

  it('A.1: the sequence number wraps into the cycle count', () => {
    const s = new ReceptionStats({ ssrc: 1, clockRate: 8000 });
    for (const [i, seq] of [65533, 65534, 65535, 0, 1].entries()) s.onRtp(seq, i * 160, i * 20);
    assert.equal(s.extendedMax, 65536 + 1);
    assert.equal(s.cumulativeLost, 0);
  });

  it('A.1: a jump of more than MAX_DROPOUT is ignored once, and taken as a restart when repeated', () => {
    const s = new ReceptionStats({ ssrc: 1, clockRate: 8000 });
    for (const seq of [10, 11, 12]) s.onRtp(seq, 0, 0);
    s.onRtp(20000, 0, 0);
    assert.equal(s.extendedMax, 12);
    s.onRtp(20001, 0, 0);
    assert.equal(s.extendedMax, 20001);
    assert.equal(s.received, 1);
  });

  it('A.8: jitter by hand: transits 0, 40, 0 → J = 2.5 then 2.5 + (40 - 2.5)/16 = 4.84375', () => {
    const s = new ReceptionStats({ ssrc: 1, clockRate: 8000 });
    // timestamps 20 ms apart; arrivals 0, 20, 45, 60 ms (seq 1 is probation and not measured)
    const arrivals = [0, 20, 45, 60];
    arrivals.forEach((ms, i) => s.onRtp(i + 1, i * 160, ms));
    assert.equal(s.jitter, 4.84375);
    assert.equal(s.jitterMs, 4.84375 / 8);
    assert.equal(block(s).jitter, 4);
  });

  it('§6.4.1: LSR is the middle 32 bits of the last SR, DLSR the time since in 1/65536 s', () => {
    const s = new ReceptionStats({ ssrc: 1, clockRate: 8000 });
    s.onRtp(1, 0, 0);
    s.onSenderReport(0xaabbccdd, 0x11223344, 1000);
    const b = block(s, 3500);
    assert.equal(b.lsr, 0xccdd1122);
    assert.equal(b.dlsr, 2.5 * 65536);
  });
});

describe('roundTripMs (RFC 3550 §6.4.1)', () => {
  it("the RFC's example: A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 0x0005:4000 → 6.125 s", () => {
    // an arrival time whose NTP seconds end in 0xb710, half a second in
    const low16 = (0xb710 - (NTP_UNIX_OFFSET % 65536) + 65536) % 65536;
    const arrivalMs = (low16 + 65536 * 25000) * 1000 + 500;
    assert.equal(roundTripMs({ arrivalMs, lastSr: 0xb7052000, delaySinceLastSr: 0x00054000 }), 6125);
    assert.equal(roundTripMs({ arrivalMs, lastSr: 0, delaySinceLastSr: 0 }), null);
  });
});

describe('buildSenderReport / buildReceiverReport (RFC 3550 §6.1, §6.4, §6.5)', () => {
  const nowMs = 1_700_000_000_123;
  const sources = () => {
    const a = new ReceptionStats({ ssrc: 0xa0a0a0a0, clockRate: 8000 });
    const b = new ReceptionStats({ ssrc: 0xb0b0b0b0, clockRate: 8000 });
    for (const seq of [1, 2, 3, 5]) a.onRtp(seq, seq * 160, seq * 20);
    for (const seq of [7, 8, 9]) b.onRtp(seq, seq * 160, seq * 20);
    return [a, b];
  };

  it('SR + 2 report blocks + SDES CNAME parse with our parser and with werift', () => {
    const buf = Buffer.alloc(200);
    const n = buildSenderReport({
      buf,
      ssrc: 0x01020304,
      cname: 'alice@example.com',
      reports: sources(),
      nowMs,
      sender: { rtpTimestamp: 123456, packetCount: 50, octetCount: 8000 },
    });
    // 28 SR + 2*24 blocks + SDES: 4 header + 4 SSRC + (2 + 17 + 1 null → 20) = 28 → 104
    assert.equal(n, 104);
    const packet = buf.subarray(0, n);
    assert.equal(rtcpCheck(packet, n), 0);
    const ours = parseRtcp(packet);
    assert.ok(ours.ok);
    const sr = ours.value[0];
    assert.ok(sr?.type === 'sr');
    // NTP: 1700000000 s + 2208988800 s since 1900; fraction 0.123 * 2^32 = 528280977.4
    assert.deepEqual([sr.ntpSeconds, sr.ntpFraction], [3908988800, 528280977]);
    assert.deepEqual(ntpFromMs(nowMs), { seconds: 3908988800, fraction: 528280977 });
    assert.deepEqual([sr.rtpTimestamp, sr.packetCount, sr.octetCount], [123456, 50, 8000]);
    assert.deepEqual(sr.reports.map((r) => [r.ssrc, r.cumulativeLost, r.highestSequence]), [[0xa0a0a0a0, 1, 5], [0xb0b0b0b0, 0, 9]]);
    // source a: seq 2..5 counted (1 is probation), 4 expected, 3 received → fraction 256/4
    assert.equal(sr.reports[0]!.fractionLost, 64 / 256);

    const theirs = RtcpPacketConverter.deSerialize(packet);
    assert.equal(theirs.length, 2);
    const wsr = theirs[0];
    assert.ok(wsr instanceof RtcpSrPacket);
    assert.equal(wsr.ssrc, 0x01020304);
    assert.equal(wsr.senderInfo.packetCount, 50);
    assert.deepEqual(wsr.reports.map((r) => [r.ssrc, r.packetsLost, r.fractionLost]), [[0xa0a0a0a0, 1, 64], [0xb0b0b0b0, 0, 0]]);
    const sdes = theirs[1];
    assert.ok(sdes instanceof RtcpSourceDescriptionPacket);
    assert.equal(sdes.chunks[0]!.source, 0x01020304);
    assert.equal(sdes.chunks[0]!.items[0]!.type, 1);
    assert.equal(sdes.chunks[0]!.items[0]!.text, 'alice@example.com');
  });

  it('RR with no blocks and a CNAME that fills the word exactly still ends with a null word', () => {
    const buf = Buffer.alloc(64);
    // CNAME of 2 bytes: 2 + 2 = 4, so §6.5 needs a further word of nulls
    const n = buildReceiverReport({ buf, ssrc: 7, cname: 'ab', reports: [], nowMs });
    assert.equal(n, 8 + 4 + 4 + 8);
    assert.equal(rtcpCheck(buf, n), 0);
    const theirs = RtcpPacketConverter.deSerialize(buf.subarray(0, n));
    assert.ok(theirs[0] instanceof RtcpRrPacket);
    assert.ok(theirs[1] instanceof RtcpSourceDescriptionPacket);
    assert.equal(buf.readUInt32BE(n - 4), 0);
  });

  it('a buffer too small is -1, not an overrun', () => {
    assert.equal(buildReceiverReport({ buf: Buffer.alloc(20), ssrc: 7, cname: 'x', reports: sources(), nowMs }), -1);
  });
});

describe('E-model (ITU-T G.107, G.113)', () => {
  const near = (a: number, b: number, eps: number) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);
  it('G.107 Annex B: R 93.2 → 4.41, 90 → 4.34, 70 → 3.60, 60 → 3.10, 50 → 2.58; clamps at 1 and 4.5', () => {
    for (const [r, mos] of [[93.2, 4.41], [90, 4.34], [70, 3.6], [60, 3.1], [50, 2.58]] as const) near(mosFromR(r), mos, 0.005);
    assert.equal(mosFromR(-5), 1);
    assert.equal(mosFromR(120), 4.5);
  });
  it('a clean G.711 call has the default R of 93.2', () => {
    const q = mosFromEmodel({ codec: 'PCMU', lossPercent: 0, jitterMs: 0, rttMs: 0 });
    near(q.r, 93.2, 1e-9);
    near(q.mos, 4.41, 0.005);
  });
  it('G.113 App. I Bpl: 2 % loss with PLC → Ie,eff = 95*2/27.1; 1 % without PLC → 95/5.3', () => {
    near(mosFromEmodel({ codec: 'PCMA', lossPercent: 2, jitterMs: 0, rttMs: 0 }).r, 93.2 - 7.0111, 0.001);
    near(mosFromEmodel({ codec: 'PCMU', lossPercent: 1, jitterMs: 0, rttMs: 0, plc: false }).r, 93.2 - 17.9245, 0.001);
  });
  it('G.107 Idd: 0 up to 100 ms, 3.04 at 200 ms, 24.07 at 400 ms; one-way delay = rtt/2 + jitter buffer', () => {
    assert.equal(delayImpairment(100), 0);
    near(delayImpairment(200), 3.044, 0.005);
    near(delayImpairment(400), 24.07, 0.02);
    const q = mosFromEmodel({ codec: 'G722', lossPercent: 0, jitterMs: 10, rttMs: 360 });
    assert.equal(q.delayMs, 180 + 2 * 10 + 20);
    near(q.r, 93.2 - delayImpairment(220), 1e-9);
  });
});
