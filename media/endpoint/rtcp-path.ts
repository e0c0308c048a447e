// The RTCP side of one RTP endpoint, without sockets: reception statistics of the phone's stream
// (RFC 3550 Appendix A), the phone's reports about the stream we send it (loss, jitter, and round
// trip, §6.4.1), and the compound reports we send ourselves when we decode (§6.1: SR or RR, then
// SDES CNAME). In pass-through the phones' own RTCP is relayed instead (their SSRCs and sequence
// numbers reach each other unchanged, so their reports stay true) and we only watch it: the SRs
// relayed towards our phone are remembered so its answers give this leg's round trip.
// onRtp runs per packet and allocates nothing (a ReceptionStats is made when the phone's SSRC or
// clock changes); the rest runs per RTCP packet, every few seconds.
import { randomBytes, randomInt } from 'node:crypto';
import { ReceptionStats } from '../quality/reception-stats.js';
import { RoundTripTracker } from '../quality/round-trip.js';
import { buildReceiverReport, buildSenderReport } from '../quality/rtcp-report.js';
import { rtcpIntervalMs } from '../quality/rtcp-interval.js';
import { readU32 } from '../rtp/rtp.js';
import {
  blockCumulativeLost,
  blockDelaySinceLastSr,
  blockFractionLost,
  blockJitter,
  blockLastSr,
  findReportBlock,
  findSenderReport,
  senderReportNtpMiddle,
} from '../rtp/rtcp.js';
import type { EndpointStats } from '../types.js';

/** SR (28) + one block (24) + SDES with a 16-character CNAME (24), with room to spare */
const REPORT_BYTES = 128;

export interface RtcpPathOptions {
  /** Unix ms, for the NTP timestamps of our SRs (RFC 3550 §4) and the DLSR of our blocks */
  readonly wallClock: () => number;
  /** uniform in [0, 1): the §6.3.1 randomisation of the report interval */
  readonly random: () => number;
}

/** What we sent the phone, for an SR's sender info (RFC 3550 §6.4.1). */
export interface SentStream {
  /** the SSRC the phone sees from us; -1 before we sent anything */
  readonly ssrc: number;
  readonly packets: number;
  /** payload octets, headers and padding excluded */
  readonly octets: number;
  /** our stream's RTP timestamp now */
  readonly rtpTimestamp: number;
}

export class RtcpPath {
  readonly #wallClock: () => number;
  readonly #random: () => number;
  /** the phone's stream as we receive it; null before its first packet */
  received: ReceptionStats | null = null;
  readonly rtt = new RoundTripTracker();
  // the phone's latest report block about the stream we send it
  hasReport = false;
  lost = 0;
  /** 0..1 */
  fraction = 0;
  jitterMs = 0;
  /** when our next report is due (the worker's monotonic ms); -1 while we send none */
  #dueAt = -1;
  #packetsAtLast = 0;
  /** RFC 3550 §8.1: a random SSRC for reports before we have sent a stream of our own */
  readonly #ownSsrc = randomInt(1, 2 ** 32 - 1) >>> 0;
  /** RFC 7022 §4.2: a random CNAME per endpoint, so calls cannot be linked by it */
  readonly #cname = randomBytes(12).toString('base64');

  constructor(options: RtcpPathOptions) {
    this.#wallClock = options.wallClock;
    this.#random = options.random;
  }

  /** one RTP packet from the phone (already validated); `event`: RFC 4733, counted but kept out of jitter */
  onRtp(ssrc: number, seq: number, timestamp: number, clockRate: number, event: boolean, nowMs: number): void {
    let rx = this.received;
    if (rx === null || rx.ssrc !== ssrc || rx.clockRate !== clockRate) rx = this.received = new ReceptionStats({ ssrc, clockRate });
    if (event) rx.onSequence(seq);
    else rx.onRtp(seq, timestamp, nowMs);
  }

  /**
   * A compound from the phone (validated by rtcpCheck). Its block about `sentSsrc`, the stream we
   * send it (jitter in units of `clockRate`), gives loss, jitter and, when it echoes an SR we sent
   * or relayed (LSR), the round trip. Its SR sets the LSR/DLSR of our next block about it.
   */
  onReport(msg: Uint8Array, length: number, sentSsrc: number, clockRate: number, nowMs: number): void {
    const block = findReportBlock(msg, length, sentSsrc);
    if (block >= 0) {
      this.lost = blockCumulativeLost(msg, block);
      this.fraction = blockFractionLost(msg, block);
      this.jitterMs = (blockJitter(msg, block) * 1000) / clockRate;
      this.hasReport = true;
      this.rtt.onReport(blockLastSr(msg, block), blockDelaySinceLastSr(msg, block), nowMs);
    }
    const sr = findSenderReport(msg, length);
    const rx = this.received;
    if (sr >= 0 && rx !== null && readU32(msg, sr + 4) === rx.ssrc) rx.onSenderReport(readU32(msg, sr + 8), readU32(msg, sr + 12), this.#wallClock());
  }

  /** this leg's quality figures for EndpointStats: null where nothing was measured yet */
  figures(): Pick<EndpointStats, 'packetsLost' | 'fractionLost' | 'jitterMs' | 'receivedLost' | 'receivedJitterMs' | 'rttMs'> {
    const report = this.hasReport;
    const rx = this.received;
    return {
      packetsLost: report ? this.lost : null,
      fractionLost: report ? this.fraction : null,
      jitterMs: report ? this.jitterMs : null,
      receivedLost: rx === null ? null : rx.cumulativeLost,
      receivedJitterMs: rx === null ? null : rx.jitterMs,
      // smoothed (RFC 6298 gain 1/8) over the phone's answers to the SRs we sent or relayed to it
      rttMs: this.rtt.samples === 0 ? null : this.rtt.smoothedMs,
    };
  }

  /** pass-through: the peer phone's compound is leaving towards our phone; its SR (if any) is remembered */
  onForwarded(msg: Uint8Array, length: number, nowMs: number): void {
    const sr = findSenderReport(msg, length);
    if (sr >= 0) this.rtt.noteSent(senderReportNtpMiddle(msg, sr), nowMs);
  }

  /** the phone's RTCP is relayed again: we stop reporting (the next due time starts afresh) */
  stopReports(): void {
    this.#dueAt = -1;
  }

  /** RFC 3550 §6.2/§6.3.1: true when a report of ours is due at `nowMs`; the first comes after half the interval */
  due(nowMs: number): boolean {
    if (this.#dueAt < 0) {
      this.#dueAt = nowMs + rtcpIntervalMs({ initial: true, random: this.#random });
      return false;
    }
    if (nowMs < this.#dueAt) return false;
    this.#dueAt = nowMs + rtcpIntervalMs({ initial: false, random: this.#random });
    return true;
  }

  /**
   * Our compound (RFC 3550 §6.1): an SR when we sent RTP since the last report (§6.4: active
   * senders), else an RR; a block about the phone's stream once it sent some; SDES CNAME.
   * Null when nothing fits (cannot happen with one block).
   */
  compose(sent: SentStream, nowMs: number): Buffer | null {
    const buf = Buffer.alloc(REPORT_BYTES);
    const rx = this.received;
    const reports = rx !== null && rx.received > 0 ? [rx] : [];
    const wall = this.#wallClock();
    const sending = sent.ssrc >= 0 && sent.packets > this.#packetsAtLast;
    this.#packetsAtLast = sent.packets;
    const ssrc = sent.ssrc >= 0 ? sent.ssrc : this.#ownSsrc;
    const base = { buf, ssrc, cname: this.#cname, reports, nowMs: wall };
    const n = sending
      ? buildSenderReport({ ...base, sender: { rtpTimestamp: sent.rtpTimestamp, packetCount: sent.packets, octetCount: sent.octets } })
      : buildReceiverReport(base);
    if (n < 0) return null;
    // §6.4.1: the phone's LSR will echo these 32 bits; when it arrives is measured on the monotonic clock
    if (sending) this.rtt.noteSent(senderReportNtpMiddle(buf, 0), nowMs);
    return buf.subarray(0, n);
  }
}
