// WAV side of a recording: interleaves frames into the chunk queue and keeps the header's sizes
// true after every flush, so a process killed mid-call leaves a file that decodes up to the last
// flush.
import os from 'node:os';
import { ChunkQueue, type ChunkFile } from './chunk-queue.js';
import { WAV_HEADER_BYTES, writeWavHeader } from './wav-header.js';

export interface WavWriterOptions {
  readonly file: ChunkFile;
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  readonly flushMs: number;
  readonly maxChunks: number;
}

// Samples go into the chunk through an Int16Array view, which has the machine's byte order; WAV is
// little-endian. Every platform Node ships for (x64, arm64, ...) is; refuse loudly otherwise.
const LITTLE_ENDIAN = os.endianness() === 'LE';

export class WavWriter {
  readonly #queue: ChunkQueue;
  readonly #channels: 1 | 2;
  readonly #sampleRate: number;
  readonly #header = Buffer.alloc(WAV_HEADER_BYTES);
  #samples = 0;

  /** Writes the header (sizes 0) at open, before any audio, so even an empty file is a valid WAV. */
  static async create(options: WavWriterOptions): Promise<WavWriter> {
    if (!LITTLE_ENDIAN) throw new Error('WAV recording needs a little-endian machine');
    const w = new WavWriter(options);
    writeWavHeader(w.#header, { sampleRate: options.sampleRate, channels: options.channels, dataBytes: 0 });
    await options.file.write(w.#header, 0, WAV_HEADER_BYTES, 0);
    return w;
  }

  private constructor(options: WavWriterOptions) {
    this.#channels = options.channels;
    this.#sampleRate = options.sampleRate;
    const blockAlign = options.channels * 2;
    // One flush interval of audio plus a quarter for ticks that run late, in whole sample frames.
    const perFlush = Math.ceil((options.sampleRate * options.flushMs * 1.25) / 1000);
    this.#queue = new ChunkQueue({
      file: options.file,
      chunkBytes: Math.max(perFlush, options.sampleRate / 50) * blockAlign,
      maxChunks: options.maxChunks,
      startPosition: WAV_HEADER_BYTES,
      // The header is rewritten only after the data it counts is on disk: never ahead of it.
      afterWrite: (dataBytes) => {
        writeWavHeader(this.#header, { sampleRate: this.#sampleRate, channels: this.#channels, dataBytes });
        return this.#header;
      },
    });
  }

  get queue(): ChunkQueue {
    return this.#queue;
  }

  /** samples per channel accepted into chunks */
  get samples(): number {
    return this.#samples;
  }

  /** Appends one frame (silence when `silent`); false when the queue is full and it was dropped. */
  write(left: Int16Array, right: Int16Array | null, samples: number, silent: boolean): boolean {
    const stereo = this.#channels === 2;
    const bytes = samples * this.#channels * 2;
    if (!this.#queue.reserve(bytes)) return false;
    const out = this.#queue.activeInt16;
    const base = this.#queue.activeLength >> 1;
    if (silent) {
      out.fill(0, base, base + samples * this.#channels);
    } else if (!stereo) {
      const m = Math.min(samples, left.length);
      out.set(left.subarray(0, m), base);
      if (m < samples) out.fill(0, base + m, base + samples); // chunks are reused: never leave old audio
    } else {
      // Stereo is interleaved L R L R (caller left, callee right); a missing right leg is silence.
      for (let i = 0, o = base; i < samples; i++, o += 2) {
        out[o] = left[i] ?? 0;
        out[o + 1] = right === null ? 0 : (right[i] ?? 0);
      }
    }
    this.#queue.commit(bytes, samples);
    this.#samples += samples;
    return true;
  }

  flush(): void {
    this.#queue.rotate();
  }

  /** Queues what is left and waits for it, and for the header's final sizes, to reach the file. */
  async finish(): Promise<void> {
    await this.#queue.drain();
  }
}
