// An endpoint's RTCP without sockets: our reports decoded by werift's RTCP parser (independent of
// ours), the phone's reports built by werift, and the expected figures worked out by hand from
// RFC 3550 (§6.4.1 RTT = A - LSR - DLSR, Appendix A.1/A.3 loss, A.8 jitter units).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RtcpPacketConverter, RtcpReceiverInfo, RtcpRrPacket, RtcpSenderInfo, RtcpSourceDescriptionPacket, RtcpSrPacket } from 'werift';
import { RtcpPath } from './rtcp-path.js';

const PHONE = 0x1234abcd;
const OURS = 0x0badcafe;

/** a path with a hand-driven wall clock and a fixed draw of 0.5 (interval 4104.14 ms, first 2052.07) */
function makePath(): { path: RtcpPath; clock: { wall: number } } {
  const clock = { wall: 1_700_000_000_000 };
  return { path: new RtcpPath({ wallClock: () => clock.wall, random: () => 0.5 }), clock };
}

const rr = (lsr: number, dlsr: number, extra: Partial<RtcpReceiverInfo> = {}): Buffer =>
  new RtcpRrPacket({ ssrc: PHONE, reports: [new RtcpReceiverInfo({ ssrc: OURS, fractionLost: 0, packetsLost: 0, highestSequence: 0, jitter: 0, lsr, dlsr, ...extra })] }).serialize();

describe('RtcpPath: our reports (RFC 3550 §6.1, §6.4)', () => {
  it('an SR with our SSRC and counts, a block about the phone (A.1/A.3) and SDES CNAME, as werift reads it', () => {
    const { path } = makePath();
    // the phone's seq 100..109 without 105; A.1: 100 is probation, so 101..109 expected (9), 8 received
    for (let seq = 100; seq <= 109; seq++) if (seq !== 105) path.onRtp(PHONE, seq, seq * 160, 8000, false, seq * 20);
    const sr = path.compose({ ssrc: OURS, packets: 250, octets: 250 * 160, rtpTimestamp: 4242 }, 10_000);
    assert.ok(sr !== null);
    const packets = RtcpPacketConverter.deSerialize(sr);
    const first = packets[0];
    assert.ok(first instanceof RtcpSrPacket);
    assert.equal(first.ssrc, OURS);
    assert.deepEqual([first.senderInfo.packetCount, first.senderInfo.octetCount, first.senderInfo.rtpTimestamp], [250, 40000, 4242]);
    // NTP for Unix 1700000000.000 s: 1700000000 + 2208988800 seconds, fraction 0
    assert.equal(first.senderInfo.ntpTimestamp, 3908988800n << 32n);
    const block = first.reports[0]!;
    // fraction = floor(1 * 256 / 9) = 28
    assert.deepEqual([block.ssrc, block.packetsLost, block.highestSequence, block.fractionLost], [PHONE, 1, 109, 28]);
    const sdes = packets[1];
    assert.ok(sdes instanceof RtcpSourceDescriptionPacket);
    assert.equal(sdes.chunks[0]!.source, OURS);
    assert.equal(sdes.chunks[0]!.items[0]!.type, 1);
    assert.ok(sdes.chunks[0]!.items[0]!.text.length > 0);
  });

  it('an RR when we sent nothing since the last report; an RR with our own SSRC before we sent at all', () => {
    const { path } = makePath();
    const before = RtcpPacketConverter.deSerialize(path.compose({ ssrc: -1, packets: 0, octets: 0, rtpTimestamp: 0 }, 0)!);
    assert.ok(before[0] instanceof RtcpRrPacket);
    assert.equal(before[0].reports.length, 0);
    assert.notEqual(before[0].ssrc, 0);
    path.compose({ ssrc: OURS, packets: 10, octets: 1600, rtpTimestamp: 0 }, 5000);
    const idle = RtcpPacketConverter.deSerialize(path.compose({ ssrc: OURS, packets: 10, octets: 1600, rtpTimestamp: 0 }, 10_000)!);
    assert.ok(idle[0] instanceof RtcpRrPacket);
    assert.equal(idle[0].ssrc, OURS);
  });

  it("the phone's SR sets our block's LSR (NTP middle 32 bits) and DLSR (1/65536 s since it came)", () => {
    const { path, clock } = makePath();
    for (let seq = 1; seq <= 5; seq++) path.onRtp(PHONE, seq, seq * 160, 8000, false, seq * 20);
    // NTP 0x83aa7e80.80000000: middle bits 0x7e808000
    const phoneSr = new RtcpSrPacket({ ssrc: PHONE, senderInfo: new RtcpSenderInfo({ ntpTimestamp: 0x83aa7e8080000000n, rtpTimestamp: 1, packetCount: 5, octetCount: 800 }) });
    path.onReport(phoneSr.serialize(), phoneSr.serialize().length, OURS, 8000, 0);
    clock.wall += 250;
    const ours = RtcpPacketConverter.deSerialize(path.compose({ ssrc: -1, packets: 0, octets: 0, rtpTimestamp: 0 }, 0)!);
    assert.ok(ours[0] instanceof RtcpRrPacket);
    // 0.25 s * 65536 = 16384
    assert.deepEqual([ours[0].reports[0]!.lsr, ours[0].reports[0]!.dlsr], [0x7e808000, 16384]);
  });
});

describe("RtcpPath: the phone's reports", () => {
  it('decode mode: a block echoing our SR (LSR) with DLSR 0.5 s, 700 ms after we sent it → RTT 200 ms; loss and jitter', () => {
    const { path } = makePath();
    const sr = path.compose({ ssrc: OURS, packets: 50, octets: 8000, rtpTimestamp: 0 }, 10_000)!;
    const ntp = (RtcpPacketConverter.deSerialize(sr)[0] as RtcpSrPacket).senderInfo.ntpTimestamp;
    const lsr = Number((ntp >> 16n) & 0xffffffffn);
    // 0x8000 = 0.5 s; jitter 80 units at 8000 Hz = 10 ms; fraction 64/256
    const block = rr(lsr, 0x8000, { packetsLost: 3, fractionLost: 64, jitter: 80 });
    path.onReport(block, block.length, OURS, 8000, 10_700);
    const f = path.figures();
    assert.deepEqual([f.rttMs, f.packetsLost, f.fractionLost, f.jitterMs], [200, 3, 0.25, 10]);
  });

  it('jitter of an Opus stream is in 48 kHz units: 480 → 10 ms', () => {
    const { path } = makePath();
    const block = rr(0, 0, { jitter: 480 });
    path.onReport(block, block.length, OURS, 48000, 0);
    assert.equal(path.figures().jitterMs, 10);
    assert.equal(path.figures().rttMs, null);
  });

  it("relay mode: the peer phone's SR forwarded at 1000 ms, answered at 1450 ms with DLSR 0.25 s → RTT 200 ms", () => {
    const { path } = makePath();
    const peerSr = new RtcpSrPacket({ ssrc: OURS, senderInfo: new RtcpSenderInfo({ ntpTimestamp: 0xdead00011234ffffn, rtpTimestamp: 9, packetCount: 1, octetCount: 160 }) }).serialize();
    path.onForwarded(peerSr, peerSr.length, 1000);
    // middle 32 bits of 0xdead0001_1234ffff: 0x00011234; 0x4000 = 0.25 s
    const block = rr(0x00011234, 0x4000);
    path.onReport(block, block.length, OURS, 8000, 1450);
    assert.equal(path.figures().rttMs, 200);
  });

  it('received figures: the phone stream loss (A.3) and jitter (A.8) in ms', () => {
    const { path } = makePath();
    // arrival 20 ms apart but timestamps 240 units (30 ms) apart: |D| = 80 units each time
    path.onRtp(PHONE, 1, 0, 8000, false, 0);
    path.onRtp(PHONE, 2, 240, 8000, false, 20);
    path.onRtp(PHONE, 3, 480, 8000, false, 40);
    path.onRtp(PHONE, 4, 720, 8000, false, 60);
    // A.1: seq 1 is probation (no transit); from seq 2, A.8: J = 80/16 = 5, then 5 + (80 - 5)/16 = 9.6875 units → 1.2109375 ms
    const f = path.figures();
    assert.deepEqual([f.receivedLost, f.receivedJitterMs], [0, 9.6875 / 8]);
  });
});

describe('RtcpPath.due (RFC 3550 §6.2, §6.3.1)', () => {
  it('first report 2052.07 ms after the path starts reporting, then every 4104.14 ms (draw 0.5); stopReports restarts', () => {
    const { path } = makePath();
    assert.equal(path.due(0), false);
    assert.equal(path.due(2000), false);
    assert.equal(path.due(2100), true);
    assert.equal(path.due(6100), false);
    assert.equal(path.due(6205), true);
    path.stopReports();
    assert.equal(path.due(7000), false);
    assert.equal(path.due(9100), true);
  });
});
