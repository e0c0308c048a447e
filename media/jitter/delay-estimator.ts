// Network delay statistics for one received stream: the RFC 3550 §6.4.1 / A.8 interarrival jitter,
// and a high percentile of each packet's delay relative to the fastest recent packet, which is what
// a playout buffer must absorb. Pure: arrival times come from the caller; nothing allocates per packet.

export interface DelayEstimatorOptions {
  /** RTP clock rate of the stream (Hz) */
  readonly clockRate: number;
  /** largest delay the histogram resolves (ms); larger delays land in the last bucket */
  readonly maxDelayMs: number;
  /** fraction of packets that should arrive in time; 0.95 keeps about 1 in 20 late packets at the limit */
  readonly percentile?: number;
  /** packets the fastest-packet baseline looks back over, in blocks of 10 (default 100: 2 s of 20 ms packets) */
  readonly window?: number;
  /** per-packet forgetting factor of the histogram (default 0.995: a memory of about 200 packets) */
  readonly forget?: number;
}

/** histogram bucket width (ms): finer than any packet length, coarse enough to scan quickly */
const BUCKET_MS = 2;
/** the sliding minimum moves by blocks of this many packets: O(1) per packet instead of a window scan */
const BLOCK = 10;
/** a packet this much later than the fastest one starts a new baseline */
const REBASE_MS = 1000;

export class DelayEstimator {
  readonly #msPerTick: number;
  readonly #percentile: number;
  readonly #grow: number;
  /** minimum transit of each of the last blocks of packets; the current block is #blockMin */
  readonly #blocks: Float64Array;
  readonly #histogram: Float64Array;
  #count = 0;
  #block = 0;
  #inBlock = 0;
  #blockMin = Infinity;
  #dirty = false;
  #weight = 1;
  #total = 0;
  #lastTransit = 0;
  #jitterMs = 0;
  #quantileMs = 0;

  constructor(options: DelayEstimatorOptions) {
    this.#msPerTick = 1000 / options.clockRate;
    this.#percentile = options.percentile ?? 0.95;
    this.#grow = 1 / (options.forget ?? 0.995);
    this.#blocks = new Float64Array(Math.max(1, Math.round((options.window ?? 100) / BLOCK))).fill(Infinity);
    this.#histogram = new Float64Array(Math.ceil(options.maxDelayMs / BUCKET_MS) + 1);
  }

  /** RFC 3550 A.8 interarrival jitter J, in ms */
  get jitterMs(): number {
    return this.#jitterMs;
  }

  /** the configured percentile of recent relative delays (ms): how much later than the fastest packet most packets come */
  get quantileMs(): number {
    if (this.#dirty) this.#quantile();
    return this.#quantileMs;
  }

  reset(): void {
    this.#count = 0;
    this.#block = 0;
    this.#inBlock = 0;
    this.#blockMin = Infinity;
    this.#blocks.fill(Infinity);
    this.#dirty = false;
    this.#weight = 1;
    this.#total = 0;
    this.#jitterMs = 0;
    this.#quantileMs = 0;
    this.#histogram.fill(0);
  }

  /**
   * One accepted packet: its extended RTP timestamp (read from `at`) and its local arrival time (ms).
   * The timestamp is read here rather than passed: an extended timestamp is no small integer, and
   * V8 boxes such an argument to a call it does not inline, an allocation per packet.
   */
  add(at: { readonly extTs: number }, arrivalMs: number): void {
    // RFC 3550 A.8: transit = arrival - timestamp (both in the same unit); D = transit_i - transit_j;
    // J += (|D| - J) / 16. The offset between the two clocks cancels out of every difference.
    const transit = arrivalMs - at.extTs * this.#msPerTick;
    if (this.#count > 0) {
      const d = Math.abs(transit - this.#lastTransit);
      this.#jitterMs += (d - this.#jitterMs) / 16;
    }
    this.#lastTransit = transit;
    this.#count++;
    // The fastest packet of the window stands for "no queueing"; a sliding minimum follows clock drift.
    if (transit < this.#blockMin) this.#blockMin = transit;
    const blocks = this.#blocks;
    let fastest = this.#blockMin;
    for (let i = 0; i < blocks.length; i++) if (blocks[i]! < fastest) fastest = blocks[i]!;
    if (transit - fastest > REBASE_MS) {
      // A delay no buffer could absorb is not jitter: the sender paused its clock (hold, a
      // switched source) or the path changed. Measure from this packet on instead of flooding the
      // histogram with delays that will never recur.
      this.#blocks.fill(Infinity);
      this.#blockMin = fastest = transit;
      this.#inBlock = 0;
    }
    if (++this.#inBlock === BLOCK) {
      blocks[this.#block] = this.#blockMin;
      this.#block = (this.#block + 1) % blocks.length;
      this.#blockMin = Infinity;
      this.#inBlock = 0;
    }
    this.#record(transit - fastest);
  }

  #record(relativeMs: number): void {
    const h = this.#histogram;
    const bucket = Math.min(h.length - 1, Math.floor(relativeMs / BUCKET_MS));
    // Exponential forgetting without touching every bucket: newer packets weigh more, by a growing
    // increment, and the whole histogram is rescaled once in a long while.
    this.#weight *= this.#grow;
    if (this.#weight > 1e100) {
      for (let i = 0; i < h.length; i++) h[i] = h[i]! / this.#weight;
      this.#total /= this.#weight;
      this.#weight = 1;
    }
    h[bucket] = h[bucket]! + this.#weight;
    this.#total += this.#weight;
    this.#dirty = true;
  }

  #quantile(): void {
    this.#dirty = false;
    const h = this.#histogram;
    // smallest delay that the configured share of the weighted packets does not exceed
    const tail = (1 - this.#percentile) * this.#total;
    let sum = 0;
    let quantile = 0;
    for (let b = h.length - 1; b > 0; b--) {
      sum += h[b]!;
      if (sum > tail) {
        quantile = (b + 1) * BUCKET_MS;
        break;
      }
    }
    this.#quantileMs = quantile;
  }
}
