// In-band DTMF detection (ITU-T Q.23 frequencies, Q.24 acceptance limits) with the Goertzel
// algorithm (goertzel-bank.ts), for any session rate. Pure processor: the worker feeds decoded
// PCM, digits come back through `onDigit` when they end; nothing is allocated per frame except
// the reported digit.
//
// Blocks last 12.75 ms (102 samples at 8 kHz, 204 at 16 kHz, 612 at 48 kHz): short enough that
// the Q.24 duration limits (accept >= 40 ms, reject < 23 ms) map onto "three consecutive blocks"
// (a 40 ms tone always covers three blocks at least half, a 23 ms one never more than two), and
// long enough that the 78 Hz bins separate the rows (73..89 Hz apart). Each block is run as two
// Goertzel halves: their complex outputs give the block's spectrum and, from the phase advance
// between halves, the tone's actual frequency, which the bins alone cannot resolve to the ±1.5 %
// (accept) / ±3.5 % (reject) tolerance of Q.24. This file holds the Q.24 validity checks (per
// block, then over the whole digit) and the digit's tracking; the bank holds the filters.
import { GoertzelBank } from './goertzel-bank.js';

export const DTMF_ROWS: readonly number[] = [697, 770, 852, 941];
export const DTMF_COLUMNS: readonly number[] = [1209, 1336, 1477, 1633];
/** Q.23 keypad: DTMF_KEYS[row * 4 + column] */
export const DTMF_KEYS = '123A456B789C*0#D';

export interface DtmfDigit {
  /** '0'-'9', '*', '#', 'A'-'D' */
  digit: string;
  /** start of the first block that held the digit, on the caller's clock */
  startMs: number;
  /** from that start to the end of the last block that held it (resolution: one block) */
  durationMs: number;
}

export interface DtmfDetectorOptions {
  sampleRate: number;
  /** called once per accepted digit, when it ends (the digit's object is the only allocation) */
  onDigit: (digit: DtmfDigit) => void;
  /** lowest accepted level of each tone, dBm0 (0 dBm0 = a sine 3.14 dB below full scale, G.711). Default -30 */
  minLevelDbm0?: number;
  /** how much the row (low) tone may exceed the column tone, dB. Default 8 (Q.24 normal twist) */
  normalTwistDb?: number;
  /** how much the column (high) tone may exceed the row tone, dB. Default 4 (Q.24 reverse twist) */
  reverseTwistDb?: number;
}

const BLOCK_SECONDS = 0.01275;
/** over the digit, each tone must exceed the other bins of its group by this much (6 dB) */
const RELATIVE_PEAK = 10 ** (6 / 10);
/** in one block (3 dB): a block that holds the start or end of a tone leaks into the next bins */
const BLOCK_RELATIVE_PEAK = 10 ** (3 / 10);
/** 2nd harmonic of a column tone must stay this far below it (speech and music have harmonics).
 *  Rows are not checked: their 2nd harmonics (1394..1704 Hz) lie 38-93 Hz from a column tone of
 *  the same digit, whose leakage into that bin reaches -2 dB at +1.5 % and would reject true digits. */
const COLUMN_HARMONIC_DB = 10;
/** share of the block's energy the two tones must hold; also makes a half-covered block count */
const TONE_ENERGY_SHARE = 0.45;
/** per-block frequency gate (loose: phase estimates of one block carry some leakage) */
const BLOCK_FREQ_TOLERANCE = 0.04;
/** over the whole digit: midway between Q.24's ±1.5 % accept and ±3.5 % reject */
const DIGIT_FREQ_TOLERANCE = 0.025;
/** per-block twist allowance beyond the Q.24 limits (6 dB), for blocks a tone covers in part */
const BLOCK_TWIST_SLACK = 10 ** (6 / 10);
const MIN_HITS = 3;
/** blocks without the digit that end it: one lost block (a <= 10 ms interruption) is bridged */
const END_MISSES = 2;
/** 16-bit peak of a 0 dBm0 sine: full scale is +3.14 dBm0 (G.711 A-law) */
const DBM0_PEAK = 32768 / 10 ** (3.14 / 20);
/** the bank's frequencies: the 8 fundamentals (rows 0-3, columns 4-7), then their 2nd harmonics */
const FREQUENCIES: readonly number[] = [...DTMF_ROWS, ...DTMF_COLUMNS, ...DTMF_ROWS.map((f) => 2 * f), ...DTMF_COLUMNS.map((f) => 2 * f)];

export class DtmfDetector {
  readonly #rate: number;
  readonly #onDigit: (digit: DtmfDigit) => void;
  readonly #half: number;
  readonly #block: number;
  readonly #blockMs: number;
  readonly #minBin: number;
  readonly #normalTwist: number;
  readonly #reverseTwist: number;
  readonly #bank: GoertzelBank;
  #pos = 0; // samples into the current block
  #blockEnergy = 0;
  #blockStartMs = 0;
  // The digit being heard.
  #digit = -1;
  #hits = 0;
  #misses = 0;
  #startMs = 0;
  #lastHitEndMs = 0;
  #sumRowRe = 0;
  #sumRowIm = 0;
  #sumColRe = 0;
  #sumColIm = 0;
  readonly #sumEnergy = new Float64Array(8);

  constructor(o: DtmfDetectorOptions) {
    if (!(o.sampleRate >= 8000 && o.sampleRate <= 192000)) throw new RangeError(`DtmfDetector: sampleRate ${o.sampleRate}`);
    this.#rate = o.sampleRate;
    this.#onDigit = o.onDigit;
    this.#half = Math.round((o.sampleRate * BLOCK_SECONDS) / 2);
    this.#block = this.#half * 2;
    this.#blockMs = (this.#block * 1000) / o.sampleRate;
    const amp = DBM0_PEAK * 10 ** ((o.minLevelDbm0 ?? -30) / 20);
    this.#minBin = ((amp * this.#block) / 2) ** 2; // |X|² of a bin-centred sine of that peak
    this.#normalTwist = 10 ** ((o.normalTwistDb ?? 8) / 10);
    this.#reverseTwist = 10 ** ((o.reverseTwistDb ?? 4) / 10);
    this.#bank = new GoertzelBank({ sampleRate: o.sampleRate, halfSamples: this.#half, frequencies: FREQUENCIES, phaseBins: 8 });
  }

  /** Samples per analysis block (102 at 8 kHz). */
  get blockSamples(): number {
    return this.#block;
  }

  /** Feeds `samples` samples of `pcm`; `timeMs` is the time of pcm[0] on the caller's clock. */
  process(pcm: Int16Array, samples: number, timeMs: number): void {
    const n = Math.min(samples, pcm.length);
    const m = this.#half;
    let i = 0;
    while (i < n) {
      if (this.#pos === 0) this.#blockStartMs = timeMs + (i * 1000) / this.#rate;
      const inHalf = this.#pos < m ? this.#pos : this.#pos - m;
      const take = Math.min(n - i, m - inHalf);
      const end = i + take;
      let e = this.#blockEnergy;
      for (let j = i; j < end; j++) {
        const x = pcm[j]!;
        e += x * x;
      }
      this.#blockEnergy = e;
      this.#bank.feed(pcm, i, end);
      i = end;
      this.#pos += take;
      if (this.#pos === m) this.#bank.endFirstHalf();
      else if (this.#pos === this.#block) {
        this.#endBlock();
        this.#pos = 0;
      }
    }
  }

  /** Ends a digit in progress as if silence followed (end of stream); reports it if accepted. */
  flush(): void {
    this.#finish();
  }

  /** Forgets the partial block and any digit in progress without reporting it. */
  reset(): void {
    this.#pos = 0;
    this.#blockEnergy = 0;
    this.#bank.reset();
    this.#clearDigit();
  }

  #endBlock(): void {
    this.#bank.endBlock();
    const key = this.#classify();
    this.#blockEnergy = 0;
    this.#track(key);
  }

  /** The key index (row*4+col) this block holds, or -1. */
  #classify(): number {
    const en = this.#bank.energy;
    const total = this.#blockEnergy;
    if (total <= 0) return -1;
    let r = 0;
    let c = 4;
    for (let k = 1; k < 4; k++) if (en[k]! > en[r]!) r = k;
    for (let k = 5; k < 8; k++) if (en[k]! > en[c]!) c = k;
    const er = en[r]!;
    const ec = en[c]!;
    if (er < this.#minBin || ec < this.#minBin) return -1;
    // Q.24 twist, loosely here: a block the tone only partly covers skews the balance. The
    // digit's summed energies are held to the exact limits in #finish().
    if (er > ec * this.#normalTwist * BLOCK_TWIST_SLACK || ec > er * this.#reverseTwist * BLOCK_TWIST_SLACK) return -1;
    // Loose here too (a gated tone's spectrum is wide); the digit's sums get RELATIVE_PEAK_DB.
    if (!dominates(en, r, BLOCK_RELATIVE_PEAK) || !dominates(en, c, BLOCK_RELATIVE_PEAK)) return -1;
    if (en[c + 8]! > ec * 10 ** (-COLUMN_HARMONIC_DB / 10)) return -1;
    // A pure pair gives 2(|Xr|²+|Xc|²)/(N·Σx²) = 1; speech, music and noise spread their energy.
    if ((2 * (er + ec)) / (this.#block * total) < TONE_ENERGY_SHARE) return -1;
    if (!this.#frequencyOk(r, DTMF_ROWS[r]!, BLOCK_FREQ_TOLERANCE)) return -1;
    if (!this.#frequencyOk(c, DTMF_COLUMNS[c - 4]!, BLOCK_FREQ_TOLERANCE)) return -1;
    return r * 4 + (c - 4);
  }

  #frequencyOk(k: number, hz: number, tolerance: number): boolean {
    // A half that holds only the start or end of a tone has no usable phase: that gated burst
    // spreads the other tone's energy into this bin. Such blocks are judged by the digit's sum.
    const bank = this.#bank;
    if (!bank.phaseUsable(k)) return true;
    return Math.abs(bank.offsetHz(bank.qRe[k]!, bank.qIm[k]!)) <= hz * tolerance;
  }

  #track(key: number): void {
    if (key >= 0 && key === this.#digit) {
      this.#hit(key);
      return;
    }
    if (key >= 0) {
      this.#finish();
      this.#digit = key;
      this.#startMs = this.#blockStartMs;
      this.#hit(key);
      return;
    }
    if (this.#digit >= 0 && ++this.#misses >= END_MISSES) this.#finish();
  }

  #hit(key: number): void {
    const r = key >> 2;
    const c = 4 + (key & 3);
    const bank = this.#bank;
    this.#hits++;
    this.#misses = 0;
    this.#lastHitEndMs = this.#blockStartMs + this.#blockMs;
    for (let k = 0; k < 8; k++) this.#sumEnergy[k] = this.#sumEnergy[k]! + bank.energy[k]!;
    if (bank.phaseUsable(r)) {
      this.#sumRowRe += bank.qRe[r]!;
      this.#sumRowIm += bank.qIm[r]!;
    }
    if (bank.phaseUsable(c)) {
      this.#sumColRe += bank.qRe[c]!;
      this.#sumColIm += bank.qIm[c]!;
    }
  }

  #finish(): void {
    const key = this.#digit;
    if (key < 0) return;
    const r = key >> 2;
    const c = 4 + (key & 3);
    const sums = this.#sumEnergy;
    const er = sums[r]!;
    const ec = sums[c]!;
    const ok =
      this.#hits >= MIN_HITS &&
      dominates(sums, r, RELATIVE_PEAK) &&
      dominates(sums, c, RELATIVE_PEAK) &&
      er <= ec * this.#normalTwist &&
      ec <= er * this.#reverseTwist &&
      Math.abs(this.#bank.offsetHz(this.#sumRowRe, this.#sumRowIm)) <= DTMF_ROWS[key >> 2]! * DIGIT_FREQ_TOLERANCE &&
      Math.abs(this.#bank.offsetHz(this.#sumColRe, this.#sumColIm)) <= DTMF_COLUMNS[key & 3]! * DIGIT_FREQ_TOLERANCE;
    const startMs = this.#startMs;
    const durationMs = this.#lastHitEndMs - this.#startMs;
    this.#clearDigit();
    if (ok) this.#onDigit({ digit: DTMF_KEYS[key]!, startMs, durationMs });
  }

  #clearDigit(): void {
    this.#digit = -1;
    this.#hits = 0;
    this.#misses = 0;
    this.#sumRowRe = 0;
    this.#sumRowIm = 0;
    this.#sumColRe = 0;
    this.#sumColIm = 0;
    this.#sumEnergy.fill(0);
  }
}

/** Bin `k` exceeds every other bin of its group (rows 0-3, columns 4-7) by `ratio`. */
function dominates(energy: Float64Array, k: number, ratio: number): boolean {
  const from = k < 4 ? 0 : 4;
  for (let j = from; j < from + 4; j++) if (j !== k && energy[j]! * ratio > energy[k]!) return false;
  return true;
}
