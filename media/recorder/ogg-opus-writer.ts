// Ogg/Opus side of a recording (RFC 7845 on RFC 3533): 20 ms frames encoded with libopus at the
// session rate, packed into pages that are closed at every flush, so the file only ever ends
// in complete pages; the last page at close carries EOS and the end-trimmed granule position.
import opus from '@discordjs/opus';
import { ChunkQueue, type ChunkFile } from './chunk-queue.js';
import { OGG_BOS, OGG_EOS, OGG_HEADER_BYTES, OGG_MAX_SEGMENTS, OggPageStaging } from './ogg-page.js';
import { OPUS_PRE_SKIP, opusHead, opusTags } from './opus-headers.js';

export interface OggOpusWriterOptions {
  readonly file: ChunkFile;
  readonly sampleRate: 8000 | 16000 | 48000;
  readonly channels: 1 | 2;
  readonly flushMs: number;
  readonly maxChunks: number;
  /** RFC 3533 §6 bitstream serial number */
  readonly serial: number;
  /** bits per second for the encoder */
  readonly bitrate: number;
}

// RFC 7845 §4: granule positions count 48 kHz samples whatever the input rate; 20 ms = 960.
const GRANULE_PER_FRAME = 960;
// A page holds a flush interval of packets with room to spare, and at least three of libopus's
// largest 20 ms packets (1275 bytes, RFC 6716 §3.4 R2); a page that fills early is closed early.
const MIN_PAGE_BODY_BYTES = 4096;
// RFC 3533 §6: 255 lacing values of at most 255 bytes each
const MAX_PAGE_BODY_BYTES = 255 * 255;
const VENDOR = 'Hailing';

export class OggOpusWriter {
  readonly #queue: ChunkQueue;
  readonly #encoder: opus.OpusEncoder;
  readonly #page: OggPageStaging;
  readonly #channels: 1 | 2;
  readonly #frameSamples: number;
  readonly #to48k: number;
  readonly #pcm: Buffer;
  readonly #pcm16: Int16Array;
  #filled = 0;
  /** 20 ms packets handed to the page staging, whatever became of them */
  #packets = 0;
  #packetsInFile = 0;
  #droppedPackets = 0;
  #inputSamples = 0;

  constructor(options: OggOpusWriterOptions) {
    this.#channels = options.channels;
    this.#frameSamples = options.sampleRate / 50;
    this.#to48k = 48000 / options.sampleRate;
    this.#encoder = new opus.OpusEncoder(options.sampleRate, options.channels);
    this.#encoder.setBitrate(options.bitrate);
    this.#pcm = Buffer.alloc(this.#frameSamples * options.channels * 2);
    this.#pcm16 = new Int16Array(this.#pcm.buffer, this.#pcm.byteOffset, this.#frameSamples * options.channels);
    const perFlush = Math.ceil((options.bitrate / 8) * (options.flushMs / 1000) * 1.25);
    const bodyBytes = Math.min(MAX_PAGE_BODY_BYTES, Math.max(MIN_PAGE_BODY_BYTES, perFlush));
    this.#page = new OggPageStaging({ serial: options.serial, bodyBytes });
    const pageMax = OGG_HEADER_BYTES + OGG_MAX_SEGMENTS + bodyBytes;
    this.#queue = new ChunkQueue({
      file: options.file,
      // a flush interval's pages, plus one whole page so a page closed early never overflows
      chunkBytes: perFlush + pageMax,
      maxChunks: options.maxChunks,
      startPosition: 0,
    });
    // RFC 7845 §3: the ID header alone on the first page (BOS), the comment header on the next,
    // audio from a fresh page on; both header pages have granule position 0.
    const head = opusHead({ channels: options.channels, inputSampleRate: options.sampleRate, preSkip: OPUS_PRE_SKIP });
    this.#page.add(head, head.length);
    this.#emit(OGG_BOS, 0);
    const tags = opusTags(VENDOR);
    this.#page.add(tags, tags.length);
    this.#emit(0, 0);
    this.#packetsInFile = 0; // the two header packets are not audio: granules count from here
    this.#queue.rotate(); // the headers reach the file at once: a recording killed early still opens
  }

  get queue(): ChunkQueue {
    return this.#queue;
  }

  /** samples per channel given to the writer, less what was dropped */
  get samples(): number {
    return Math.max(0, this.#inputSamples - this.#droppedPackets * this.#frameSamples);
  }

  get droppedFrames(): number {
    return this.#droppedPackets;
  }

  /** Appends samples (silence when `silent`); they are encoded 20 ms at a time. Always accepted: drops happen per page. */
  write(left: Int16Array, right: Int16Array | null, samples: number, silent: boolean): boolean {
    const ch = this.#channels;
    const pcm = this.#pcm16;
    let i = 0;
    while (i < samples) {
      const n = Math.min(samples - i, this.#frameSamples - this.#filled);
      let o = this.#filled * ch;
      if (silent) pcm.fill(0, o, o + n * ch);
      else if (ch === 1) {
        const src = left.subarray(i, i + n);
        pcm.set(src, o);
        if (src.length < n) pcm.fill(0, o + src.length, o + n); // a short input reads as silence
      } else {
        for (let k = i; k < i + n; k++, o += 2) {
          pcm[o] = left[k] ?? 0;
          pcm[o + 1] = right === null ? 0 : (right[k] ?? 0);
        }
      }
      this.#filled += n;
      i += n;
      if (this.#filled === this.#frameSamples) this.#encode();
    }
    this.#inputSamples += samples;
    return true;
  }

  /** Closes the page being filled and queues it for the file. */
  flush(): void {
    this.#emit(0, this.#granuleAfterStaged());
    this.#queue.rotate();
  }

  /** Encodes the tail, writes the EOS page and waits for everything to reach the file. */
  async finish(): Promise<void> {
    // RFC 7845 §4.2/§4.4: decoded output runs OPUS_PRE_SKIP samples behind the input, so keep
    // encoding silence until the packets cover pre-skip + every input sample, then end-trim: the
    // final granule says exactly how many decoded samples are real.
    const wanted = OPUS_PRE_SKIP + this.#inputSamples * this.#to48k;
    if (this.#filled > 0) this.#padAndEncode();
    while (this.#packets * GRANULE_PER_FRAME < wanted) this.#padAndEncode();
    this.#emit(OGG_EOS, wanted - this.#droppedPackets * GRANULE_PER_FRAME);
    await this.#queue.drain();
  }

  #padAndEncode(): void {
    this.#pcm16.fill(0, this.#filled * this.#channels);
    this.#filled = this.#frameSamples;
    this.#encode();
  }

  #encode(): void {
    this.#filled = 0;
    this.#packets++;
    let packet: Buffer;
    try {
      // @discordjs/opus returns a new Buffer per packet: the one allocation per frame we cannot avoid.
      packet = this.#encoder.encode(this.#pcm);
    } catch {
      this.#droppedPackets++;
      return;
    }
    if (!this.#page.fits(packet.length)) this.#emit(0, this.#granuleAfterStaged());
    if (!this.#page.add(packet, packet.length)) this.#droppedPackets++;
  }

  #granuleAfterStaged(): number {
    // RFC 7845 §4: a page's granule position is the 48 kHz sample count (pre-skip included) up to
    // the end of its last packet, so it is the packets in the file times 960.
    return (this.#packetsInFile + this.#page.packets) * GRANULE_PER_FRAME;
  }

  /** Serializes the staged page into the active chunk; a page the queue has no room for is dropped and counted. */
  #emit(flags: number, granule: number): void {
    const packets = this.#page.packets;
    if (packets === 0 && (flags & OGG_EOS) === 0) return;
    if (!this.#queue.reserve(this.#page.pageBytes)) {
      this.#droppedPackets += packets;
      this.#page.discard();
      return;
    }
    const n = this.#page.serialize(this.#queue.active, this.#queue.activeLength, flags, granule);
    this.#queue.commit(n, packets * this.#frameSamples);
    this.#packetsInFile += packets;
  }
}
