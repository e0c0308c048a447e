// Where each received packet sits in its source's stream, for the jitter buffer: the SSRC, the
// extended sequence number and timestamp (RFC 3550 A.1), restarts of either, and the packet
// spacing. Pure and allocation-free: numbers in fields, read back through getters.
//
// Two steps per packet: locate() places it (or refuses it, or restarts the stream on it); once the
// jitter buffer has stored it, accept() makes it the newest packet when it is one.
import type { JitterPacket } from './types.js';

/** locate(): the packet follows the stream it knows */
export const SOURCE_CONTINUES = 0;
/** locate(): the first packet (or the first after reset()): a stream starts on it */
export const SOURCE_STARTED = 1;
/** locate(): a new SSRC, or a confirmed sequence or timestamp jump: a new stream starts on it */
export const SOURCE_RESTARTED = 2;
/** locate(): an unconfirmed sequence jump: refused until the next packet follows it */
export const SOURCE_REFUSED = 3;
export type SourceVerdict = typeof SOURCE_CONTINUES | typeof SOURCE_STARTED | typeof SOURCE_RESTARTED | typeof SOURCE_REFUSED;

export interface SourceSequenceOptions {
  /** RTP clock rate (Hz) */
  readonly clockRate: number;
  /** packet spacing assumed until one is learned (clock units) */
  readonly frameSamples: number;
  /** the most audio the buffer may hold (clock units): timestamps further ahead are a restarted clock */
  readonly maxDelaySamples: number;
}

// RFC 3550 A.1: a jump larger than these is a restart only when the next packet confirms it.
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
// Extended numbers start far from zero so that packets reordered before the first stay positive.
const SEQ_BASE = 65536 * 1024;
const TS_BASE = 4294967296 * 1024;
/** the longest packet a codec sends (Opus: 120 ms) */
const MAX_PACKET_MS = 120;

export class SourceSequence {
  readonly #rate: number;
  readonly #frame: number;
  readonly #maxDelay: number;
  readonly #maxPacket: number;
  #initialized = false;
  #ssrc = 0;
  #badSeq = -1;
  // the newest packet received (extended sequence number and timestamp)
  #highestSeq = 0;
  #highestTs = 0;
  #highestRawTs = 0;
  #highestArrival = 0;
  #highestDuration = 0;
  #packetSamples: number;
  #candidateSpacing = 0;
  // the packet last located
  #delta = 0;
  #tsDelta = 0;

  constructor(o: SourceSequenceOptions) {
    this.#rate = o.clockRate;
    this.#frame = o.frameSamples;
    this.#packetSamples = o.frameSamples;
    this.#maxDelay = o.maxDelaySamples;
    this.#maxPacket = Math.round((MAX_PACKET_MS * o.clockRate) / 1000);
  }

  /** extended sequence number of the newest packet */
  get highestSeq(): number {
    return this.#highestSeq;
  }
  /** the packet spacing: the duration the newest packet declared, else the one learned (clock units) */
  get packetSamples(): number {
    return this.#packetSamples;
  }
  /** the located packet's place after the newest (negative: reordered) */
  get delta(): number {
    return this.#delta;
  }
  /** extended sequence number of the located packet */
  get ext(): number {
    return this.#highestSeq + this.#delta;
  }
  /** extended timestamp of the located packet */
  get extTs(): number {
    return this.#highestTs + this.#tsDelta;
  }

  /** Places `p` in the stream (see the SOURCE_* verdicts); ext, extTs and delta describe it after. */
  locate(p: JitterPacket): SourceVerdict {
    const seq = p.seq & 0xffff;
    const ts = p.timestamp >>> 0;
    let verdict: SourceVerdict = SOURCE_CONTINUES;
    if (!this.#initialized || p.ssrc !== this.#ssrc) {
      // RFC 3550 §8.2: a new SSRC is a new source, with its own sequence and timestamp spaces.
      verdict = this.#initialized ? SOURCE_RESTARTED : SOURCE_STARTED;
      this.#restart(p.ssrc, seq, ts, p.arrivalMs);
    }
    let delta = ((seq - (this.#highestSeq % 65536) + 0x8000) & 0xffff) - 0x8000;
    let tsDelta = (ts - this.#highestRawTs) | 0;
    // RFC 3550 A.1: in order while udelta < MAX_DROPOUT; reordered while less than MAX_MISORDER behind
    const jumped = delta >= MAX_DROPOUT || delta <= -MAX_MISORDER;
    // RFC 3550 §5.1: timestamps follow the sampling clock, so a packet later in sequence whose
    // timestamp goes back, or runs ahead of its arrival by more than we may buffer, is a restarted clock.
    const ahead = ((tsDelta - this.#maxPacket * delta) * 1000) / this.#rate - (p.arrivalMs - this.#highestArrival);
    if (jumped || (delta > 0 && (tsDelta < 0 || ahead > (this.#maxDelay * 1000) / this.#rate))) {
      // RFC 3550 A.1: a sequence jump is "a new source or a source restart" once the next packet follows it.
      if (jumped && seq !== this.#badSeq) {
        this.#badSeq = (seq + 1) & 0xffff;
        return SOURCE_REFUSED;
      }
      verdict = SOURCE_RESTARTED;
      this.#restart(p.ssrc, seq, ts, p.arrivalMs);
      delta = 0;
      tsDelta = 0;
    }
    this.#badSeq = -1;
    this.#delta = delta;
    this.#tsDelta = tsDelta;
    return verdict;
  }

  /** The located packet `p` was stored: unless it was reordered, it is now the newest. */
  accept(p: JitterPacket): void {
    // Kept small: the jitter buffer's push() inlines it along with the ring's put() (see packet-ring.ts).
    if (this.#delta < 0) return;
    this.#learnSpacing(p);
    this.#highestSeq += this.#delta;
    this.#highestTs += this.#tsDelta;
    this.#highestRawTs = p.timestamp >>> 0;
    this.#highestArrival = p.arrivalMs;
    this.#highestDuration = p.samples;
  }

  /** end of the newest packet, in extended timestamp units */
  highestEnd(): number {
    return this.#highestTs + (this.#highestDuration > 0 ? this.#highestDuration : this.#packetSamples);
  }

  /** Forgets the stream: the next packet starts a new one (SOURCE_STARTED). */
  reset(): void {
    this.#initialized = false;
    this.#clear();
  }

  /** the newest packet's duration, else a spacing believed once two consecutive packets agree on it (one DTX gap does not) */
  #learnSpacing(p: JitterPacket): void {
    // delta 0 here is the first packet after a (re)start: a repeat of the newest would have been refused
    if (p.samples > 0) this.#packetSamples = p.samples;
    else if (this.#delta === 1 && this.#tsDelta > 0 && this.#tsDelta <= this.#maxPacket) {
      if (this.#tsDelta === this.#candidateSpacing) this.#packetSamples = this.#tsDelta;
      this.#candidateSpacing = this.#tsDelta;
    }
  }

  #restart(ssrc: number, seq: number, ts: number, arrivalMs: number): void {
    this.#clear();
    this.#initialized = true;
    this.#ssrc = ssrc;
    this.#highestSeq = SEQ_BASE + seq;
    this.#highestTs = TS_BASE + ts;
    this.#highestRawTs = ts;
    this.#highestArrival = arrivalMs;
  }

  #clear(): void {
    this.#badSeq = -1;
    this.#highestDuration = 0;
    this.#packetSamples = this.#frame;
    this.#candidateSpacing = 0;
  }
}
