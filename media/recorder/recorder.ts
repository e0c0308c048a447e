// A call recording as a media worker drives it: one write() per 20 ms tick, never blocking. The
// frame is encoded into a preallocated chunk (WavWriter / OggOpusWriter); about once per flushMs
// the chunk goes to a background async write (ChunkQueue). Pauses (card payments) write silence,
// so the file's timeline stays aligned with the call, and are reported at close.
import { randomBytes } from 'node:crypto';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { OggOpusWriter } from './ogg-opus-writer.js';
import { SealedFile } from './sealed-file.js';
import type { SealOptions } from './sealed-format.js';
import { WAV_HEADER_BYTES } from './wav-header.js';
import { WavWriter } from './wav-writer.js';

export type RecordingFormat = 'wav' | 'ogg';

export interface RecorderOpenOptions {
  readonly path: string;
  readonly format: RecordingFormat;
  /** the session rate: 8000, 16000 or 48000 */
  readonly sampleRate: number;
  /** 2: caller on the left, agent/callee on the right */
  readonly channels: 1 | 2;
  /** how often encoded audio goes to the file, and so the most a kill can lose (default 1000) */
  readonly flushMs?: number;
  /** milliseconds on a monotonic clock (default performance.now) */
  readonly now?: () => number;
  /** chunks of flushMs each that may wait for the disk before frames are dropped (default 4) */
  readonly queueChunks?: number;
  /** Ogg/Opus encoder bit rate (default 24 kb/s per channel) */
  readonly bitrate?: number;
  /** Ogg bitstream serial number (default random) */
  readonly serial?: number;
  /** encryption at rest (sealed-format.ts): the file key and its wrapping, from the server; absent: a plain WAV/Ogg */
  readonly seal?: SealOptions;
}

export interface RecordingPause {
  /** where the pause starts, in ms from the start of the recording */
  readonly atMs: number;
  readonly durationMs: number;
}

export interface RecorderResult {
  readonly path: string;
  readonly format: RecordingFormat;
  /** audio in the file, pauses included */
  readonly durationMs: number;
  /** file size */
  readonly bytes: number;
  readonly pauses: readonly RecordingPause[];
  /** frames refused because the disk fell behind, or lost to a write error */
  readonly droppedFrames: number;
  /** the first write error, if the disk failed */
  readonly error: string | null;
}

const RATES = new Set([8000, 16000, 48000]);

export class Recorder {
  readonly #path: string;
  readonly #format: RecordingFormat;
  readonly #rate: number;
  readonly #handle: FileHandle;
  readonly #writer: WavWriter | OggOpusWriter;
  readonly #sealed: SealedFile | null;
  readonly #now: () => number;
  readonly #flushMs: number;
  readonly #pauses: RecordingPause[] = [];
  #lastFlush: number;
  #refused = 0;
  #pausedAt = -1;
  #closing: Promise<RecorderResult> | null = null;

  /** Creates (truncates) the file and writes its headers. Rejects on bad options or when the file cannot be opened. */
  static async open(options: RecorderOpenOptions): Promise<Recorder> {
    if (!RATES.has(options.sampleRate)) throw new RangeError(`sample rate ${options.sampleRate} is not 8000, 16000 or 48000`);
    if (options.channels !== 1 && options.channels !== 2) throw new RangeError('channels must be 1 or 2');
    const flushMs = options.flushMs ?? 1000;
    const maxChunks = Math.max(2, options.queueChunks ?? 4);
    // recordings hold what callers said: readable by the server's user alone
    const handle = await openFile(options.path, 'w', 0o600);
    try {
      const sealed = options.seal === undefined ? null : await SealedFile.create({ file: handle, seal: options.seal, format: options.format });
      const file = sealed ?? handle;
      const writer =
        options.format === 'wav'
          ? await WavWriter.create({ file, sampleRate: options.sampleRate, channels: options.channels, flushMs, maxChunks })
          : new OggOpusWriter({
              file,
              sampleRate: options.sampleRate as 8000 | 16000 | 48000,
              channels: options.channels,
              flushMs,
              maxChunks,
              serial: options.serial ?? randomBytes(4).readUInt32LE(0),
              bitrate: options.bitrate ?? 24000 * options.channels,
            });
      return new Recorder({ options, handle, writer, sealed, flushMs });
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  private constructor(init: { options: RecorderOpenOptions; handle: FileHandle; writer: WavWriter | OggOpusWriter; sealed: SealedFile | null; flushMs: number }) {
    this.#path = init.options.path;
    this.#format = init.options.format;
    this.#rate = init.options.sampleRate;
    this.#handle = init.handle;
    this.#writer = init.writer;
    this.#sealed = init.sealed;
    this.#flushMs = init.flushMs;
    this.#now = init.options.now ?? (() => performance.now());
    this.#lastFlush = this.#now();
  }

  /** One frame; `right` is ignored for mono and null means a silent right channel. Ignored after close(). */
  write(left: Int16Array, right: Int16Array | null, samples: number): void {
    if (this.#closing !== null || !(samples > 0)) return;
    if (!this.#writer.write(left, right, Math.floor(samples), this.#pausedAt >= 0)) this.#refused++;
    const t = this.#now();
    if (t - this.#lastFlush >= this.#flushMs) {
      this.#lastFlush = t;
      this.#writer.flush();
    }
  }

  /** From now on frames are written as silence; a second pause() is a no-op. */
  pause(): void {
    if (this.#pausedAt >= 0 || this.#closing !== null) return;
    this.#pausedAt = this.#writer.samples;
  }

  resume(): void {
    if (this.#pausedAt < 0) return;
    const from = this.#pausedAt;
    this.#pausedAt = -1;
    this.#pauses.push({ atMs: this.#ms(from), durationMs: this.#ms(this.#writer.samples) - this.#ms(from) });
  }

  /** Writes what is buffered and the final headers, closes the file. Idempotent. */
  close(): Promise<RecorderResult> {
    this.#closing ??= this.#finish();
    return this.#closing;
  }

  async #finish(): Promise<RecorderResult> {
    this.resume(); // a pause still running at hang-up ends with the recording
    await this.#writer.finish();
    const queue = this.#writer.queue;
    const frame = this.#rate / 50;
    const lostFrames = Math.ceil(queue.lostSamples / frame);
    const refused = this.#writer instanceof OggOpusWriter ? this.#writer.droppedFrames : this.#refused;
    let bytes = queue.written + (this.#format === 'wav' ? WAV_HEADER_BYTES : 0);
    let error = queue.error === null ? null : queue.error.message;
    try {
      // the final record says the file was finished, not cut by a crash
      if (this.#sealed !== null && error === null) await this.#sealed.finish();
      bytes = (await this.#handle.stat()).size;
      await this.#handle.close();
    } catch (e) {
      error ??= e instanceof Error ? e.message : String(e);
    }
    return {
      path: this.#path,
      format: this.#format,
      durationMs: this.#ms(Math.max(0, this.#writer.samples - queue.lostSamples)),
      bytes,
      pauses: this.#pauses,
      droppedFrames: refused + lostFrames,
      error,
    };
  }

  #ms(samples: number): number {
    return Math.round((samples * 1000) / this.#rate);
  }
}
