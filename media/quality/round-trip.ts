// Round-trip time of one leg from RTCP (RFC 3550 §6.4.1: RTT = A - LSR - DLSR). Instead of the
// NTP time of arrival A, the send time of each SR is remembered on a monotonic clock, keyed by the
// middle 32 bits of its NTP timestamp (what the report block's LSR echoes): then
// RTT = arrival - sent - DLSR holds whoever wrote the SR (us, or a phone whose SR we relayed), and
// a step of the wall clock between SR and report cannot distort it. Numbers only; no allocation.

/** SRs remembered: at one per ~5 s (RFC 3550 §6.2) a report answering an older one is stale anyway */
const REMEMBERED = 4;
/** RFC 6298 §2.3's SRTT gain: a smoothed figure that one late report does not swing */
const GAIN = 1 / 8;
/** DLSR is truncated to 1/65536 s, so a loopback RTT may come out a hair below zero */
const ROUNDING_MS = 1;

export class RoundTripTracker {
  readonly #lsr = new Uint32Array(REMEMBERED);
  readonly #sentAt = new Float64Array(REMEMBERED);
  #next = 0;
  #count = 0;
  /** the last measurement in ms, -1 before any */
  latestMs = -1;
  /** RFC 6298-style smoothed RTT in ms (SRTT = 7/8 SRTT + 1/8 sample), -1 before any */
  smoothedMs = -1;
  samples = 0;

  /** an SR whose NTP middle 32 bits are `ntpMiddle` left towards the phone at `atMs` (monotonic) */
  noteSent(ntpMiddle: number, atMs: number): void {
    this.#lsr[this.#next] = ntpMiddle;
    this.#sentAt[this.#next] = atMs;
    this.#next = (this.#next + 1) % REMEMBERED;
    if (this.#count < REMEMBERED) this.#count++;
  }

  /**
   * A report block from the phone arrived at `arrivalMs` (same clock as noteSent) with LSR `lastSr`
   * and DLSR `delaySinceLastSr` (1/65536 s). Returns the RTT in ms, or -1 when the block answers
   * no SR we remember (LSR 0: the phone has had none yet, §6.4.1) or the figures are impossible.
   */
  onReport(lastSr: number, delaySinceLastSr: number, arrivalMs: number): number {
    if (lastSr === 0) return -1;
    for (let i = 0; i < this.#count; i++) {
      if (this.#lsr[i] !== lastSr) continue;
      const rtt = arrivalMs - this.#sentAt[i]! - (delaySinceLastSr * 1000) / 65536;
      if (rtt < -ROUNDING_MS) return -1;
      const sample = Math.max(0, rtt);
      this.latestMs = sample;
      this.smoothedMs = this.samples === 0 ? sample : this.smoothedMs + GAIN * (sample - this.smoothedMs);
      this.samples++;
      return sample;
    }
    return -1;
  }

  reset(): void {
    this.#count = 0;
    this.#next = 0;
  }
}
