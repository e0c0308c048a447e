// Ogg page framing (RFC 3533). Packets are staged into a preallocated page (segment table + body)
// and serialized, with the CRC, straight into a caller's output Buffer; nothing is allocated per
// packet or per page.

// RFC 3533 §6: "header_type_flag" bits.
export const OGG_CONTINUED = 0x01;
export const OGG_BOS = 0x02;
export const OGG_EOS = 0x04;
/** capture pattern (4) + version (1) + flags (1) + granule (8) + serial (4) + sequence (4) + CRC (4) + segments (1) */
export const OGG_HEADER_BYTES = 27;
/** RFC 3533 §6: "page_segments ... can have a value between 0 and 255" */
export const OGG_MAX_SEGMENTS = 255;

// RFC 3533 §6: "CRC checksum ... generator polynomial 0x04c11db7 ... initial value 0 ... no final
// XOR", computed MSB-first (not reflected) over the whole page with the checksum field set to zero.
const CRC_TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let r = i << 24;
  for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  CRC_TABLE[i] = r >>> 0;
}

/** Ogg CRC-32 of `buf[start, end)`. */
export function oggCrc(buf: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ (buf[i] ?? 0)) & 0xff] ?? 0)) >>> 0;
  return crc;
}

export interface OggPageStagingOptions {
  /** the logical bitstream's serial number (RFC 3533 §6: "bitstream_serial_number") */
  readonly serial: number;
  /** body capacity of one page; a packet larger than this cannot be staged */
  readonly bodyBytes: number;
}

/**
 * One page being filled with whole packets. Packets never span pages here (each page is closed
 * before a packet that would not fit), so the "continued" flag is never needed on our output.
 */
export class OggPageStaging {
  readonly #serial: number;
  readonly #body: Buffer;
  readonly #lacing = new Uint8Array(OGG_MAX_SEGMENTS);
  #bodyLength = 0;
  #segments = 0;
  #packets = 0;
  #sequence = 0;

  constructor(options: OggPageStagingOptions) {
    this.#serial = options.serial >>> 0;
    this.#body = Buffer.alloc(options.bodyBytes);
  }

  get packets(): number {
    return this.#packets;
  }

  /** pages serialized so far (the next page's sequence number) */
  get sequence(): number {
    return this.#sequence;
  }

  /** Whether a packet of `length` bytes fits in the page as it stands. */
  fits(length: number): boolean {
    // RFC 3533 §6: a packet of length L takes floor(L/255) lacing values of 255 and one final
    // value below 255 (0 when L is a multiple of 255), which marks where the packet ends.
    const segments = Math.floor(length / 255) + 1;
    return this.#segments + segments <= OGG_MAX_SEGMENTS && this.#bodyLength + length <= this.#body.length;
  }

  /** Appends a whole packet; false (nothing staged) when it does not fit. */
  add(packet: Uint8Array, length: number): boolean {
    if (!this.fits(length)) return false;
    let left = length;
    while (left >= 255) {
      this.#lacing[this.#segments++] = 255;
      left -= 255;
    }
    this.#lacing[this.#segments++] = left;
    this.#body.set(packet.subarray(0, length), this.#bodyLength);
    this.#bodyLength += length;
    this.#packets++;
    return true;
  }

  /** Bytes the staged page will take once serialized. */
  get pageBytes(): number {
    return OGG_HEADER_BYTES + this.#segments + this.#bodyLength;
  }

  /** Forgets the staged packets without emitting them (no sequence number is used up). */
  discard(): void {
    this.#bodyLength = 0;
    this.#segments = 0;
    this.#packets = 0;
  }

  /**
   * Writes the staged page at `out[offset]` and empties the staging; returns the bytes written,
   * or 0 (page kept) when `out` lacks room. `granule` is the page's granule position.
   */
  serialize(out: Buffer, offset: number, flags: number, granule: number): number {
    const total = this.pageBytes;
    if (offset + total > out.length) return 0;
    out[offset] = 0x4f; // 'OggS'
    out[offset + 1] = 0x67;
    out[offset + 2] = 0x67;
    out[offset + 3] = 0x53;
    out[offset + 4] = 0; // RFC 3533 §6: stream_structure_version 0
    out[offset + 5] = flags;
    // Granules here stay below 2^53 (about 5900 years at 48 kHz), so two 32-bit halves suffice.
    out.writeUInt32LE(granule % 0x100000000, offset + 6);
    out.writeUInt32LE(Math.floor(granule / 0x100000000), offset + 10);
    out.writeUInt32LE(this.#serial, offset + 14);
    out.writeUInt32LE(this.#sequence, offset + 18);
    out.writeUInt32LE(0, offset + 22);
    out[offset + 26] = this.#segments;
    out.set(this.#lacing.subarray(0, this.#segments), offset + OGG_HEADER_BYTES);
    this.#body.copy(out, offset + OGG_HEADER_BYTES + this.#segments, 0, this.#bodyLength);
    out.writeUInt32LE(oggCrc(out, offset, offset + total), offset + 22);
    this.#sequence = (this.#sequence + 1) >>> 0;
    this.discard();
    return total;
  }
}
