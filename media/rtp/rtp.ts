// RTP fixed header (RFC 3550 §5.1), sans-IO and bounds-checked. Two forms: `parseRtp` returns a
// typed header for tools and tests; `rtpPayloadOffset` answers with a number so the relay's packet
// path can validate a packet without allocating anything.

export type RtpErrorCode = 'too-short' | 'bad-version' | 'truncated-csrc' | 'truncated-extension' | 'bad-padding';

export interface RtpHeader {
  readonly version: 2;
  readonly padding: boolean;
  readonly extension: boolean;
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrc: readonly number[];
  /** RFC 3550 §5.3.1 header extension: profile-defined 16 bits, and its data as an offset/length */
  readonly extensionProfile: number | null;
  readonly extensionOffset: number;
  readonly extensionLength: number;
  readonly payloadOffset: number;
  readonly payloadLength: number;
  readonly paddingLength: number;
}

export type RtpParseResult = { ok: true; value: RtpHeader } | { ok: false; error: { code: RtpErrorCode; detail: string } };

export const RTP_HEADER_LENGTH = 12;

// Negative answers of rtpPayloadOffset, one per RtpErrorCode.
export const RTP_TOO_SHORT = -1;
export const RTP_BAD_VERSION = -2;
export const RTP_TRUNCATED_CSRC = -3;
export const RTP_TRUNCATED_EXTENSION = -4;
export const RTP_BAD_PADDING = -5;

const codes: readonly RtpErrorCode[] = ['too-short', 'bad-version', 'truncated-csrc', 'truncated-extension', 'bad-padding'];

/**
 * The payload offset of an RTP packet of `length` bytes in `buf`, or a negative RTP_* code.
 * Checks everything RFC 3550 §5.1 lets a receiver check without state: version, CSRC list and
 * extension inside the packet, padding count inside the payload area.
 */
export function rtpPayloadOffset(buf: Uint8Array, length: number): number {
  if (length < RTP_HEADER_LENGTH || length > buf.length) return RTP_TOO_SHORT;
  const b0 = buf[0]!;
  // RFC 3550 §5.1: "V: 2 bits ... The version defined by this specification is two (2)."
  if (b0 >> 6 !== 2) return RTP_BAD_VERSION;
  let offset = RTP_HEADER_LENGTH + (b0 & 0x0f) * 4;
  if (offset > length) return RTP_TRUNCATED_CSRC;
  // RFC 3550 §5.3.1: the extension is a 4-byte header whose second half counts 32-bit words that follow.
  if ((b0 & 0x10) !== 0) {
    if (offset + 4 > length) return RTP_TRUNCATED_EXTENSION;
    offset += 4 + ((buf[offset + 2]! << 8) | buf[offset + 3]!) * 4;
    if (offset > length) return RTP_TRUNCATED_EXTENSION;
  }
  // RFC 3550 §5.1: "The last octet of the padding contains a count of how many padding octets
  // should be ignored, including itself" — so it is at least 1 and cannot reach into the header.
  if ((b0 & 0x20) !== 0) {
    const pad = buf[length - 1]!;
    if (pad === 0 || offset + pad > length) return RTP_BAD_PADDING;
  }
  return offset;
}

const readU32 = (buf: Uint8Array, at: number): number =>
  ((buf[at]! << 24) >>> 0) + ((buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!);

export function parseRtp(buf: Uint8Array): RtpParseResult {
  const offset = rtpPayloadOffset(buf, buf.length);
  if (offset < 0) {
    const code = codes[-offset - 1] ?? 'too-short';
    return { ok: false, error: { code, detail: `${code} (${buf.length} bytes)` } };
  }
  const b0 = buf[0]!;
  const b1 = buf[1]!;
  const csrc: number[] = [];
  for (let i = 0; i < (b0 & 0x0f); i++) csrc.push(readU32(buf, RTP_HEADER_LENGTH + i * 4));
  const extension = (b0 & 0x10) !== 0;
  const extAt = RTP_HEADER_LENGTH + csrc.length * 4;
  const paddingLength = (b0 & 0x20) !== 0 ? buf[buf.length - 1]! : 0;
  return {
    ok: true,
    value: {
      version: 2,
      padding: (b0 & 0x20) !== 0,
      extension,
      marker: (b1 & 0x80) !== 0,
      payloadType: b1 & 0x7f,
      sequenceNumber: (buf[2]! << 8) | buf[3]!,
      timestamp: readU32(buf, 4),
      ssrc: readU32(buf, 8),
      csrc,
      extensionProfile: extension ? (buf[extAt]! << 8) | buf[extAt + 1]! : null,
      extensionOffset: extension ? extAt + 4 : 0,
      extensionLength: extension ? offset - extAt - 4 : 0,
      payloadOffset: offset,
      payloadLength: buf.length - offset - paddingLength,
      paddingLength,
    },
  };
}

export { readU32 };
