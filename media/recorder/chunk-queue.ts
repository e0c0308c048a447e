// The background file writer under every recording. The worker's tick encodes into the active
// chunk (preallocated); a full or due chunk joins a bounded queue that one async write at a time
// drains to the file. When the disk falls behind and every chunk is taken, the caller's frame is
// refused and counted: memory never grows past `maxChunks` chunks and the tick never waits.

/** The part of `fs.promises.FileHandle` the queue uses (a fake one in tests can be slow or fail). */
export interface ChunkFile {
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
}

export interface ChunkQueueOptions {
  readonly file: ChunkFile;
  readonly chunkBytes: number;
  /** chunks in all (active + queued + in flight); at least 2 */
  readonly maxChunks: number;
  /** file offset of the first queued byte */
  readonly startPosition: number;
  /**
   * Called after each chunk has landed with the bytes written so far (from startPosition); a
   * Buffer it returns is written at file offset 0 before the next chunk (the WAV header's sizes).
   */
  readonly afterWrite?: (dataBytes: number) => Buffer | null;
}

// Chunks in a steady state: the one being filled and the one being written. More are made only
// when the disk lags (bounded by maxChunks), which is the one allocation outside open.
const EAGER_CHUNKS = 2;

export class ChunkQueue {
  readonly #file: ChunkFile;
  readonly #chunkBytes: number;
  readonly #max: number;
  readonly #start: number;
  readonly #afterWrite: ((dataBytes: number) => Buffer | null) | null;
  readonly #chunks: Buffer[] = [];
  readonly #views: Int16Array[] = [];
  readonly #lengths: Int32Array;
  readonly #samples: Float64Array;
  readonly #free: Int32Array;
  #freeCount = 0;
  readonly #ring: Int32Array;
  #head = 0;
  #queued = 0;
  #active: number;
  #pumping = false;
  #waiters: Array<() => void> = [];
  #written = 0;
  #lostSamples = 0;
  #error: Error | null = null;

  constructor(options: ChunkQueueOptions) {
    this.#file = options.file;
    this.#chunkBytes = options.chunkBytes + (options.chunkBytes & 1); // Int16 views need an even size
    this.#max = Math.max(EAGER_CHUNKS, options.maxChunks);
    this.#start = options.startPosition;
    this.#afterWrite = options.afterWrite ?? null;
    this.#lengths = new Int32Array(this.#max);
    this.#samples = new Float64Array(this.#max);
    this.#free = new Int32Array(this.#max);
    this.#ring = new Int32Array(this.#max);
    for (let i = 0; i < EAGER_CHUNKS; i++) this.#free[this.#freeCount++] = this.#make();
    this.#active = this.#take();
  }

  /** the active chunk: write at `activeLength`, then commit() */
  get active(): Buffer {
    return this.#chunks[this.#active] as Buffer;
  }

  /** the active chunk as 16-bit samples (byte offset / 2) */
  get activeInt16(): Int16Array {
    return this.#views[this.#active] as Int16Array;
  }

  get activeLength(): number {
    return this.#lengths[this.#active] ?? 0;
  }

  /** bytes that reached the file (from startPosition) */
  get written(): number {
    return this.#written;
  }

  /** samples in chunks that were lost to a write error */
  get lostSamples(): number {
    return this.#lostSamples;
  }

  get error(): Error | null {
    return this.#error;
  }

  /**
   * Makes room for `bytes` in the active chunk, handing a full chunk to the writer if needed;
   * false when no chunk is free (the disk is behind) or after a write error: the caller drops.
   */
  reserve(bytes: number): boolean {
    if (this.#error !== null || bytes > this.#chunkBytes) return false;
    if (this.activeLength + bytes <= this.#chunkBytes) return true;
    return this.rotate();
  }

  /** Records `bytes` written into the active chunk, carrying `samples` of audio. */
  commit(bytes: number, samples: number): void {
    this.#lengths[this.#active] = this.activeLength + bytes;
    this.#samples[this.#active] = (this.#samples[this.#active] ?? 0) + samples;
  }

  /** Queues the active chunk for writing if it holds anything; false when no chunk is free to continue in. */
  rotate(): boolean {
    if (this.activeLength === 0) return true;
    if (this.#freeCount === 0 && this.#chunks.length < this.#max) this.#free[this.#freeCount++] = this.#make();
    if (this.#freeCount === 0) return false;
    this.#ring[(this.#head + this.#queued) % this.#max] = this.#active;
    this.#queued++;
    this.#active = this.#take();
    if (!this.#pumping) void this.#pump();
    return true;
  }

  /** Resolves once nothing is queued or in flight (the active chunk is not flushed). */
  idle(): Promise<void> {
    if (!this.#pumping) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Queues the active chunk too and resolves once everything has reached the file (or failed). */
  async drain(): Promise<void> {
    // rotate() refuses while every chunk is taken: wait for the writer to hand one back.
    while (this.activeLength > 0 && this.#error === null && !this.rotate()) await this.idle();
    await this.idle();
    if (this.#error !== null && this.activeLength > 0) {
      this.#lostSamples += this.#samples[this.#active] ?? 0;
      this.#lengths[this.#active] = 0;
      this.#samples[this.#active] = 0;
    }
  }

  #make(): number {
    const b = Buffer.allocUnsafeSlow(this.#chunkBytes);
    this.#chunks.push(b);
    this.#views.push(new Int16Array(b.buffer, b.byteOffset, this.#chunkBytes >> 1));
    return this.#chunks.length - 1;
  }

  #take(): number {
    const i = this.#free[--this.#freeCount] ?? 0;
    this.#lengths[i] = 0;
    this.#samples[i] = 0;
    return i;
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    while (this.#queued > 0) {
      const i = this.#ring[this.#head] ?? 0;
      if (this.#error === null) {
        try {
          await this.#writeAll(this.#chunks[i] as Buffer, this.#lengths[i] ?? 0, this.#start + this.#written);
          this.#written += this.#lengths[i] ?? 0;
          const header = this.#afterWrite?.(this.#written) ?? null;
          if (header !== null) await this.#writeAll(header, header.length, 0);
        } catch (e) {
          this.#error = e instanceof Error ? e : new Error(String(e));
        }
      }
      // After a write error the rest of the queue is counted as lost, not retried.
      if (this.#error !== null) this.#lostSamples += this.#samples[i] ?? 0;
      this.#head = (this.#head + 1) % this.#max;
      this.#queued--;
      this.#free[this.#freeCount++] = i;
    }
    this.#pumping = false;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  async #writeAll(buffer: Buffer, length: number, position: number): Promise<void> {
    let done = 0;
    // A regular file rarely takes less than asked, but write(2) allows it.
    while (done < length) {
      const { bytesWritten } = await this.#file.write(buffer, done, length - done, position + done);
      if (bytesWritten <= 0) throw new Error('write made no progress');
      done += bytesWritten;
    }
  }
}
