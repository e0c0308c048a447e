// RTP and RTCP parsers against packets laid out by hand from RFC 3550's diagrams, plus fuzzing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRtp, rtpPayloadOffset, RTP_BAD_PADDING, RTP_BAD_VERSION, RTP_TOO_SHORT, RTP_TRUNCATED_CSRC, RTP_TRUNCATED_EXTENSION } from './rtp.js';
import { parseRtcp, rtcpCheck, findReportBlock, blockCumulativeLost, RTCP_BAD_LENGTH, RTCP_BAD_PADDING, RTCP_BAD_REPORT_COUNT, RTCP_BAD_VERSION } from './rtcp.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('RTP (RFC 3550 §5.1)', () => {
  it('reads the fixed header of a G.711 packet', () => {
    // V=2 P=0 X=0 CC=0 | M=1 PT=0 | seq 0x1234 | ts 0xdeadbeef | ssrc 0xcafebabe | 4 bytes payload
    const r = parseRtp(hex('80 80 1234 deadbeef cafebabe 01020304'));
    assert.ok(r.ok);
    assert.deepEqual(r.value, {
      version: 2,
      padding: false,
      extension: false,
      marker: true,
      payloadType: 0,
      sequenceNumber: 0x1234,
      timestamp: 0xdeadbeef,
      ssrc: 0xcafebabe,
      csrc: [],
      extensionProfile: null,
      extensionOffset: 0,
      extensionLength: 0,
      payloadOffset: 12,
      payloadLength: 4,
      paddingLength: 0,
    });
  });

  it('§5.1 CSRC list, §5.3.1 header extension and padding', () => {
    // V=2 P=1 X=1 CC=2, PT=8; 2 CSRCs; extension profile 0xbede with 1 word; payload aa bb; 2 padding bytes (00 02)
    const packet = hex('b2 08 0001 00000010 00000001 00000011 00000022 bede0001 10ff0000 aabb 0002');
    const r = parseRtp(packet);
    assert.ok(r.ok);
    assert.deepEqual(r.value.csrc, [0x11, 0x22]);
    assert.equal(r.value.extensionProfile, 0xbede);
    assert.equal(r.value.extensionOffset, 24);
    assert.equal(r.value.extensionLength, 4);
    assert.equal(r.value.payloadOffset, 28);
    assert.equal(r.value.paddingLength, 2);
    assert.equal(r.value.payloadLength, 2);
    assert.equal(rtpPayloadOffset(packet, packet.length), 28);
  });

  it('rejects what RFC 3550 says a receiver must not accept', () => {
    const cases: [string, Buffer, number, string][] = [
      ['11 bytes', hex('80000001000000000000 00'), RTP_TOO_SHORT, 'too-short'],
      ['version 1', hex('40 00 0001 00000000 00000001'), RTP_BAD_VERSION, 'bad-version'],
      ['CC=3 with one CSRC', hex('83 00 0001 00000000 00000001 00000002'), RTP_TRUNCATED_CSRC, 'truncated-csrc'],
      ['extension longer than the packet', hex('90 00 0001 00000000 00000001 bede0004 00000000'), RTP_TRUNCATED_EXTENSION, 'truncated-extension'],
      ['padding count 0', hex('a0 00 0001 00000000 00000001 aa00'), RTP_BAD_PADDING, 'bad-padding'],
      ['padding into the header', hex('a0 00 0001 00000000 00000001 aa10'), RTP_BAD_PADDING, 'bad-padding'],
    ];
    for (const [name, packet, offset, code] of cases) {
      assert.equal(rtpPayloadOffset(packet, packet.length), offset, name);
      const r = parseRtp(packet);
      assert.ok(!r.ok && r.error.code === code, name);
    }
  });

  it('fuzz: never throws, and the hot-path check agrees with the parser', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const offset = rtpPayloadOffset(bytes, bytes.length);
        const r = parseRtp(bytes);
        assert.equal(r.ok, offset >= 0);
        if (r.ok) {
          assert.ok(r.value.payloadOffset <= bytes.length);
          assert.ok(r.value.payloadLength >= 0);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('RTCP (RFC 3550 §6)', () => {
  // SR (§6.4.1) from SSRC 0x01020304 with one report block about 0x0a0b0c0d, then SDES (§6.5) with a CNAME
  const sr = hex(`
    81 c8 000c 01020304
    83ab03a1 eb020b3a 00000100 0000000a 00000640
    0a0b0c0d 19 fffffe 00010203 00000050 11112222 00003333
    81 ca 0003 01020304 0104 6162 6364 0000`);

  it('reads a compound SR + SDES packet', () => {
    assert.equal(rtcpCheck(sr, sr.length), 0);
    const r = parseRtcp(sr);
    assert.ok(r.ok);
    assert.equal(r.value.length, 2);
    const first = r.value[0]!;
    assert.equal(first.type, 'sr');
    if (first.type !== 'sr') return;
    assert.equal(first.ssrc, 0x01020304);
    assert.equal(first.ntpSeconds, 0x83ab03a1);
    assert.equal(first.packetCount, 10);
    assert.equal(first.octetCount, 1600);
    assert.deepEqual(first.reports, [
      { ssrc: 0x0a0b0c0d, fractionLost: 0x19 / 256, cumulativeLost: -2, highestSequence: 0x00010203, jitter: 80, lastSr: 0x11112222, delaySinceLastSr: 0x3333 },
    ]);
    assert.deepEqual(r.value[1], { type: 'other', packetType: 202, count: 1, offset: 52, length: 16 });
  });

  it('finds the report block about a given SSRC, or the first one', () => {
    assert.equal(findReportBlock(sr, sr.length, 0x0a0b0c0d), 28);
    assert.equal(findReportBlock(sr, sr.length, 0x99), 28);
    assert.equal(findReportBlock(sr, sr.length, -1), 28);
    assert.equal(blockCumulativeLost(sr, 28), -2, 'RFC 3550 §6.4.1: cumulative loss is signed 24 bits');
    const rr0 = hex('80 c9 0001 01020304');
    assert.equal(findReportBlock(rr0, rr0.length, -1), -1);
  });

  it('rejects malformed compounds (RFC 3550 Appendix A.2)', () => {
    const cases: [string, Buffer, number][] = [
      ['version 1', hex('41 c9 0001 01020304'), RTCP_BAD_VERSION],
      ['length past the end', hex('80 c9 0002 01020304'), RTCP_BAD_LENGTH],
      ['trailing bytes', hex('80 c9 0001 01020304 80'), RTCP_BAD_LENGTH],
      ['padding on a packet that is not last', hex('a0 c9 0001 01020304 80 c9 0001 01020304'), RTCP_BAD_PADDING],
      ['RC=1 without the block', hex('81 c9 0001 01020304'), RTCP_BAD_REPORT_COUNT],
      ['SR without sender info', hex('80 c8 0001 01020304'), RTCP_BAD_REPORT_COUNT],
    ];
    for (const [name, packet, code] of cases) assert.equal(rtcpCheck(packet, packet.length), code, name);
  });

  it('fuzz: never throws; every block it finds lies inside the packet', () => {
    const compound = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 31 }), fc.constantFrom(200, 201, 202, 203, 204), fc.uint8Array({ maxLength: 60 })),
      { maxLength: 4 },
    ).map((parts) =>
      Buffer.concat(
        parts.map(([count, pt, body]) => {
          const padded = Buffer.concat([Buffer.from(body), Buffer.alloc((4 - (body.length % 4)) % 4)]);
          const h = Buffer.alloc(4);
          h[0] = 0x80 | count;
          h[1] = pt;
          h.writeUInt16BE(padded.length / 4, 2);
          return Buffer.concat([h, padded]);
        }),
      ),
    );
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 100 }), compound), (bytes) => {
        const ok = rtcpCheck(bytes, bytes.length) === 0;
        assert.equal(parseRtcp(bytes).ok, ok);
        if (ok) {
          const block = findReportBlock(bytes, bytes.length, -1);
          assert.ok(block === -1 || block + 24 <= bytes.length);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
