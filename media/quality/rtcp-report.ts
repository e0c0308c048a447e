// RTCP SR/RR with report blocks plus SDES CNAME as one compound packet (RFC 3550 §6.1, §6.4, §6.5),
// written into a caller buffer; and round-trip time from a report block (§6.4.1).
import { NTP_UNIX_OFFSET, ntpMiddle32, writeU32, type ReceptionStats } from './reception-stats.js';

const PT_SR = 200;
const PT_RR = 201;
const PT_SDES = 202;
const SDES_CNAME = 1;

export interface SenderInfo {
  /** RTP timestamp corresponding to `nowMs` on the stream's clock */
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export interface RtcpReportOptions {
  /** destination; the return value says how much was written */
  buf: Buffer;
  /** our SSRC (the sender of this report) */
  ssrc: number;
  /** RFC 3550 §6.5.1 CNAME, e.g. "user@host"; at most 255 UTF-8 bytes */
  cname: string;
  /** one report block per received source, at most 31 (§6.4.1: RC is 5 bits) */
  reports: readonly ReceptionStats[];
  /** wall clock (Unix ms) for the NTP timestamp and DLSR */
  nowMs: number;
}

export interface SenderReportOptions extends RtcpReportOptions {
  sender: SenderInfo;
}

/** NTP timestamp (RFC 3550 §4) for Unix time `ms`: whole seconds since 1900 and a 32-bit fraction. */
export function ntpFromMs(ms: number): { seconds: number; fraction: number } {
  const whole = Math.floor(ms / 1000);
  return { seconds: (whole + NTP_UNIX_OFFSET) >>> 0, fraction: Math.floor(((ms - whole * 1000) / 1000) * 0x100000000) >>> 0 };
}

/** Bytes the compound would take; -1 when it cannot be built (too many reports, CNAME too long). */
function compoundLength(o: RtcpReportOptions, sr: boolean): number {
  const cnameLength = Buffer.byteLength(o.cname, 'utf8');
  if (o.reports.length > 31 || cnameLength > 255) return -1;
  // §6.5: SDES chunk = SSRC, items, then a null octet and padding to a 32-bit boundary
  const chunk = 4 + ((2 + cnameLength + 1 + 3) & ~3);
  return (sr ? 28 : 8) + 24 * o.reports.length + 4 + chunk;
}

function writeCompound(o: RtcpReportOptions, sender: SenderInfo | null): number {
  const total = compoundLength(o, sender !== null);
  if (total < 0 || total > o.buf.length) return -1;
  const buf = o.buf;
  const headerLength = (sender ? 28 : 8) + 24 * o.reports.length;
  // §6.4.1/§6.4.2: V=2, P=0, RC, PT, length in 32-bit words minus one
  buf[0] = 0x80 | o.reports.length;
  buf[1] = sender ? PT_SR : PT_RR;
  buf.writeUInt16BE(headerLength / 4 - 1, 2);
  writeU32(buf, 4, o.ssrc >>> 0);
  let at = 8;
  if (sender) {
    const whole = Math.floor(o.nowMs / 1000);
    writeU32(buf, 8, (whole + NTP_UNIX_OFFSET) >>> 0);
    writeU32(buf, 12, Math.floor(((o.nowMs - whole * 1000) / 1000) * 0x100000000) >>> 0);
    writeU32(buf, 16, sender.rtpTimestamp >>> 0);
    writeU32(buf, 20, sender.packetCount >>> 0);
    writeU32(buf, 24, sender.octetCount >>> 0);
    at = 28;
  }
  for (const r of o.reports) at += r.writeReportBlock(buf, at, o.nowMs);
  // §6.1: every compound carries an SDES with CNAME
  const sdesAt = at;
  buf[at] = 0x81; // V=2, SC=1
  buf[at + 1] = PT_SDES;
  buf.writeUInt16BE((total - sdesAt) / 4 - 1, at + 2);
  writeU32(buf, at + 4, o.ssrc >>> 0);
  at += 8;
  buf[at] = SDES_CNAME;
  const written = buf.write(o.cname, at + 2, 'utf8');
  buf[at + 1] = written;
  at += 2 + written;
  // §6.5: the item list ends with null octets up to the next 32-bit boundary (at least one)
  while (at < total) buf[at++] = 0;
  return total;
}

/** RFC 3550 §6.4.1 SR + report blocks + SDES CNAME. Returns bytes written, or -1 when it does not fit. */
export function buildSenderReport(o: SenderReportOptions): number {
  return writeCompound(o, o.sender);
}

/** RFC 3550 §6.4.2 RR + report blocks + SDES CNAME. Returns bytes written, or -1 when it does not fit. */
export function buildReceiverReport(o: RtcpReportOptions): number {
  return writeCompound(o, null);
}

export interface RoundTripOptions {
  /** when the report block arrived (Unix ms) */
  arrivalMs: number;
  /** the block's LSR and DLSR fields */
  lastSr: number;
  delaySinceLastSr: number;
}

/**
 * RFC 3550 §6.4.1: RTT = A - LSR - DLSR in units of 1/65536 s, A being the middle 32 bits of the
 * NTP time of arrival. Null when the peer has not received an SR yet (LSR 0) or the clocks disagree.
 */
export function roundTripMs(o: RoundTripOptions): number | null {
  if (o.lastSr === 0) return null;
  const units = (ntpMiddle32(o.arrivalMs) - o.lastSr - o.delaySinceLastSr) | 0;
  return units < 0 ? null : (units * 1000) / 65536;
}
