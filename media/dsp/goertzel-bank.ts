// The filter bank under the in-band DTMF detector (dtmf-detector.ts): one Goertzel filter per
// frequency, each analysis block run as two halves. The halves' complex outputs give the block's
// spectrum and, from the phase advance between them, how far a tone sits from the bin's frequency,
// which the bins alone cannot resolve finely enough for Q.24. Allocation-free: the caller reads the
// results from the typed arrays below after endBlock().

export interface GoertzelBankOptions {
  sampleRate: number;
  /** samples in each half of a block */
  halfSamples: number;
  frequencies: readonly number[];
  /** the first `phaseBins` frequencies also get the half-to-half phase advance and half energies */
  phaseBins: number;
}

export class GoertzelBank {
  /** |X|² of each frequency over the whole block (valid after endBlock) */
  readonly energy: Float64Array;
  /** second half × conj(first half) of each phase bin: its angle is the tone's phase advance */
  readonly qRe: Float64Array;
  readonly qIm: Float64Array;
  /** |X|² of each phase bin over the first and the second half */
  readonly halfEnergy1: Float64Array;
  readonly halfEnergy2: Float64Array;
  readonly #rate: number;
  readonly #half: number;
  readonly #count: number;
  readonly #phaseBins: number;
  // Per frequency: Goertzel coefficient, cos, sin, output rotations.
  readonly #coef: Float64Array;
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #rotRe: Float64Array; // e^{-jω(M-1)}: Goertzel output → DFT at the half's start
  readonly #rotIm: Float64Array;
  readonly #halfRe: Float64Array; // e^{-jωM}: second half → block start
  readonly #halfIm: Float64Array;
  readonly #s1: Float64Array;
  readonly #s2: Float64Array;
  readonly #x1Re: Float64Array;
  readonly #x1Im: Float64Array;

  constructor(o: GoertzelBankOptions) {
    const n = o.frequencies.length;
    this.#rate = o.sampleRate;
    this.#half = o.halfSamples;
    this.#count = n;
    this.#phaseBins = o.phaseBins;
    this.energy = new Float64Array(n);
    this.qRe = new Float64Array(o.phaseBins);
    this.qIm = new Float64Array(o.phaseBins);
    this.halfEnergy1 = new Float64Array(o.phaseBins);
    this.halfEnergy2 = new Float64Array(o.phaseBins);
    this.#coef = new Float64Array(n);
    this.#cos = new Float64Array(n);
    this.#sin = new Float64Array(n);
    this.#rotRe = new Float64Array(n);
    this.#rotIm = new Float64Array(n);
    this.#halfRe = new Float64Array(n);
    this.#halfIm = new Float64Array(n);
    this.#s1 = new Float64Array(n);
    this.#s2 = new Float64Array(n);
    this.#x1Re = new Float64Array(n);
    this.#x1Im = new Float64Array(n);
    const m = o.halfSamples;
    for (let k = 0; k < n; k++) {
      const w = (2 * Math.PI * o.frequencies[k]!) / o.sampleRate;
      this.#cos[k] = Math.cos(w);
      this.#sin[k] = Math.sin(w);
      this.#coef[k] = 2 * Math.cos(w);
      this.#rotRe[k] = Math.cos(w * (m - 1));
      this.#rotIm[k] = -Math.sin(w * (m - 1));
      this.#halfRe[k] = Math.cos(w * m);
      this.#halfIm[k] = -Math.sin(w * m);
    }
  }

  /** Runs pcm[from..to) through every filter; the range must not cross the end of a half. */
  feed(pcm: Int16Array, from: number, to: number): void {
    for (let k = 0; k < this.#count; k++) {
      const c = this.#coef[k]!;
      let s1 = this.#s1[k]!;
      let s2 = this.#s2[k]!;
      for (let j = from; j < to; j++) {
        const s = pcm[j]! + c * s1 - s2;
        s2 = s1;
        s1 = s;
      }
      this.#s1[k] = s1;
      this.#s2[k] = s2;
    }
  }

  // Goertzel output y = s1 - e^{-jω}·s2 equals e^{jω(M-1)}·X, X the DFT at ω over the half.
  endFirstHalf(): void {
    for (let k = 0; k < this.#count; k++) {
      const s1 = this.#s1[k]!;
      const s2 = this.#s2[k]!;
      const yr = s1 - this.#cos[k]! * s2;
      const yi = this.#sin[k]! * s2;
      this.#x1Re[k] = yr * this.#rotRe[k]! - yi * this.#rotIm[k]!;
      this.#x1Im[k] = yr * this.#rotIm[k]! + yi * this.#rotRe[k]!;
      this.#s1[k] = 0;
      this.#s2[k] = 0;
    }
  }

  /** Fills energy, qRe/qIm and the half energies for the block that ends here. */
  endBlock(): void {
    for (let k = 0; k < this.#count; k++) {
      const s1 = this.#s1[k]!;
      const s2 = this.#s2[k]!;
      const yr = s1 - this.#cos[k]! * s2;
      const yi = this.#sin[k]! * s2;
      // DFT of the second half, referred to the block's start: Z2 = y·e^{-jω(M-1)}·e^{-jωM}
      const xr = yr * this.#rotRe[k]! - yi * this.#rotIm[k]!;
      const xi = yr * this.#rotIm[k]! + yi * this.#rotRe[k]!;
      const zr = xr * this.#halfRe[k]! - xi * this.#halfIm[k]!;
      const zi = xr * this.#halfIm[k]! + xi * this.#halfRe[k]!;
      const ar = this.#x1Re[k]!;
      const ai = this.#x1Im[k]!;
      const br = ar + zr;
      const bi = ai + zi;
      this.energy[k] = br * br + bi * bi;
      if (k < this.#phaseBins) {
        // Z2·conj(X1) = |X1|²·e^{j(ω_tone-ω)M} for a steady tone: its angle is the offset.
        this.qRe[k] = zr * ar + zi * ai;
        this.qIm[k] = zi * ar - zr * ai;
        this.halfEnergy1[k] = ar * ar + ai * ai;
        this.halfEnergy2[k] = zr * zr + zi * zi;
      }
      this.#s1[k] = 0;
      this.#s2[k] = 0;
    }
  }

  /** Forgets the partial block. */
  reset(): void {
    this.#s1.fill(0);
    this.#s2.fill(0);
  }

  /** Both halves of phase bin `k` carry at least a quarter of the stronger half's energy. */
  phaseUsable(k: number): boolean {
    const a = this.halfEnergy1[k]!;
    const b = this.halfEnergy2[k]!;
    return a * 4 >= b && b * 4 >= a;
  }

  /** The tone's offset from its bin (Hz) that a phase advance q over one half means. */
  offsetHz(qr: number, qi: number): number {
    return (Math.atan2(qi, qr) * this.#rate) / (2 * Math.PI * this.#half);
  }
}
