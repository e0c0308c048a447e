// N-party audio mixer with a hearing matrix (minus-self by default; supervisor listen/whisper/barge
// in roles.ts). Pure and allocation-free per tick: every member has a preallocated input and output
// frame; the worker's 20 ms tick writes the inputs, calls mix() and reads the outputs.
//
// Cost. All active inputs are summed once (O(N) frames). A listener who hears every other member
// (the usual conference member) gets sum minus itself; one who misses a few speakers gets the sum
// minus those; one who hears only a few gets just those added up: O(N) frames per tick in the
// usual case, never O(N^2) frame passes unless the matrix itself is that irregular.

export interface MixerOptions {
  /** samples per frame (sampleRate / 50 for 20 ms) */
  readonly frameSamples: number;
  /** members at most */
  readonly capacity?: number;
}

const MAX = 32767;
const MIN = -32768;

export class Mixer {
  readonly frameSamples: number;
  readonly capacity: number;
  readonly #inputs: Int16Array[] = [];
  readonly #outputs: Int16Array[] = [];
  readonly #sum: Int32Array;
  readonly #acc: Int32Array;
  readonly #used: Uint8Array;
  readonly #active: Uint8Array;
  /** #hears[listener * capacity + speaker] */
  readonly #hears: Uint8Array;
  /** per listener: how many other members it does not hear */
  readonly #deaf: Int32Array;
  readonly #members: Int32Array;
  readonly #position: Int32Array;
  readonly #free: Int32Array;
  #size = 0;
  #freeCount: number;

  constructor(options: MixerOptions) {
    this.frameSamples = options.frameSamples;
    this.capacity = options.capacity ?? 64;
    const n = this.capacity;
    const inputs = new Int16Array(n * this.frameSamples);
    const outputs = new Int16Array(n * this.frameSamples);
    for (let i = 0; i < n; i++) {
      this.#inputs.push(inputs.subarray(i * this.frameSamples, (i + 1) * this.frameSamples));
      this.#outputs.push(outputs.subarray(i * this.frameSamples, (i + 1) * this.frameSamples));
    }
    this.#sum = new Int32Array(this.frameSamples);
    this.#acc = new Int32Array(this.frameSamples);
    this.#used = new Uint8Array(n);
    this.#active = new Uint8Array(n);
    this.#hears = new Uint8Array(n * n);
    this.#deaf = new Int32Array(n);
    this.#members = new Int32Array(n);
    this.#position = new Int32Array(n);
    this.#free = new Int32Array(n);
    // the lowest slot is handed out first; a removed slot is the next one reused
    for (let i = 0; i < n; i++) this.#free[i] = n - 1 - i;
    this.#freeCount = n;
  }

  /** members now */
  get size(): number {
    return this.#size;
  }

  /** A new member, active, hearing every other member and heard by all; its slot, or -1 when full. */
  add(): number {
    if (this.#freeCount === 0) return -1;
    const slot = this.#free[--this.#freeCount]!;
    this.#used[slot] = 1;
    this.#active[slot] = 1;
    this.#deaf[slot] = 0;
    this.#inputs[slot]!.fill(0);
    this.#outputs[slot]!.fill(0);
    const n = this.capacity;
    for (let i = 0; i < this.#size; i++) {
      const other = this.#members[i]!;
      this.#hears[slot * n + other] = 1;
      this.#hears[other * n + slot] = 1;
    }
    this.#hears[slot * n + slot] = 0;
    this.#position[slot] = this.#size;
    this.#members[this.#size++] = slot;
    return slot;
  }

  remove(slot: number): void {
    if (!this.#isMember(slot)) return;
    const n = this.capacity;
    for (let i = 0; i < this.#size; i++) {
      const other = this.#members[i]!;
      if (other !== slot && this.#hears[other * n + slot] === 0) this.#deaf[other]!--;
      this.#hears[other * n + slot] = 0;
      this.#hears[slot * n + other] = 0;
    }
    this.#used[slot] = 0;
    this.#active[slot] = 0;
    const at = this.#position[slot]!;
    const last = this.#members[--this.#size]!;
    this.#members[at] = last;
    this.#position[last] = at;
    this.#free[this.#freeCount++] = slot;
  }

  /** where the caller writes this tick's frame of `slot` */
  input(slot: number): Int16Array {
    return this.#inputs[slot]!;
  }

  /** what `slot` hears, after mix() */
  output(slot: number): Int16Array {
    return this.#outputs[slot]!;
  }

  /** an inactive member (silent, on hold, no packet this tick) is heard by nobody but still hears */
  setActive(slot: number, active: boolean): void {
    if (this.#isMember(slot)) this.#active[slot] = active ? 1 : 0;
  }

  /** whether `listener` hears `speaker`; a member never hears itself */
  setHears(listener: number, speaker: number, on: boolean): void {
    if (listener === speaker || !this.#isMember(listener) || !this.#isMember(speaker)) return;
    const at = listener * this.capacity + speaker;
    const value = on ? 1 : 0;
    if (this.#hears[at] === value) return;
    this.#hears[at] = value;
    this.#deaf[listener]! += on ? -1 : 1;
  }

  hears(listener: number, speaker: number): boolean {
    return this.#hears[listener * this.capacity + speaker] === 1;
  }

  mix(): void {
    const frame = this.frameSamples;
    const sum = this.#sum;
    let speakers = 0;
    for (let m = 0; m < this.#size; m++) {
      const slot = this.#members[m]!;
      if (this.#active[slot] === 0) continue;
      const input = this.#inputs[slot]!;
      // the first speaker is copied (a native widening copy) rather than added to zeros
      if (speakers++ === 0) sum.set(input);
      else for (let i = 0; i < frame; i++) sum[i] = sum[i]! + input[i]!;
    }
    for (let m = 0; m < this.#size; m++) {
      const listener = this.#members[m]!;
      const out = this.#outputs[listener]!;
      if (speakers === 0) out.fill(0);
      else if (this.#deaf[listener] === 0) this.#minusSelf(listener, out);
      else this.#matrix(listener, out, speakers);
    }
  }

  #minusSelf(listener: number, out: Int16Array): void {
    const sum = this.#sum;
    const frame = this.frameSamples;
    if (this.#active[listener] === 0) {
      for (let i = 0; i < frame; i++) {
        const v = sum[i]!;
        out[i] = v > MAX ? MAX : v < MIN ? MIN : v;
      }
      return;
    }
    const self = this.#inputs[listener]!;
    for (let i = 0; i < frame; i++) {
      const v = sum[i]! - self[i]!;
      out[i] = v > MAX ? MAX : v < MIN ? MIN : v;
    }
  }

  /** a listener with exceptions: subtract the few it does not hear, or add the few it does */
  #matrix(listener: number, out: Int16Array, speakers: number): void {
    const n = this.capacity;
    const row = listener * n;
    let heard = 0;
    for (let m = 0; m < this.#size; m++) {
      const s = this.#members[m]!;
      if (this.#active[s] === 1 && this.#hears[row + s] === 1) heard++;
    }
    const acc = this.#acc;
    const frame = this.frameSamples;
    const subtract = speakers - heard < heard;
    if (subtract) acc.set(this.#sum);
    else acc.fill(0);
    for (let m = 0; m < this.#size; m++) {
      const s = this.#members[m]!;
      if (this.#active[s] === 0 || (this.#hears[row + s] === 1) === subtract) continue;
      const input = this.#inputs[s]!;
      if (subtract) for (let i = 0; i < frame; i++) acc[i] = acc[i]! - input[i]!;
      else for (let i = 0; i < frame; i++) acc[i] = acc[i]! + input[i]!;
    }
    for (let i = 0; i < frame; i++) {
      const v = acc[i]!;
      out[i] = v > MAX ? MAX : v < MIN ? MIN : v;
    }
  }

  #isMember(slot: number): boolean {
    return slot >= 0 && slot < this.capacity && this.#used[slot] === 1;
  }
}
