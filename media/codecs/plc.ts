/**
 * Packet-loss concealment on decoded PCM for the codecs without their own (G.711, G.722, L16),
 * after ITU-T G.711 Appendix I (waveform substitution):
 * - at the start of an erasure the pitch period is estimated from the history (normalized
 *   cross-correlation, 5..15 ms, coarse search on a decimated grid then refined) and the last period
 *   is repeated; after 10 ms the last two periods, after 20 ms the last three (I.2.2: "the number of
 *   pitch periods used ... is increased"), so a long gap does not buzz;
 * - from 10 ms on, the output fades by 20% every 10 ms and is silent from 60 ms on (I.2.3);
 * - the first good frame after an erasure is cross-faded with the continuing synthetic signal over
 *   a quarter pitch period plus 4 ms for each further 10 ms lost, at most 10 ms (I.2.4).
 * Unlike Appendix I we add no 3.75 ms output delay (the engine's jitter buffer owns latency), so the
 * start of an erasure relies on the period boundary matching instead of an overlap-add.
 * All state lives in this instance; nothing allocates after the constructor.
 */
export class WaveformPlc {
  readonly #minPitch: number;
  readonly #maxPitch: number;
  readonly #window: number;
  readonly #step: number;
  readonly #samplesPer10ms: number;
  /** the most recent output (decoded or concealed), oldest first */
  readonly #history: Int16Array;
  /** the last three periods as they were when the erasure began */
  readonly #periodBuffer: Int16Array;
  #pitch = 0;
  #offset = 0;
  /** samples concealed in the current erasure; 0 while packets arrive */
  #lost = 0;

  constructor(options: { sampleRate: number }) {
    const perMs = options.sampleRate / 1000;
    this.#samplesPer10ms = 10 * perMs;
    this.#minPitch = Math.round(5 * perMs);
    this.#maxPitch = Math.round(15 * perMs);
    this.#window = 20 * perMs;
    this.#step = Math.max(1, Math.round(perMs / 4)); // 4 kHz grid for the coarse search
    this.#history = new Int16Array(Math.ceil(3.25 * this.#maxPitch) + this.#window);
    this.#periodBuffer = new Int16Array(3 * this.#maxPitch);
  }

  /** true while concealing (after conceal(), until the next decoded frame) */
  get concealing(): boolean {
    return this.#lost > 0;
  }

  /** Call with every decoded frame: smooths the first one after an erasure in place and keeps history. */
  decoded(pcm: Int16Array, samples: number): void {
    if (this.#lost > 0) {
      const extraTens = Math.max(0, Math.ceil(this.#lost / this.#samplesPer10ms) - 1);
      const fade = Math.min(samples, this.#samplesPer10ms, (this.#pitch >> 2) + extraTens * 0.4 * this.#samplesPer10ms);
      for (let i = 0; i < fade; i++) {
        const w = (i + 1) / (fade + 1);
        pcm[i] = Math.round(w * pcm[i]! + (1 - w) * this.#nextSynthetic());
      }
      this.#lost = 0;
    }
    this.#remember(pcm, samples);
  }

  /** Fills `samples` samples of substitute signal for a lost frame; returns the count written. */
  conceal(out: Int16Array, samples: number): number {
    const n = Math.min(samples, out.length);
    if (this.#lost === 0) this.#begin();
    for (let i = 0; i < n; i++) out[i] = this.#nextSynthetic();
    this.#remember(out, n);
    return n;
  }

  #begin(): void {
    this.#pitch = this.#findPitch();
    const h = this.#history;
    this.#periodBuffer.set(h.subarray(h.length - this.#periodBuffer.length));
    this.#offset = 0;
  }

  /** One sample of the repeated waveform, advancing the erasure clock. */
  #nextSynthetic(): number {
    const elapsed = this.#lost++;
    const ten = this.#samplesPer10ms;
    if (elapsed >= 6 * ten) return 0;
    const periods = elapsed < ten ? 1 : elapsed < 2 * ten ? 2 : 3;
    const span = periods * this.#pitch;
    if (this.#offset >= span) this.#offset = 0;
    // Phase is kept across a change of `periods`: offset counts from a period boundary either way.
    const value = this.#periodBuffer[this.#periodBuffer.length - span + this.#offset]!;
    this.#offset++;
    const gain = elapsed < ten ? 1 : 1 - (0.2 * (elapsed - ten)) / ten;
    return Math.round(value * gain);
  }

  #remember(pcm: Int16Array, samples: number): void {
    const h = this.#history;
    if (samples >= h.length) {
      h.set(pcm.subarray(samples - h.length, samples));
      return;
    }
    h.copyWithin(0, samples);
    for (let i = 0; i < samples; i++) h[h.length - samples + i] = pcm[i]!;
  }

  /** Lag in [minPitch, maxPitch] maximizing the normalized correlation of the last window with its past. */
  #findPitch(): number {
    const step = this.#step;
    let best = this.#searchLags(this.#minPitch, this.#maxPitch, step, step);
    // Refine at full resolution around the coarse winner.
    best = this.#searchLags(Math.max(this.#minPitch, best - step), Math.min(this.#maxPitch, best + step), 1, 1);
    return best;
  }

  #searchLags(from: number, to: number, lagStep: number, sampleStep: number): number {
    const h = this.#history;
    const end = h.length;
    const start = end - this.#window;
    let bestLag = from;
    let bestScore = -Infinity;
    for (let lag = from; lag <= to; lag += lagStep) {
      let cross = 0;
      let energy = 0;
      for (let i = start; i < end; i += sampleStep) {
        const past = h[i - lag]!;
        cross += h[i]! * past;
        energy += past * past;
      }
      // Maximizing cross/sqrt(energy) without the root; a negative correlation never wins.
      const score = energy > 0 ? (cross > 0 ? (cross * cross) / energy : -(cross * cross) / energy) : 0;
      if (score > bestScore) {
        bestScore = score;
        bestLag = lag;
      }
    }
    return bestLag;
  }
}
