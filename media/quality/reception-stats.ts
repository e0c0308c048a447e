// Receiver statistics for one received SSRC, as RFC 3550 Appendix A computes them: sequence
// tracking (A.1), loss and fraction lost (A.3), interarrival jitter (A.8), and the LSR/DLSR
// bookkeeping of §6.4.1. Numbers only: `onRtp` allocates nothing.

const RTP_SEQ_MOD = 0x10000;
// RFC 3550 Appendix A.1 constants
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const MIN_SEQUENTIAL = 2;
/** 1900-01-01 to 1970-01-01 in seconds: NTP (RFC 5905) versus Unix time */
export const NTP_UNIX_OFFSET = 2208988800;

export interface ReceptionStatsOptions {
  /** the SSRC whose packets these are (written into report blocks) */
  ssrc: number;
  /** RTP clock rate of the stream (8000 for G.711, 16000... ; 8000 for G.722 per RFC 3551 §4.5.2) */
  clockRate: number;
}

/** The 32 middle bits of the NTP timestamp for Unix time `ms` (RFC 3550 §4, §6.4.1 LSR). */
export function ntpMiddle32(ms: number): number {
  const seconds = Math.floor(ms / 1000) + NTP_UNIX_OFFSET;
  const fraction16 = Math.floor(((ms % 1000) / 1000) * 65536);
  return (((seconds & 0xffff) << 16) | fraction16) >>> 0;
}

export class ReceptionStats {
  readonly ssrc: number;
  readonly clockRate: number;
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #probation = MIN_SEQUENTIAL;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #started = false;
  #transit = 0;
  #haveTransit = false;
  #jitter = 0;
  #lsr = 0;
  #lsrArrivalMs = 0;
  /** fraction lost of the last report written, 0..255 (RFC 3550 §6.4.1 8-bit fixed point) */
  lastFraction = 0;

  constructor(o: ReceptionStatsOptions) {
    this.ssrc = o.ssrc >>> 0;
    this.clockRate = o.clockRate;
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  /** RFC 3550 A.1 update_seq: false for a packet that is not counted (probation, a jump). */
  #updateSeq(seq: number): boolean {
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      // A.1: "packet is in sequence" during probation
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSeq(seq);
          this.#received++;
          return true;
        }
      } else {
        this.#probation = MIN_SEQUENTIAL - 1;
        this.#maxSeq = seq;
      }
      return false;
    } else if (udelta < MAX_DROPOUT) {
      // A.1: in order, with permissible gap; a smaller number means the 16-bit counter wrapped
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A.1: "the sequence number made a very large jump": two in a row means the source restarted
      if (seq === this.#badSeq) {
        this.#initSeq(seq);
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // else: duplicate or reordered packet, counted (A.3 notes duplicates can make loss negative)
    this.#received++;
    return true;
  }

  /** One received RTP packet: its sequence number, RTP timestamp and arrival time in ms. */
  onRtp(seq: number, timestamp: number, arrivalMs: number): void {
    if (!this.#sequence(seq)) return;
    // RFC 3550 A.8: transit = arrival (in timestamp units) - timestamp; J += (|D| - J) / 16
    const arrival = Math.floor((arrivalMs * this.clockRate) / 1000);
    const transit = (arrival - timestamp) | 0;
    if (this.#haveTransit) {
      let d = (transit - this.#transit) | 0;
      if (d < 0) d = -d;
      this.#jitter += (d - this.#jitter) / 16;
    }
    this.#transit = transit;
    this.#haveTransit = true;
  }

  /**
   * A packet of the same stream that must not move the jitter figure: RFC 4733 §2.3 events keep
   * their start timestamp for the whole event, so A.8's transit would jump by the event's length.
   * Counted for loss (A.1/A.3) as it shares the sequence numbers.
   */
  onSequence(seq: number): void {
    this.#sequence(seq);
  }

  #sequence(seq: number): boolean {
    if (!this.#started) {
      // A.1: init_seq, then max_seq = seq - 1 and probation so the first packet counts as in sequence
      this.#started = true;
      this.#initSeq(seq);
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = MIN_SEQUENTIAL;
    }
    return this.#updateSeq(seq);
  }

  /** A sender report from this SSRC arrived (RFC 3550 §6.4.1 LSR is its NTP timestamp's middle 32 bits). */
  onSenderReport(ntpSeconds: number, ntpFraction: number, arrivalMs: number): void {
    this.#lsr = (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0;
    this.#lsrArrivalMs = arrivalMs;
  }

  /** A.3: extended highest sequence number received (cycles + max_seq). */
  get extendedMax(): number {
    return this.#cycles + this.#maxSeq;
  }
  /** A.3: expected - received, may be negative with duplicates. */
  get cumulativeLost(): number {
    return this.#received === 0 ? 0 : this.extendedMax - this.#baseSeq + 1 - this.#received;
  }
  get received(): number {
    return this.#received;
  }
  /** A.8 interarrival jitter in timestamp units */
  get jitter(): number {
    return this.#jitter;
  }
  get jitterMs(): number {
    return (this.#jitter * 1000) / this.clockRate;
  }

  /**
   * Writes the 24-byte report block (RFC 3550 §6.4.1) at `at` and starts a new reporting interval
   * (A.3 fraction lost is since the previous report). Returns the bytes written.
   */
  writeReportBlock(buf: Uint8Array, at: number, nowMs: number): number {
    const expected = this.#received === 0 ? 0 : this.extendedMax - this.#baseSeq + 1;
    let lost = expected - this.#received;
    // A.3: clamp to the signed 24-bit field
    if (lost > 0x7fffff) lost = 0x7fffff;
    else if (lost < -0x800000) lost = -0x800000;
    const expectedInterval = expected - this.#expectedPrior;
    this.#expectedPrior = expected;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fraction = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    this.lastFraction = fraction;
    // §6.4.1 DLSR: delay since the last SR in units of 1/65536 s, 0 when no SR was received
    const dlsr = this.#lsr === 0 ? 0 : Math.min(0xffffffff, Math.floor(((nowMs - this.#lsrArrivalMs) * 65536) / 1000));
    writeU32(buf, at, this.ssrc);
    writeU32(buf, at + 4, ((fraction & 0xff) << 24) | (lost & 0xffffff));
    writeU32(buf, at + 8, this.extendedMax);
    writeU32(buf, at + 12, Math.floor(this.#jitter));
    writeU32(buf, at + 16, this.#lsr);
    writeU32(buf, at + 20, dlsr);
    return 24;
  }
}

export function writeU32(buf: Uint8Array, at: number, v: number): void {
  buf[at] = (v >>> 24) & 0xff;
  buf[at + 1] = (v >>> 16) & 0xff;
  buf[at + 2] = (v >>> 8) & 0xff;
  buf[at + 3] = v & 0xff;
}
