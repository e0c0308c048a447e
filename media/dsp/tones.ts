// Call-progress tones (dial, ringback, busy, congestion) per country, and in-band DTMF digits, as
// frame sources: `read(out, samples)` writes the next samples at any session rate. A shared sine
// table and one phase accumulator per component; nothing is allocated per read.
import { DTMF_COLUMNS, DTMF_KEYS, DTMF_ROWS } from './dtmf-detector.js';

export type ToneKind = 'ringback' | 'busy' | 'congestion' | 'dial';

export interface ToneSpec {
  /** frequencies summed, Hz */
  readonly hz: readonly number[];
  /** on/off times in ms, repeated (on, off, on, off...); empty = continuous */
  readonly cadenceMs: readonly number[];
  /** amplitude modulation (Japan's ringback: 400 Hz modulated by 16 Hz) */
  readonly modulationHz?: number;
}

export type ToneProfile = Readonly<Record<ToneKind, ToneSpec>>;

const t = (hz: number[], cadenceMs: number[], modulationHz?: number): ToneSpec => (modulationHz === undefined ? { hz, cadenceMs } : { hz, cadenceMs, modulationHz });

/** ITU-T E.180 Supplement 2 (tones in national networks), as data. */
export const TONE_PROFILES: Readonly<Record<string, ToneProfile>> = {
  cn: { dial: t([450], []), ringback: t([450], [1000, 4000]), busy: t([450], [350, 350]), congestion: t([450], [700, 700]) },
  us: { dial: t([350, 440], []), ringback: t([440, 480], [2000, 4000]), busy: t([480, 620], [500, 500]), congestion: t([480, 620], [250, 250]) },
  uk: { dial: t([350, 440], []), ringback: t([400, 450], [400, 200, 400, 2000]), busy: t([400], [375, 375]), congestion: t([400], [400, 350, 225, 525]) },
  de: { dial: t([425], []), ringback: t([425], [1000, 4000]), busy: t([425], [480, 480]), congestion: t([425], [240, 240]) },
  /** CEPT/ETSI recommended European tones */
  eu: { dial: t([425], []), ringback: t([425], [1000, 4000]), busy: t([425], [500, 500]), congestion: t([425], [250, 250]) },
  jp: { dial: t([400], []), ringback: t([400], [1000, 2000], 16), busy: t([400], [500, 500]), congestion: t([400], [500, 500]) },
  tw: { dial: t([350, 440], []), ringback: t([440, 480], [1000, 2000]), busy: t([480, 620], [500, 500]), congestion: t([480, 620], [250, 250]) },
  hk: { dial: t([350, 440], []), ringback: t([440, 480], [400, 200, 400, 3000]), busy: t([480, 620], [500, 500]), congestion: t([480, 620], [250, 250]) },
};

export const DEFAULT_TONE_COUNTRY = 'cn';

/** 16-bit peak of a 0 dBm0 sine: full scale is +3.14 dBm0 (G.711 A-law) */
export const DBM0_PEAK = 32768 / 10 ** (3.14 / 20);

const TABLE_BITS = 12;
const TABLE_SIZE = 1 << TABLE_BITS;
/** sin over one turn, TABLE_SIZE + 1 points (the last repeats the first for interpolation) */
const SINE = Float32Array.from({ length: TABLE_SIZE + 1 }, (_, i) => Math.sin((2 * Math.PI * i) / TABLE_SIZE));
/** (0.5 + 0.5·sin) has mean square 3/8: dividing by its root keeps a modulated tone's level */
const AM_GAIN = 1 / Math.sqrt(0.375);

/** sin(2π·phase) for phase in [0, 1), by linear interpolation in the table. */
function sine(tab: Float32Array, phase: number): number {
  const x = phase * TABLE_SIZE;
  const i = x | 0;
  const a = tab[i]!;
  return a + (tab[i + 1]! - a) * (x - i);
}

export interface FrameReader {
  /** writes up to `samples` samples from out[0]; fewer means the source has ended */
  read(out: Int16Array, samples: number): number;
}

export interface ToneGeneratorOptions {
  spec: ToneSpec;
  sampleRate: number;
  /** total level of the tone (all components together), dBm0. Default -13 */
  levelDbm0?: number;
}

/** A cadenced (or continuous) tone that never ends. */
export class ToneGenerator implements FrameReader {
  readonly #tab = SINE;
  readonly #inc: Float64Array;
  readonly #phase: Float64Array;
  readonly #amp: number;
  readonly #modInc: number;
  #modPhase = 0;
  readonly #segments: Int32Array; // samples per on/off segment
  #segment = 0;
  #left: number; // samples left in the current segment

  constructor(o: ToneGeneratorOptions) {
    const n = o.spec.hz.length;
    this.#inc = Float64Array.from(o.spec.hz, (hz) => hz / o.sampleRate);
    this.#phase = new Float64Array(n);
    // Equal components whose powers add up to the level: n·a²/2 = (peak0·10^(L/20))²/2.
    this.#amp = (DBM0_PEAK * 10 ** ((o.levelDbm0 ?? -13) / 20)) / Math.sqrt(Math.max(1, n));
    this.#modInc = (o.spec.modulationHz ?? 0) / o.sampleRate;
    this.#segments = Int32Array.from(o.spec.cadenceMs, (ms) => Math.round((ms * o.sampleRate) / 1000));
    this.#left = this.#segments.length > 0 ? this.#segments[0]! : 0;
  }

  read(out: Int16Array, samples: number): number {
    const n = Math.min(samples, out.length);
    if (this.#segments.length === 0) {
      this.#synth(out, 0, n);
      return n;
    }
    let i = 0;
    while (i < n) {
      if (this.#left === 0) {
        this.#segment = (this.#segment + 1) % this.#segments.length;
        this.#left = this.#segments[this.#segment]!;
        if ((this.#segment & 1) === 0) this.#restart();
        continue;
      }
      const take = Math.min(n - i, this.#left);
      if ((this.#segment & 1) === 0) this.#synth(out, i, i + take);
      else out.fill(0, i, i + take);
      i += take;
      this.#left -= take;
    }
    return n;
  }

  /** Back to the start of the cadence. */
  reset(): void {
    this.#segment = 0;
    this.#left = this.#segments.length > 0 ? this.#segments[0]! : 0;
    this.#restart();
  }

  // Each burst starts at phase 0, as a tone switched on.
  #restart(): void {
    this.#phase.fill(0);
    this.#modPhase = 0;
  }

  #synth(out: Int16Array, from: number, to: number): void {
    const tab = this.#tab;
    const k = this.#inc.length;
    for (let i = from; i < to; i++) {
      let v = 0;
      for (let c = 0; c < k; c++) {
        const p = this.#phase[c]!;
        v += sine(tab, p);
        const q = p + this.#inc[c]!;
        this.#phase[c] = q >= 1 ? q - 1 : q;
      }
      if (this.#modInc > 0) {
        // 100 % amplitude modulation at the same level as the plain carrier.
        v *= AM_GAIN * (0.5 + 0.5 * sine(tab, this.#modPhase));
        const m = this.#modPhase + this.#modInc;
        this.#modPhase = m >= 1 ? m - 1 : m;
      }
      out[i] = Math.round(v * this.#amp);
    }
  }
}

export interface CreateToneOptions {
  kind: ToneKind;
  /** a key of TONE_PROFILES; unknown or missing: 'cn' */
  country?: string;
  sampleRate: number;
  levelDbm0?: number;
}

export function createTone(o: CreateToneOptions): ToneGenerator {
  const profile = TONE_PROFILES[o.country ?? DEFAULT_TONE_COUNTRY] ?? TONE_PROFILES[DEFAULT_TONE_COUNTRY]!;
  return new ToneGenerator({ spec: profile[o.kind], sampleRate: o.sampleRate, ...(o.levelDbm0 === undefined ? {} : { levelDbm0: o.levelDbm0 }) });
}

export interface DtmfToneOptions {
  /** characters that are not DTMF digits are skipped */
  digits: string;
  sampleRate: number;
  /** tone time per digit. Default 100 ms */
  durationMs?: number;
  /** silence after each digit. Default 100 ms */
  gapMs?: number;
  /** level of the row (low) tone, dBm0; the column tone is 2 dB higher (within Q.24 twist). Default -8 */
  levelDbm0?: number;
}

/** In-band DTMF (Q.23 frequency pairs) for phones that did not negotiate telephone-event. Ends after the last gap. */
export class DtmfToneSource implements FrameReader {
  readonly #tab = SINE;
  readonly #keys: Int8Array;
  readonly #on: number;
  readonly #off: number;
  readonly #rowAmp: number;
  readonly #colAmp: number;
  readonly #rate: number;
  #index = 0;
  #pos = 0; // samples into the current digit (tone then gap)
  #rowPhase = 0;
  #colPhase = 0;

  constructor(o: DtmfToneOptions) {
    const keys: number[] = [];
    for (const ch of o.digits.toUpperCase()) {
      const k = DTMF_KEYS.indexOf(ch);
      if (k >= 0) keys.push(k);
    }
    this.#keys = Int8Array.from(keys);
    this.#rate = o.sampleRate;
    this.#on = Math.round(((o.durationMs ?? 100) * o.sampleRate) / 1000);
    this.#off = Math.round(((o.gapMs ?? 100) * o.sampleRate) / 1000);
    const level = o.levelDbm0 ?? -8;
    this.#rowAmp = DBM0_PEAK * 10 ** (level / 20);
    this.#colAmp = DBM0_PEAK * 10 ** ((level + 2) / 20);
  }

  read(out: Int16Array, samples: number): number {
    const n = Math.min(samples, out.length);
    const tab = this.#tab;
    let i = 0;
    while (i < n && this.#index < this.#keys.length) {
      const key = this.#keys[this.#index]!;
      const rowInc = DTMF_ROWS[key >> 2]! / this.#rate;
      const colInc = DTMF_COLUMNS[key & 3]! / this.#rate;
      for (; i < n && this.#pos < this.#on; i++, this.#pos++) {
        out[i] = Math.round(sine(tab, this.#rowPhase) * this.#rowAmp + sine(tab, this.#colPhase) * this.#colAmp);
        this.#rowPhase += rowInc;
        if (this.#rowPhase >= 1) this.#rowPhase -= 1;
        this.#colPhase += colInc;
        if (this.#colPhase >= 1) this.#colPhase -= 1;
      }
      const gap = Math.min(n - i, this.#on + this.#off - this.#pos);
      out.fill(0, i, i + gap);
      i += gap;
      this.#pos += gap;
      if (this.#pos >= this.#on + this.#off) {
        this.#index++;
        this.#pos = 0;
        this.#rowPhase = 0;
        this.#colPhase = 0;
      }
    }
    return i;
  }
}
