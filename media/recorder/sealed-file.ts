// Writing and reading sealed recordings (sealed-format.ts). SealedFile stands between a writer's
// chunk queue and the file: each chunk the queue writes becomes one record appended to the file,
// so WavWriter and OggOpusWriter stay as they are. Reading walks the records in order.
import type { ChunkFile } from './chunk-queue.js';
import {
  FINAL_FLAG,
  HEADER_BYTES,
  buildSealedHeader,
  keyBytes,
  openRecord,
  recordOverhead,
  sealRecord,
  tagBytes,
  type SealOptions,
  type SealProfile,
  type SealedFormat,
  type SealedHeader,
} from './sealed-format.js';

export class SealedFile implements ChunkFile {
  readonly #file: ChunkFile;
  readonly #profile: SealProfile;
  readonly #key: Uint8Array;
  readonly #aad: Buffer;
  #out: Buffer = Buffer.alloc(0);
  #records = 0;
  /** plaintext bytes sealed so far: the writers' positions are plaintext positions */
  #plainEnd = 0;
  #fileEnd = HEADER_BYTES;
  #finished = false;

  /** Writes the header; the file must be empty. */
  static async create(o: { readonly file: ChunkFile; readonly seal: SealOptions; readonly format: SealedFormat }): Promise<SealedFile> {
    if (o.seal.key.byteLength !== keyBytes(o.seal.profile)) throw new RangeError(`${o.seal.profile} needs a ${keyBytes(o.seal.profile)}-byte file key`);
    const header = buildSealedHeader({ profile: o.seal.profile, format: o.format, wrappedKey: o.seal.wrappedKey });
    const f = new SealedFile(o.file, o.seal, header);
    await f.#writeAll(header, 0);
    return f;
  }

  private constructor(file: ChunkFile, seal: SealOptions, header: Buffer) {
    this.#file = file;
    this.#profile = seal.profile;
    // a copy: the caller's buffer may be transferred or reused
    this.#key = Buffer.from(seal.key);
    this.#aad = Buffer.from(header.subarray(0, 32));
  }

  /**
   * `position` is where the writer means the bytes to go in the plaintext. Appends become records.
   * A rewrite of bytes already sealed (the WAV header's sizes after each flush) is skipped: the
   * reader states the sizes from the records it finds, so they are never ahead of the audio.
   */
  async write(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }> {
    if (position + length <= this.#plainEnd) return { bytesWritten: length };
    if (position !== this.#plainEnd || this.#finished) throw new Error(`sealed recordings are append-only (write at ${position}, end ${this.#plainEnd})`);
    await this.#append(buffer.subarray(offset, offset + length), false);
    this.#plainEnd += length;
    return { bytesWritten: length };
  }

  /** Appends the empty last record that marks the file as finished (a killed file lacks it). */
  async finish(): Promise<void> {
    if (this.#finished) return;
    await this.#append(Buffer.alloc(0), true);
    this.#finished = true;
  }

  async #append(plain: Buffer, final: boolean): Promise<void> {
    const need = plain.length + recordOverhead(this.#profile);
    // one output buffer, grown to the largest chunk: sealing allocates only the cipher's own objects
    if (this.#out.length < need) this.#out = Buffer.allocUnsafeSlow(need);
    const n = sealRecord({ profile: this.#profile, key: this.#key, aad: this.#aad, n: this.#records, plain, length: plain.length, final, out: this.#out });
    await this.#writeAll(this.#out.subarray(0, n), this.#fileEnd);
    this.#records++;
    this.#fileEnd += n;
  }

  async #writeAll(bytes: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.#file.write(bytes, done, bytes.length - done, position + done);
      if (bytesWritten <= 0) throw new Error('write made no progress');
      done += bytesWritten;
    }
  }
}

/** The part of `fs.promises.FileHandle` reading needs. */
export interface SealedSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

export interface SealedLayout {
  /** whole records (by their length fields; not yet authenticated) */
  readonly records: number;
  /** plaintext bytes in those records */
  readonly plainBytes: number;
  /** the file was finished (its last record carries the final flag) */
  readonly finished: boolean;
}

async function readExactly(source: SealedSource, length: number, position: number): Promise<Buffer | null> {
  const b = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await source.read(b, done, length - done, position + done);
    if (bytesRead <= 0) return null;
    done += bytesRead;
  }
  return b;
}

/** Walks the length fields: how much plaintext the whole records hold (for Content-Length and WAV sizes). */
export async function sealedLayout(o: { readonly source: SealedSource; readonly size: number; readonly profile: SealProfile }): Promise<SealedLayout> {
  let at = HEADER_BYTES;
  let records = 0;
  let plainBytes = 0;
  const over = recordOverhead(o.profile);
  for (;;) {
    if (at + over > o.size) return { records, plainBytes, finished: false };
    const field = await readExactly(o.source, 4, at);
    if (field === null) return { records, plainBytes, finished: false };
    const raw = field.readUInt32BE(0);
    const length = raw & ~FINAL_FLAG;
    if (at + over + length > o.size) return { records, plainBytes, finished: false };
    records++;
    plainBytes += length;
    at += over + length;
    if ((raw & FINAL_FLAG) !== 0) return { records, plainBytes, finished: true };
  }
}

export class SealedFileError extends Error {}

/**
 * The plaintext, record by record, up to the last whole record (a file cut by a kill ends there).
 * A record that does not authenticate throws SealedFileError, except a last one that a crash may
 * have left partly written.
 */
export async function* sealedRecords(o: { readonly source: SealedSource; readonly size: number; readonly header: SealedHeader; readonly key: Uint8Array; readonly layout?: SealedLayout }): AsyncGenerator<Buffer> {
  const { profile } = o.header;
  const layout = o.layout ?? (await sealedLayout({ source: o.source, size: o.size, profile }));
  const tag = tagBytes(profile);
  let at = HEADER_BYTES;
  for (let n = 0; n < layout.records; n++) {
    const field = await readExactly(o.source, 4, at);
    if (field === null) return;
    const length = field.readUInt32BE(0) & ~FINAL_FLAG;
    const body = await readExactly(o.source, length + tag, at + 4);
    if (body === null) return;
    const plain = openRecord({ profile, key: o.key, aad: o.header.aad, n, lengthField: field, ciphertext: body.subarray(0, length), tag: body.subarray(length) });
    if (plain === null) {
      if (n === layout.records - 1 && !layout.finished) return;
      throw new SealedFileError(`record ${n} of the sealed recording does not authenticate`);
    }
    if (plain.length > 0) yield plain;
    at += 4 + length + tag;
  }
}
