// RTCP compound packets (RFC 3550 §6), sans-IO and bounds-checked. `parseRtcp` returns typed
// packets for tools and tests; `rtcpCheck` and `findReportBlock` answer with numbers so the relay
// validates RTCP and reads report blocks without allocating.
import { readU32 } from './rtp.js';

export type RtcpErrorCode = 'too-short' | 'bad-version' | 'bad-length' | 'bad-padding' | 'bad-report-count';

export interface ReportBlock {
  readonly ssrc: number;
  /** the 8-bit fixed-point fraction as a number in 0..1 */
  readonly fractionLost: number;
  /** RFC 3550 §6.4.1: a signed 24-bit count (duplicates can make it negative) */
  readonly cumulativeLost: number;
  readonly highestSequence: number;
  /** in timestamp units */
  readonly jitter: number;
  readonly lastSr: number;
  readonly delaySinceLastSr: number;
}

export type RtcpPacket =
  | {
      readonly type: 'sr';
      readonly ssrc: number;
      readonly ntpSeconds: number;
      readonly ntpFraction: number;
      readonly rtpTimestamp: number;
      readonly packetCount: number;
      readonly octetCount: number;
      readonly reports: readonly ReportBlock[];
    }
  | { readonly type: 'rr'; readonly ssrc: number; readonly reports: readonly ReportBlock[] }
  | { readonly type: 'other'; readonly packetType: number; readonly count: number; readonly offset: number; readonly length: number };

export type RtcpParseResult =
  | { ok: true; value: readonly RtcpPacket[] }
  | { ok: false; error: { code: RtcpErrorCode; detail: string } };

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const REPORT_BLOCK_LENGTH = 24;

export const RTCP_TOO_SHORT = -1;
export const RTCP_BAD_VERSION = -2;
export const RTCP_BAD_LENGTH = -3;
export const RTCP_BAD_PADDING = -4;
export const RTCP_BAD_REPORT_COUNT = -5;
const codes: readonly RtcpErrorCode[] = ['too-short', 'bad-version', 'bad-length', 'bad-padding', 'bad-report-count'];

/** Bytes before the first report block of an SR or RR (RFC 3550 §6.4.1, §6.4.2). */
const reportsAt = (pt: number): number => (pt === RTCP_SR ? 28 : 8);

/**
 * 0 when `buf[0..length)` is a well-formed compound RTCP packet, else a negative RTCP_* code.
 * RFC 3550 Appendix A.2: every packet has version 2, the length fields add up to the datagram,
 * only the last packet may be padded. SR/RR report counts must fit their packet. The rule that a
 * compound starts with SR or RR is not enforced: RFC 5506 reduced-size RTCP relaxes it.
 */
export function rtcpCheck(buf: Uint8Array, length: number): number {
  if (length < 4 || length > buf.length) return RTCP_TOO_SHORT;
  let at = 0;
  while (at < length) {
    if (at + 4 > length) return RTCP_BAD_LENGTH;
    const b0 = buf[at]!;
    if (b0 >> 6 !== 2) return RTCP_BAD_VERSION;
    // RFC 3550 §6.4.1: "length: ... in 32-bit words minus one, including the header and any padding"
    const size = (((buf[at + 2]! << 8) | buf[at + 3]!) + 1) * 4;
    if (at + size > length) return RTCP_BAD_LENGTH;
    if ((b0 & 0x20) !== 0) {
      if (at + size !== length) return RTCP_BAD_PADDING;
      const pad = buf[at + size - 1]!;
      if (pad === 0 || pad > size - 4) return RTCP_BAD_PADDING;
    }
    const pt = buf[at + 1]!;
    if (pt === RTCP_SR || pt === RTCP_RR) {
      if (reportsAt(pt) + (b0 & 0x1f) * REPORT_BLOCK_LENGTH > size) return RTCP_BAD_REPORT_COUNT;
    }
    at += size;
  }
  return 0;
}

/**
 * The offset of the report block about `ssrc` in a compound packet already passed by rtcpCheck,
 * or of the first report block when none names `ssrc` (or when `ssrc` is negative), or -1.
 */
export function findReportBlock(buf: Uint8Array, length: number, ssrc: number): number {
  let first = -1;
  let at = 0;
  while (at + 4 <= length) {
    const size = (((buf[at + 2]! << 8) | buf[at + 3]!) + 1) * 4;
    const pt = buf[at + 1]!;
    if (pt === RTCP_SR || pt === RTCP_RR) {
      const count = buf[at]! & 0x1f;
      for (let i = 0, block = at + reportsAt(pt); i < count; i++, block += REPORT_BLOCK_LENGTH) {
        if (block + REPORT_BLOCK_LENGTH > length) return first;
        if (first < 0) first = block;
        if (ssrc >= 0 && readU32(buf, block) === ssrc) return block;
      }
    }
    at += size;
  }
  return first;
}

/** RFC 3550 §6.4.1 fraction lost: an 8-bit fixed point number with the binary point at the left edge. */
export const blockFractionLost = (buf: Uint8Array, block: number): number => buf[block + 4]! / 256;

/** RFC 3550 §6.4.1 cumulative number of packets lost: signed 24 bits. */
export function blockCumulativeLost(buf: Uint8Array, block: number): number {
  const v = (buf[block + 5]! << 16) | (buf[block + 6]! << 8) | buf[block + 7]!;
  return v & 0x800000 ? v - 0x1000000 : v;
}

export const blockJitter = (buf: Uint8Array, block: number): number => readU32(buf, block + 12);

/** RFC 3550 §6.4.1 LSR: the middle 32 bits of the NTP timestamp of the last SR the reporter got, 0 if none. */
export const blockLastSr = (buf: Uint8Array, block: number): number => readU32(buf, block + 16);

/** RFC 3550 §6.4.1 DLSR: delay from receiving that SR to sending this block, in 1/65536 s. */
export const blockDelaySinceLastSr = (buf: Uint8Array, block: number): number => readU32(buf, block + 20);

/** The offset of the first SR in a compound packet already passed by rtcpCheck, or -1. */
export function findSenderReport(buf: Uint8Array, length: number): number {
  let at = 0;
  while (at + 4 <= length) {
    const size = (((buf[at + 2]! << 8) | buf[at + 3]!) + 1) * 4;
    if (buf[at + 1] === RTCP_SR && at + 28 <= length) return at;
    at += size;
  }
  return -1;
}

/** RFC 3550 §6.4.1: the SR's NTP timestamp, middle 32 bits (what a report block's LSR echoes). */
export const senderReportNtpMiddle = (buf: Uint8Array, sr: number): number => readU32(buf, sr + 10);

function reportBlocks(buf: Uint8Array, at: number, count: number): ReportBlock[] {
  const out: ReportBlock[] = [];
  for (let i = 0; i < count; i++, at += REPORT_BLOCK_LENGTH) {
    out.push({
      ssrc: readU32(buf, at),
      fractionLost: blockFractionLost(buf, at),
      cumulativeLost: blockCumulativeLost(buf, at),
      highestSequence: readU32(buf, at + 8),
      jitter: blockJitter(buf, at),
      lastSr: readU32(buf, at + 16),
      delaySinceLastSr: readU32(buf, at + 20),
    });
  }
  return out;
}

export function parseRtcp(buf: Uint8Array): RtcpParseResult {
  const check = rtcpCheck(buf, buf.length);
  if (check < 0) {
    const code = codes[-check - 1] ?? 'too-short';
    return { ok: false, error: { code, detail: `${code} (${buf.length} bytes)` } };
  }
  const packets: RtcpPacket[] = [];
  for (let at = 0; at < buf.length; ) {
    const size = (((buf[at + 2]! << 8) | buf[at + 3]!) + 1) * 4;
    const pt = buf[at + 1]!;
    const count = buf[at]! & 0x1f;
    if (pt === RTCP_SR && size >= 28) {
      packets.push({
        type: 'sr',
        ssrc: readU32(buf, at + 4),
        ntpSeconds: readU32(buf, at + 8),
        ntpFraction: readU32(buf, at + 12),
        rtpTimestamp: readU32(buf, at + 16),
        packetCount: readU32(buf, at + 20),
        octetCount: readU32(buf, at + 24),
        reports: reportBlocks(buf, at + 28, count),
      });
    } else if (pt === RTCP_RR && size >= 8) {
      packets.push({ type: 'rr', ssrc: readU32(buf, at + 4), reports: reportBlocks(buf, at + 8, count) });
    } else {
      packets.push({ type: 'other', packetType: pt, count, offset: at, length: size });
    }
    at += size;
  }
  return { ok: true, value: packets };
}
