// Sources of 20 ms PCM frames: a decoded prompt or a TTS stream (PcmSource), and a loop over any
// resettable source (LoopSource, music on hold). The tone generator in media/dsp has the same
// `read(out, samples)` shape and can be queued on a Player as it is.

import { Resampler } from '../dsp/resample.js';

/** anything that fills 20 ms frames of mono 16-bit PCM at the session's rate */
export interface FrameSource {
  /**
   * Writes up to `samples` samples into `out` from index 0 and returns how many; fewer than asked
   * means the source has ended (and the rest of `out` is untouched).
   */
  read(out: Int16Array, samples: number): number;
  /** rewinds to the start, where the source can */
  reset?(): void;
}

export interface ResettableSource extends FrameSource {
  reset(): void;
}

export interface PcmSourceOptions {
  /** the session rate: what `read` delivers */
  readonly sampleRate: number;
  /**
   * A whole clip already at `sampleRate` (a decoded prompt): the source is complete, and the array
   * is only read, so one cached prompt can feed any number of calls.
   */
  readonly samples?: Int16Array;
  /** cap on what pushes may hold, in samples at `sampleRate` (default ten minutes) */
  readonly maxSamples?: number;
}

/**
 * PCM from a decoded prompt, or pushed in chunks while it is made (TTS: `push(pcm, rate)` as
 * audio arrives, `end()` after the last chunk). Pushed audio at another rate is converted on the
 * way in. While a stream has not ended and has nothing buffered, `read` answers silence (a full
 * frame, counted in `underruns`) so that the item keeps its place in the Player's queue.
 * Everything pushed is kept, so `reset()` replays from the start (a LoopSource over TTS works).
 */
export class PcmSource implements ResettableSource {
  readonly sampleRate: number;
  /** frames answered with silence because a stream had not caught up */
  underruns = 0;
  /** samples dropped by `push`: beyond `maxSamples`, after `end()`, or at an impossible rate */
  dropped = 0;

  #data: Int16Array;
  #length: number;
  #pos = 0;
  #ended: boolean;
  readonly #max: number;
  #resampler: Resampler | null = null;
  /** input taken and output given by the current converter, to flush exactly what it owes */
  #rsIn = 0;
  #rsOut = 0;
  #scratch = new Int16Array(0);

  constructor(opts: PcmSourceOptions) {
    this.sampleRate = opts.sampleRate;
    this.#max = opts.maxSamples ?? opts.sampleRate * 600;
    if (opts.samples) {
      this.#data = opts.samples;
      this.#length = opts.samples.length;
      this.#ended = true;
    } else {
      this.#data = new Int16Array(Math.min(this.#max, opts.sampleRate));
      this.#length = 0;
      this.#ended = false;
    }
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** samples buffered and not yet read */
  get buffered(): number {
    return this.#length - this.#pos;
  }

  /**
   * Appends a chunk recorded at `rate` (converted to the session rate here; a stream keeps one
   * rate, a change of rate restarts the converter). Allocates when the buffer grows: this runs
   * when a TTS chunk arrives, not on every frame. Returns false when nothing could be taken.
   */
  push(pcm: Int16Array, rate: number): boolean {
    if (this.#ended || !Number.isInteger(rate) || rate < 1000 || rate > 768000) {
      this.dropped += pcm.length;
      return false;
    }
    if (rate === this.sampleRate) {
      this.#flushResampler();
      return this.#append(pcm, pcm.length);
    }
    if (!this.#resampler || this.#resampler.fromRate !== rate) {
      this.#flushResampler();
      this.#resampler = new Resampler({ fromRate: rate, toRate: this.sampleRate, zeroDelay: true });
    }
    const r = this.#resampler;
    const need = r.outputCapacity(pcm.length);
    if (this.#scratch.length < need) this.#scratch = new Int16Array(need);
    const n = r.process(pcm, pcm.length, this.#scratch);
    this.#rsIn += pcm.length;
    this.#rsOut += n;
    return this.#append(this.#scratch, n);
  }

  /** no more pushes: the source ends once what is buffered has been read */
  end(): void {
    if (this.#ended) return;
    this.#flushResampler();
    this.#ended = true;
  }

  /**
   * The converter looks taps/2 input samples ahead: zeros push the rest of the stream out, so a
   * stream converted in chunks is exactly ceil(in · to / from) samples long.
   */
  #flushResampler(): void {
    const r = this.#resampler;
    if (!r) return;
    this.#resampler = null;
    const zeros = new Int16Array(r.taps / 2 + 1);
    const out = new Int16Array(r.outputCapacity(zeros.length) + 1);
    const n = r.process(zeros, zeros.length, out);
    const owed = Math.max(0, Math.min(n, r.outputCapacity(this.#rsIn) - this.#rsOut));
    this.#rsIn = 0;
    this.#rsOut = 0;
    this.#append(out, owed);
  }

  #append(chunk: Int16Array, n: number): boolean {
    const take = Math.max(0, Math.min(n, this.#max - this.#length));
    this.dropped += n - take;
    if (take <= 0) return n === 0;
    if (this.#length + take > this.#data.length) {
      const grown = new Int16Array(Math.min(this.#max, Math.max(this.#length + take, this.#data.length * 2)));
      grown.set(this.#data.subarray(0, this.#length));
      this.#data = grown;
    }
    for (let i = 0; i < take; i++) this.#data[this.#length + i] = chunk[i]!;
    this.#length += take;
    return true;
  }

  read(out: Int16Array, samples: number): number {
    const want = Math.max(0, Math.min(samples, out.length));
    const n = Math.min(want, this.#length - this.#pos);
    const data = this.#data;
    for (let i = 0, at = this.#pos; i < n; i++, at++) out[i] = data[at]!;
    this.#pos += n;
    if (n < want && !this.#ended) {
      out.fill(0, n, want);
      this.underruns++;
      return want;
    }
    return n;
  }

  reset(): void {
    this.#pos = 0;
  }
}

export interface LoopSourceOptions {
  readonly source: ResettableSource;
  /** the largest frame `read` will be asked for (default 960, 20 ms at 48 kHz); grows if needed */
  readonly maxFrame?: number;
}

/**
 * Music on hold: plays a source forever. When the source ends mid-frame it is rewound and the
 * frame is completed from its start, so the loop point sits between two samples with nothing
 * added or lost. A source that yields nothing even after a rewind loops silence.
 */
export class LoopSource implements ResettableSource {
  /** times the source was rewound */
  loops = 0;
  readonly #source: ResettableSource;
  #scratch: Int16Array;

  constructor(opts: LoopSourceOptions) {
    this.#source = opts.source;
    this.#scratch = new Int16Array(opts.maxFrame ?? 960);
  }

  read(out: Int16Array, samples: number): number {
    const want = Math.max(0, Math.min(samples, out.length));
    let filled = this.#source.read(out, want);
    while (filled < want) {
      this.#source.reset();
      this.loops++;
      const rest = want - filled;
      if (this.#scratch.length < rest) this.#scratch = new Int16Array(rest);
      const n = this.#source.read(this.#scratch, rest);
      for (let i = 0; i < n; i++) out[filled + i] = this.#scratch[i]!;
      filled += n;
      // A source with nothing in it right after a rewind would spin here for ever.
      if (n === 0) {
        out.fill(0, filled, want);
        filled = want;
      }
    }
    return want;
  }

  reset(): void {
    this.#source.reset();
  }
}
