// Frame energy and an energy gate (voice activity by level): the mixer skips silent speakers with
// it, and recording/ASR can gate on it. Pure and allocation-free per frame.

/** the floor frameRmsDbfs answers for digital silence */
export const SILENCE_DBFS = -127;

/**
 * RMS of `samples` samples in dB relative to full scale (32768): a full-scale sine is -3.01 dBFS,
 * a full-scale square 0. Digital silence gives SILENCE_DBFS.
 */
export function frameRmsDbfs(pcm: Int16Array, samples: number): number {
  const n = Math.min(samples, pcm.length);
  if (n <= 0) return SILENCE_DBFS;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = pcm[i]!;
    sum += x * x;
  }
  if (sum === 0) return SILENCE_DBFS;
  return Math.max(SILENCE_DBFS, 10 * Math.log10(sum / n / (32768 * 32768)));
}

export interface EnergyGateOptions {
  /** duration of one frame given to process(). Default 20 ms */
  frameMs?: number;
  /** a frame is voice when this far above the noise floor. Default 9 dB */
  thresholdDb?: number;
  /** and above this absolute level (line noise, comfort noise stay out). Default -50 dBFS */
  minLevelDbfs?: number;
  /** the gate stays open this long after the last voice frame (word ends, short pauses). Default 300 ms */
  hangoverMs?: number;
  /** the noise floor is the quietest frame of this window. Default 1000 ms */
  floorWindowMs?: number;
}

/**
 * Voice activity by energy, with an adaptive noise floor: the floor is the minimum frame level
 * over the last `floorWindowMs` (minimum statistics: speech has gaps between syllables, steady
 * noise has none), so a noisy line raises the floor within a window and steady noise, however
 * loud, closes the gate after one window. A frame opens the gate when it is `thresholdDb` above
 * the floor and above `minLevelDbfs`; the gate closes `hangoverMs` after the last such frame.
 */
export class EnergyGate {
  readonly #threshold: number;
  readonly #minLevel: number;
  readonly #hangoverFrames: number;
  readonly #window: Float64Array;
  #at = 0;
  #filled = 0;
  #hangover = 0;
  #active = false;
  #level = SILENCE_DBFS;
  #floor = SILENCE_DBFS;

  constructor(o: EnergyGateOptions = {}) {
    const frameMs = o.frameMs ?? 20;
    this.#threshold = o.thresholdDb ?? 9;
    this.#minLevel = o.minLevelDbfs ?? -50;
    this.#hangoverFrames = Math.round((o.hangoverMs ?? 300) / frameMs);
    this.#window = new Float64Array(Math.max(1, Math.round((o.floorWindowMs ?? 1000) / frameMs)));
  }

  /** Measures one frame; true while the gate is open (voice, or within the hangover). */
  process(pcm: Int16Array, samples: number): boolean {
    const level = frameRmsDbfs(pcm, samples);
    this.#level = level;
    this.#window[this.#at] = level;
    this.#at = (this.#at + 1) % this.#window.length;
    if (this.#filled < this.#window.length) this.#filled++;
    let floor = level;
    for (let i = 0; i < this.#filled; i++) if (this.#window[i]! < floor) floor = this.#window[i]!;
    this.#floor = floor;
    if (level >= this.#minLevel && level >= floor + this.#threshold) {
      this.#active = true;
      this.#hangover = this.#hangoverFrames;
    } else if (this.#hangover > 0) this.#hangover--;
    else this.#active = false;
    return this.#active;
  }

  get active(): boolean {
    return this.#active;
  }

  /** level of the last frame, dBFS */
  get levelDbfs(): number {
    return this.#level;
  }

  /** current noise floor estimate, dBFS */
  get noiseFloorDbfs(): number {
    return this.#floor;
  }

  reset(): void {
    this.#at = 0;
    this.#filled = 0;
    this.#hangover = 0;
    this.#active = false;
    this.#level = SILENCE_DBFS;
    this.#floor = SILENCE_DBFS;
  }
}
