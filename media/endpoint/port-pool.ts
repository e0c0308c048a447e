// The RTP/RTCP port pairs of the configured range. RFC 3550 §11: RTP on an even port, RTCP on
// the next (odd) one. Free pairs are handed out first-in first-out, so a port just released is
// reused as late as possible and stray packets of the call before rarely reach the next one.

export interface PortPoolOptions {
  readonly portMin: number;
  readonly portMax: number;
}

export class PortPool {
  readonly #first: number;
  readonly #pairs: number;
  /** ring of free pair indexes */
  readonly #ring: Int32Array;
  #head = 0;
  #count = 0;
  readonly #taken: Uint8Array;

  constructor(options: PortPoolOptions) {
    const first = options.portMin % 2 === 0 ? options.portMin : options.portMin + 1;
    const pairs = options.portMax >= first + 1 ? Math.floor((options.portMax - first + 1) / 2) : 0;
    this.#first = first;
    this.#pairs = pairs;
    this.#ring = new Int32Array(Math.max(pairs, 1));
    this.#taken = new Uint8Array(Math.max(pairs, 1));
    for (let i = 0; i < pairs; i++) this.#ring[i] = i;
    this.#count = pairs;
  }

  /** pairs in the range */
  get size(): number {
    return this.#pairs;
  }

  get free(): number {
    return this.#count;
  }

  /** the RTP port of a free pair (RTCP is that + 1), or null when every pair is taken */
  take(): number | null {
    if (this.#count === 0) return null;
    const index = this.#ring[this.#head]!;
    this.#head = (this.#head + 1) % this.#pairs;
    this.#count--;
    this.#taken[index] = 1;
    return this.#first + index * 2;
  }

  /** returns a pair to the back of the queue; a port not taken (or outside the range) is ignored */
  release(rtpPort: number): void {
    const offset = rtpPort - this.#first;
    if (offset < 0 || offset % 2 !== 0) return;
    const index = offset / 2;
    if (index >= this.#pairs || this.#taken[index] !== 1) return;
    this.#taken[index] = 0;
    this.#ring[(this.#head + this.#count) % this.#pairs] = index;
    this.#count++;
  }
}
