// Turns per-chunk speech probabilities into utterances (pure; no clock, no I/O). Hysteresis as
// Silero's own get_speech_timestamps: speech starts at a chunk >= `onThreshold`, and ends after
// `minSilenceMs` of chunks below `offThreshold`, at the first of those chunks.

export interface VadSegment {
  /** ms from the start of the stream */
  readonly startMs: number;
  readonly endMs: number;
}

export interface SegmenterOptions {
  /** ms of audio each probability covers (Silero v5: 256 samples at 8 kHz = 32 ms) */
  chunkMs: number;
  onThreshold?: number;
  offThreshold?: number;
  /** silence that ends an utterance; shorter pauses (between words) do not */
  minSilenceMs?: number;
  /** utterances shorter than this are dropped (clicks) */
  minSpeechMs?: number;
}

export type SegmenterEvent = { type: 'start'; atMs: number } | { type: 'end'; segment: VadSegment };

export class VadSegmenter {
  readonly #chunkMs: number;
  readonly #on: number;
  readonly #off: number;
  readonly #minSilenceChunks: number;
  readonly #minSpeechMs: number;
  #chunk = 0;
  #speechStart = -1;
  #silenceStart = -1;

  constructor(options: SegmenterOptions) {
    this.#chunkMs = options.chunkMs;
    this.#on = options.onThreshold ?? 0.5;
    this.#off = options.offThreshold ?? 0.35;
    this.#minSilenceChunks = Math.max(1, Math.round((options.minSilenceMs ?? 300) / options.chunkMs));
    this.#minSpeechMs = options.minSpeechMs ?? 100;
  }

  /** one chunk's probability; returns what it started or ended, or null */
  push(probability: number): SegmenterEvent | null {
    const i = this.#chunk++;
    if (this.#speechStart < 0) {
      if (probability < this.#on) return null;
      this.#speechStart = i;
      this.#silenceStart = -1;
      return { type: 'start', atMs: i * this.#chunkMs };
    }
    if (probability >= this.#off) {
      this.#silenceStart = -1;
      return null;
    }
    if (this.#silenceStart < 0) this.#silenceStart = i;
    if (i - this.#silenceStart + 1 < this.#minSilenceChunks) return null;
    return this.#close(this.#silenceStart);
  }

  /** the stream ended: close an open utterance at its last speech chunk */
  flush(): SegmenterEvent | null {
    if (this.#speechStart < 0) return null;
    return this.#close(this.#silenceStart >= 0 ? this.#silenceStart : this.#chunk);
  }

  #close(endChunk: number): SegmenterEvent | null {
    const segment = { startMs: this.#speechStart * this.#chunkMs, endMs: endChunk * this.#chunkMs };
    this.#speechStart = -1;
    this.#silenceStart = -1;
    return segment.endMs - segment.startMs >= this.#minSpeechMs ? { type: 'end', segment } : null;
  }
}
