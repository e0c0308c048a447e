// The SRTP packet layout around the transforms: where the RTP header ends (RFC 3550 §5.1, §5.3.1),
// where an MKI goes (RFC 3711 §3.1, §3.4), and the header view werift's ciphers read.
/** The one RtpHeader shape werift's ciphers read, filled in place so the original header bytes are kept. */
export class HeaderView {
  ssrc = 0;
  sequenceNumber = 0;
  serializeSize = 0;
  payloadOffset = 0;
  padding = false;
  paddingSize = 0;
  bytes: Buffer = Buffer.alloc(0);
  serialize(): Buffer {
    return this.bytes;
  }
}

/** RTP header length (RFC 3550 §5.1, §5.3.1) of `buf`, or -1; padding is encrypted so is not checked here. */
export function headerLength(buf: Buffer): number {
  if (buf.length < 12 || buf[0]! >> 6 !== 2) return -1;
  let at = 12 + (buf[0]! & 0x0f) * 4;
  if (buf[0]! & 0x10) {
    if (at + 4 > buf.length) return -1;
    at += 4 + buf.readUInt16BE(at + 2) * 4;
  }
  return at <= buf.length ? at : -1;
}

/** The MKI field's octets (RFC 3711 §3.1), or null without one. */
export function mkiBytes(mki: { readonly value: number; readonly length: number } | null | undefined): Buffer | null {
  if (!mki) return null;
  const b = Buffer.alloc(mki.length);
  b.writeUIntBE(mki.value, 0, mki.length);
  return b;
}

/** RFC 3711 §3.1/§3.4: [MKI] goes right before the authentication tag. */
export function insertMki(out: Buffer, mki: Buffer, tag: number): Buffer {
  const at = out.length - tag;
  return Buffer.concat([out.subarray(0, at), mki, out.subarray(at)]);
}
