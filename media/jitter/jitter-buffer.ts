// Adaptive jitter buffer for one received RTP stream (the decode paths: mixing, recording,
// transcoding, speech; the relay never uses one). Sans-IO and allocation-free per packet: packets
// live in a ring indexed by extended sequence number, their bytes in one preallocated store.
//
// Playout contract. Each pop() hands out the next `outSamples` (RTP clock units) of the stream:
//   PLAY  a packet: decode out[0..outLength); outSamples is its duration (the `samples` the caller
//         pushed, else the learned packet spacing). A 40 ms packet covers two 20 ms ticks: the caller
//         keeps the decoded PCM and pops again only when it needs more (10 ms packets: pop twice).
//   LOST  a piece (at most one frame) of a packet that never came: conceal, or decode FEC from peekNext().
//   EMPTY a frame of silence: not started, rebuffering after an underrun, or a DTX gap.
// With 20 ms packets and a 20 ms tick that is one pop per tick.
//
// Delay. Playout starts (and restarts after an underrun) once the buffer holds the target delay.
// The target is the 95th percentile of recent packet delays relative to the fastest packet, plus one
// packet, clamped to [minDelayMs, maxDelayMs] (DelayEstimator). It grows quickly: an underrun stops
// playout and rebuffers at once, keeping its place, so a packet that was only late still plays
// (a packet is refused as late only once a later one has been played or concealed past it). It shrinks slowly and only where it is inaudible, which only the
// caller can judge from decoded audio: shouldDrop() says the buffer holds a packet more than needed
// (after 200 ms without adjustment); the caller discards a quiet decoded frame, calls dropped(), and
// pops again. shouldInsert() is the mirror (grow before an underrun): play a concealment frame
// instead of popping, then inserted(). Ignoring both is safe: underruns and the maxDelayMs bound
// keep the delay in range anyway.
//
// Where a packet belongs in the stream (RFC 3550 A.1 extended numbers, SSRC and clock restarts,
// packet spacing) is SourceSequence's business; this file holds the ring, playout and adaptation.
import { DelayEstimator } from './delay-estimator.js';
import { PacketRing } from './packet-ring.js';
import { PlayoutLevel } from './playout-level.js';
import { SOURCE_CONTINUES, SOURCE_REFUSED, SOURCE_RESTARTED, SourceSequence } from './source-sequence.js';
import { JITTER_EMPTY, JITTER_LOST, JITTER_PLAY, type JitterBufferOptions, type JitterPacket, type JitterResult, type JitterStats } from './types.js';

export class JitterBuffer {
  /** PLAY (and peekNext) copy the payload here; valid until the next pop or peekNext */
  readonly out: Uint8Array;
  readonly #ring: PacketRing;
  readonly #maxPayload: number;
  readonly #rate: number;
  readonly #frame: number;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #estimator: DelayEstimator;
  readonly #source: SourceSequence;
  // playout: the next sequence number to play and the timestamp the playout point has reached
  #nextSeq = 0;
  #playTs = 0;
  #concealUntil = 0;
  #started = false;
  #released = false;
  #waited = 0;
  readonly #level = new PlayoutLevel();
  #outLength = 0;
  #outSamples = 0;
  #outSeq = 0;
  #outTs = 0;
  readonly #c = { packets: 0, played: 0, late: 0, lost: 0, duplicates: 0, overflow: 0, reorders: 0, underruns: 0, resyncs: 0, invalid: 0, drops: 0, inserts: 0 };

  constructor(options: JitterBufferOptions) {
    this.#maxPayload = options.maxPayload ?? 1500;
    this.#ring = new PacketRing({ capacity: options.capacity ?? 64, maxPayload: this.#maxPayload });
    this.out = this.#ring.out;
    this.#rate = options.clockRate;
    this.#frame = this.#samples(options.frameMs ?? 20);
    this.#minDelay = this.#samples(options.minDelayMs ?? 20);
    this.#maxDelay = this.#samples(options.maxDelayMs ?? 200);
    this.#source = new SourceSequence({ clockRate: options.clockRate, frameSamples: this.#frame, maxDelaySamples: this.#maxDelay });
    this.#estimator = new DelayEstimator({ clockRate: options.clockRate, maxDelayMs: options.maxDelayMs ?? 200, percentile: options.percentile ?? 0.95 });
  }

  get outLength(): number {
    return this.#outLength;
  }
  /** duration of what the last pop() handed out, in RTP clock units */
  get outSamples(): number {
    return this.#outSamples;
  }
  /** RTP sequence number of the last PLAY or peekNext */
  get outSeq(): number {
    return this.#outSeq;
  }
  /** RTP timestamp (32 bits) where the last pop()'s piece starts, or of the packet peekNext() copied */
  get outTimestamp(): number {
    return this.#outTs;
  }
  /** the adaptive playout target (ms) */
  get targetMs(): number {
    return (this.#target() * 1000) / this.#rate;
  }

  /** Takes a packet; false when it is refused (late, duplicate, invalid, unconfirmed jump). */
  push(p: JitterPacket): boolean {
    if (p.length < 0 || p.length > this.#maxPayload || p.offset < 0 || p.offset + p.length > p.payload.length) {
      this.#c.invalid++;
      return false;
    }
    const source = this.#source;
    const verdict = source.locate(p);
    if (verdict === SOURCE_REFUSED) {
      this.#c.invalid++;
      return false;
    }
    if (verdict !== SOURCE_CONTINUES) {
      if (verdict === SOURCE_RESTARTED) this.#c.resyncs++;
      this.#clearPlayout();
      this.#nextSeq = source.highestSeq;
    }
    const ext = source.ext;
    if (ext < this.#nextSeq) {
      // before anything was released a packet reordered ahead of the first one still has its place
      if (this.#released || source.highestSeq - ext >= this.#ring.capacity) {
        this.#c.late++;
        return false;
      }
      this.#nextSeq = ext;
    }
    if (ext - this.#nextSeq >= this.#ring.capacity) {
      // capacity reached: the oldest go, and playout restarts from what is left
      this.#c.overflow += this.#ring.discard(this.#nextSeq, ext - this.#ring.capacity + 1);
      this.#nextSeq = ext - this.#ring.capacity + 1;
      this.#released = true;
      this.#started = false;
    }
    if (this.#ring.holds(ext)) {
      this.#c.duplicates++;
      return false;
    }
    const extTs = source.extTs;
    this.#ring.put(ext, p.samples > 0 ? p.samples : 0, p.payload, p.offset, p.length);
    this.#ring.setTimestamp(ext, extTs);
    this.#c.packets++;
    if (source.delta < 0) this.#c.reorders++;
    source.accept(p);
    this.#estimator.add(source, p.arrivalMs);
    if (this.#started && source.highestEnd() - this.#playTs > this.#maxDelay + source.packetSamples) this.#trim();
    return true;
  }

  /** The next piece of the stream; see the contract at the top of this file. */
  pop(): JitterResult {
    this.#outLength = 0;
    if (!this.#started && !this.#tryStart()) return this.#silence(this.#frame, JITTER_EMPTY);
    const ring = this.#ring;
    this.#level.sample(ring.count === 0 ? 0 : this.#source.highestEnd() - this.#playTs);
    if (!ring.holds(this.#nextSeq)) {
      if (ring.count === 0) {
        this.#started = false;
        this.#waited = 0;
        this.#c.underruns++;
        return this.#silence(this.#frame, JITTER_EMPTY);
      }
      // RFC 3550 §6.4.1: a gap in sequence numbers is loss. Skip to the next packet held; conceal
      // what the missing packets would have covered, and no more (the rest of a gap is DTX).
      const next = ring.nextHeld(this.#nextSeq + 1, this.#source.highestSeq);
      this.#c.lost += next - this.#nextSeq;
      this.#concealUntil = this.#playTs + (next - this.#nextSeq) * this.#source.packetSamples;
      this.#nextSeq = next;
      this.#released = true;
    }
    const ts = ring.timestamp(this.#nextSeq);
    // A later timestamp on the very next sequence number is a silence gap (DTX, RFC 3551 §4.1: the
    // sender sent nothing); it is lost audio only as far as skipped packets would have covered.
    if (ts > this.#playTs) return this.#silence(Math.min(this.#frame, ts - this.#playTs), this.#playTs < this.#concealUntil ? JITTER_LOST : JITTER_EMPTY);
    return this.#play(ts);
  }

  /** After LOST: copies the packet that follows the hole into `out` (for FEC) without consuming it; its length, or -1. */
  peekNext(): number {
    if (this.#ring.count === 0) return -1;
    const seq = this.#ring.nextHeld(this.#nextSeq, this.#source.highestSeq);
    this.#outLength = this.#ring.copyOut(seq);
    this.#outSeq = seq % 65536;
    this.#outTs = this.#ring.timestamp(seq) % 4294967296;
    return this.#outLength;
  }

  /** the buffer holds at least a packet more than the target: drop a quiet frame (see the top of this file) */
  shouldDrop(): boolean {
    return this.#started && this.#level.shouldDrop(this.#target(), this.#source.packetSamples);
  }
  /** the buffer holds less than the target: play a concealment frame instead of popping */
  shouldInsert(): boolean {
    return this.#started && this.#level.shouldInsert(this.#target());
  }
  dropped(): void {
    this.#c.drops++;
    this.#level.restart();
  }
  inserted(): void {
    this.#c.inserts++;
    this.#level.restart();
  }

  /** Forget the stream (hold, re-INVITE to another source); counters stay. */
  reset(): void {
    this.#source.reset();
    this.#clearPlayout();
  }

  stats(): JitterStats {
    const ms = 1000 / this.#rate;
    return { delayMs: this.#level.last * ms, targetMs: this.#target() * ms, jitterMs: this.#estimator.jitterMs, ...this.#c };
  }

  #samples(ms: number): number {
    return Math.round((ms * this.#rate) / 1000);
  }

  /** the playout delay aimed at: one packet, plus how much later than the fastest most packets come */
  #target(): number {
    const wanted = this.#source.packetSamples + this.#samples(this.#estimator.quantileMs);
    return Math.min(this.#maxDelay, Math.max(this.#minDelay, wanted));
  }

  #tryStart(): boolean {
    if (this.#ring.count === 0) {
      this.#waited = 0;
      return false;
    }
    const oldest = this.#ring.nextHeld(this.#nextSeq, this.#source.highestSeq);
    const ts = this.#ring.timestamp(oldest);
    this.#waited += this.#frame;
    // start once the target is held, or once the oldest packet has waited that long (a short talkspurt)
    if (this.#source.highestEnd() - ts < this.#target() && this.#waited <= this.#target()) return false;
    if (this.#released) this.#c.lost += oldest - this.#nextSeq;
    this.#nextSeq = oldest;
    this.#playTs = this.#concealUntil = ts;
    this.#started = true;
    this.#waited = 0;
    this.#level.restart();
    return true;
  }

  #play(ts: number): JitterResult {
    const seq = this.#nextSeq;
    const declared = this.#ring.duration(seq);
    const duration = declared > 0 ? declared : this.#source.packetSamples;
    this.#outLength = this.#ring.copyOut(seq);
    this.#outSamples = duration;
    this.#outSeq = seq % 65536;
    this.#outTs = ts % 4294967296;
    this.#playTs = ts + duration;
    this.#ring.free(seq);
    this.#nextSeq = seq + 1;
    this.#released = true;
    this.#c.played++;
    return JITTER_PLAY;
  }

  #silence(samples: number, kind: JitterResult): JitterResult {
    this.#outSamples = samples;
    this.#outTs = this.#playTs % 4294967296;
    if (this.#started) this.#playTs += samples;
    return kind;
  }

  /** more than maxDelayMs held (a burst after a network stall): discard the oldest down to the target, play on from there */
  #trim(): void {
    const target = this.#target();
    let oldest = this.#ring.nextHeld(this.#nextSeq, this.#source.highestSeq);
    while (this.#ring.count > 1 && this.#source.highestEnd() - this.#ring.timestamp(oldest) > target) {
      this.#c.overflow += this.#ring.discard(oldest, oldest + 1);
      oldest = this.#ring.nextHeld(oldest + 1, this.#source.highestSeq);
    }
    this.#nextSeq = oldest;
    this.#playTs = this.#concealUntil = this.#ring.timestamp(oldest);
  }

  #clearPlayout(): void {
    this.#ring.clear();
    this.#started = false;
    this.#released = false;
    this.#waited = 0;
    this.#level.reset();
    this.#estimator.reset();
  }
}
