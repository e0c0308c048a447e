// Streaming sample-rate conversion between any two integer rates (session rates 8000/16000/48000,
// and whatever rate a WAV prompt was recorded at: 11025, 22050, 44100, ...).
//
// Method: band-limited interpolation with a Kaiser-windowed sinc, evaluated as a polyphase FIR.
// The output instant n sits at input time t = n·M/L (L/M = toRate/fromRate reduced); the filter
// phase is the fractional part p/L of t. When L is small enough every phase is tabulated exactly;
// for awkward ratios (44101 → 48000 has L = 48000) a table of INTERP_ROWS phases is linearly
// interpolated instead, so memory stays bounded whatever the rates.
//
// The low-pass cut-off sits just under the Nyquist frequency of the lower of the two rates, which is
// both the anti-alias filter when decimating and the anti-image filter when interpolating. The
// output is delayed by `taps / 2` input samples (`delay`, in output samples); `resampleAll` removes
// that delay for one-shot conversion of a whole prompt.
//
// The packet path allocates nothing: the coefficient table and the history buffer are made in the
// constructor, `process` writes into the caller's array and returns a count.

export type ResampleQuality = 'low' | 'medium' | 'high';

export interface ResamplerOptions {
  readonly fromRate: number;
  readonly toRate: number;
  /** default 'medium': flat to 87.5 % of the lower Nyquist, 70 dB stop band from the Nyquist on */
  readonly quality?: ResampleQuality;
  /**
   * Align output sample n with input time n · fromRate / toRate exactly (no filter delay): each
   * output then waits for `taps / 2` input samples of look-ahead, so until the input is flushed
   * with that many zeros the stream has produced `delay` fewer samples than the ratio gives.
   */
  readonly zeroDelay?: boolean;
}

interface Preset {
  /** pass-band edge, as a fraction of the lower rate's Nyquist frequency */
  readonly pass: number;
  /** stop-band attenuation in dB, from the Nyquist frequency upwards */
  readonly attenuation: number;
}

const PRESETS: Record<ResampleQuality, Preset> = {
  low: { pass: 0.8, attenuation: 50 },
  medium: { pass: 0.875, attenuation: 70 },
  high: { pass: 0.91, attenuation: 90 },
};

/** phases of the interpolated table when the exact one would be too big */
const INTERP_ROWS = 256;
/** largest exact table (L · taps coefficients) before falling back to interpolation */
const MAX_EXACT_COEFFS = 1 << 17;
/** input samples copied into the history buffer per inner block */
const BLOCK = 1024;
const MIN_RATE = 1000;
const MAX_RATE = 768000;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 12) */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's β for a stop-band attenuation in dB (Kaiser & Schafer, 1980) */
function kaiserBeta(a: number): number {
  if (a > 50) return 0.1102 * (a - 8.7);
  if (a >= 21) return 0.5842 * Math.pow(a - 21, 0.4) + 0.07886 * (a - 21);
  return 0;
}

export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  /** FIR taps per output sample (input samples each output depends on) */
  readonly taps: number;
  /** samples that did not fit the caller's `out` array and were dropped */
  overruns = 0;

  readonly #l: number;
  readonly #m: number;
  readonly #copy: boolean;
  readonly #exact: boolean;
  readonly #coef: Float64Array;
  readonly #buf: Float64Array;
  readonly #qStep: number;
  readonly #pStep: number;
  readonly #startQ: number;
  /** input samples consumed since construction/reset */
  #totalIn = 0;
  /** input index (absolute) and phase numerator of the next output sample */
  #q = 0;
  #p = 0;

  constructor(opts: ResamplerOptions) {
    // Bad rates are a programming error at set-up time, not packet data: clamp rather than throw.
    const from = Math.min(MAX_RATE, Math.max(MIN_RATE, Math.round(opts.fromRate) || MIN_RATE));
    const to = Math.min(MAX_RATE, Math.max(MIN_RATE, Math.round(opts.toRate) || MIN_RATE));
    this.fromRate = from;
    this.toRate = to;
    const g = gcd(from, to);
    this.#l = to / g;
    this.#m = from / g;
    this.#qStep = Math.floor(this.#m / this.#l);
    this.#pStep = this.#m % this.#l;
    this.#copy = from === to;
    if (this.#copy) {
      this.taps = 0;
      this.#exact = true;
      this.#coef = new Float64Array(0);
      this.#buf = new Float64Array(0);
      this.#startQ = 0;
      return;
    }
    const preset = PRESETS[opts.quality ?? 'medium'];
    // Frequencies in cycles per input sample.
    const nyquist = Math.min(from, to) / 2 / from;
    const cutoff = ((preset.pass + 1) / 2) * nyquist;
    const transition = (1 - preset.pass) * nyquist;
    // Kaiser's length estimate: N = (A − 7.95) / (14.36 · Δf).
    let taps = Math.ceil((preset.attenuation - 7.95) / (14.36 * transition));
    taps += taps % 2;
    this.taps = Math.max(8, taps);
    this.#exact = this.#l * this.taps <= MAX_EXACT_COEFFS;
    const rows = this.#exact ? this.#l : INTERP_ROWS + 1;
    this.#coef = new Float64Array(rows * this.taps);
    this.#fillTable(rows, cutoff, kaiserBeta(preset.attenuation));
    this.#buf = new Float64Array(this.taps - 1 + BLOCK);
    // Starting the output clock taps/2 (an integer) input samples late centres the kernel on n·M/L.
    this.#startQ = opts.zeroDelay ? this.taps / 2 : 0;
    this.#q = this.#startQ;
  }

  /** the filter's delay (or with `zeroDelay`, its look-ahead), in output samples */
  get delay(): number {
    return this.#copy ? 0 : ((this.taps / 2) * this.#l) / this.#m;
  }

  /** the most samples `process` can write for `inSamples` input samples */
  outputCapacity(inSamples: number): number {
    return this.#copy ? inSamples : Math.ceil((inSamples * this.#l) / this.#m);
  }

  /** forget the history, as if just constructed */
  reset(): void {
    this.#buf.fill(0);
    this.#totalIn = 0;
    this.#q = this.#startQ;
    this.#p = 0;
  }

  /**
   * Converts `inSamples` samples of `input` and writes the output into `out` from index 0; returns
   * the count. Over a stream the counts add up to exactly ceil(totalIn · toRate / fromRate):
   * 160 in gives 960 out for 8000 → 48000, 882 in gives 160 out for 44100 → 8000.
   */
  process(input: Int16Array, inSamples: number, out: Int16Array): number {
    const n = Math.max(0, Math.min(inSamples, input.length));
    if (this.#copy) {
      const w = Math.min(n, out.length);
      for (let i = 0; i < w; i++) out[i] = input[i]!;
      this.overruns += n - w;
      return w;
    }
    const taps = this.taps;
    const hist = taps - 1;
    const buf = this.#buf;
    const coef = this.#coef;
    const l = this.#l;
    const exact = this.#exact;
    let written = 0;
    let consumed = 0;
    while (consumed < n) {
      const take = Math.min(BLOCK, n - consumed);
      for (let i = 0; i < take; i++) buf[hist + i] = input[consumed + i]!;
      consumed += take;
      // buf[0] holds input sample number bufStart.
      const bufStart = this.#totalIn - hist;
      this.#totalIn += take;
      const last = this.#totalIn - 1;
      while (this.#q <= last) {
        // y[n] = Σ_j x[q − j] · h_p[j]
        const at = this.#q - bufStart;
        let acc = 0;
        if (exact) {
          // Taps are stored newest-sample-last, so both indices run forwards.
          const row = this.#p * taps;
          const first = at - taps + 1;
          for (let j = 0; j < taps; j++) acc += buf[first + j]! * coef[row + j]!;
        } else {
          const pos = (this.#p * INTERP_ROWS) / l;
          const r = Math.floor(pos);
          const f = pos - r;
          const row0 = r * taps;
          const row1 = row0 + taps;
          const first = at - taps + 1;
          for (let j = 0; j < taps; j++) {
            const c0 = coef[row0 + j]!;
            acc += buf[first + j]! * (c0 + f * (coef[row1 + j]! - c0));
          }
        }
        if (written < out.length) {
          const v = Math.round(acc);
          out[written++] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
        } else {
          this.overruns++;
        }
        this.#p += this.#pStep;
        this.#q += this.#qStep;
        if (this.#p >= l) {
          this.#p -= l;
          this.#q++;
        }
      }
      buf.copyWithin(0, take, take + hist);
    }
    return written;
  }

  /**
   * Row r holds the taps for fractional phase φ (r/L exact, r/INTERP_ROWS interpolated):
   * h[j] = g(φ + j − taps/2), g the windowed sinc with unit DC gain. Each row is normalised to sum
   * to 1 so that no phase changes the level (which would modulate it at the phase rate).
   */
  #fillTable(rows: number, cutoff: number, beta: number): void {
    const taps = this.taps;
    const half = taps / 2;
    const i0beta = besselI0(beta);
    const denom = this.#exact ? this.#l : INTERP_ROWS;
    for (let r = 0; r < rows; r++) {
      const phi = r / denom;
      let sum = 0;
      for (let j = 0; j < taps; j++) {
        const t = phi + j - half;
        const x = t / half;
        const w = x <= -1 || x >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / i0beta;
        const a = 2 * cutoff * t;
        const sinc = a === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a);
        const h = 2 * cutoff * sinc * w;
        this.#coef[r * taps + (taps - 1 - j)] = h;
        sum += h;
      }
      if (sum !== 0) for (let j = 0; j < taps; j++) this.#coef[r * taps + j]! /= sum;
    }
  }
}

export interface ResampleAllOptions {
  readonly input: Int16Array;
  readonly fromRate: number;
  readonly toRate: number;
  readonly quality?: ResampleQuality;
}

/**
 * Converts a whole clip at once (a prompt at load time, not the packet path: it allocates), aligned
 * with the input (no filter delay) and exactly ceil(length · toRate / fromRate) samples long.
 */
export function resampleAll(opts: ResampleAllOptions): Int16Array {
  const r = new Resampler({ ...opts, zeroDelay: true });
  const len = opts.input.length;
  const want = r.outputCapacity(len);
  if (r.taps === 0) return opts.input.slice();
  // Zeros after the clip flush the look-ahead out.
  const tail = new Int16Array(r.taps / 2 + 1);
  const all = new Int16Array(want + r.outputCapacity(tail.length) + 1);
  const a = r.process(opts.input, len, all);
  r.process(tail, tail.length, all.subarray(a));
  return all.slice(0, want);
}
