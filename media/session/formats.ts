// Which PCM rate a codec is decoded at inside a session. G.711 is 8 kHz, G.722 16 kHz and L16 its
// own clock; Opus decodes and encodes natively at 8, 16 or 48 kHz, so it takes the session's rate
// and needs no resampler.
import type { MediaFormat } from '../types.js';

export function nativeRate(format: MediaFormat, sessionRate: number): number {
  switch (format.codec) {
    case 'PCMU':
    case 'PCMA':
      return 8000;
    case 'G722':
      return 16000;
    case 'opus':
      return sessionRate === 8000 || sessionRate === 16000 || sessionRate === 48000 ? sessionRate : 48000;
    case 'L16':
      return format.clockRate;
  }
}

/** RTP timestamp units in one 20 ms frame */
export const timestampStep = (format: MediaFormat): number => format.clockRate / 50;

/** the rate a two-party transcoder runs at: the wider of the two (Opus adapts to the other side) */
export function sessionRateFor(a: MediaFormat, b: MediaFormat): number {
  const rate = (f: MediaFormat): number => (f.codec === 'opus' ? 0 : nativeRate(f, 8000));
  const r = Math.max(rate(a), rate(b));
  return r === 0 ? 48000 : r;
}

/** same codec, payload type and clock: pass-through relay works without touching payloads */
export const sameFormat = (a: MediaFormat | null, b: MediaFormat | null): boolean =>
  a !== null && b !== null && a.codec === b.codec && a.clockRate === b.clockRate;

/**
 * A payload's duration in RTP clock units, for the jitter buffer: G.711 and G.722 carry one byte per
 * clock unit (RFC 3551 §4.5.2, §4.5.14), L16 two bytes per unit (§4.5.11); Opus says it in its TOC
 * (RFC 6716 §3.1). 0 when unknown (the buffer then learns the packet spacing).
 */
export function packetSamples(format: MediaFormat, packet: Uint8Array, offset: number, length: number): number {
  switch (format.codec) {
    case 'PCMU':
    case 'PCMA':
    case 'G722':
      return length;
    case 'L16':
      return length >> 1;
    case 'opus':
      return opusPacketSamples(packet, offset, length);
  }
}

// RFC 6716 §3.1 Table 2: frame sizes by TOC config, in 48 kHz samples (SILK 10/20/40/60 ms,
// hybrid 10/20 ms, CELT 2.5/5/10/20 ms).
const SILK = [480, 960, 1920, 2880];
const HYBRID = [480, 960];
const CELT = [120, 240, 480, 960];

/** an Opus packet's duration at 48 kHz from its TOC byte (and frame count byte for code 3); 0 when malformed */
export function opusPacketSamples(packet: Uint8Array, offset: number, length: number): number {
  if (length < 1) return 0;
  const toc = packet[offset]!;
  const config = toc >> 3;
  const frameSize = config < 12 ? SILK[config & 3]! : config < 16 ? HYBRID[config & 1]! : CELT[config & 3]!;
  // RFC 6716 §3.2: code 0 one frame, codes 1 and 2 two frames, code 3 M frames (byte 1, low 6 bits)
  const code = toc & 3;
  let frames = code === 0 ? 1 : code < 3 ? 2 : 0;
  if (code === 3) {
    if (length < 2) return 0;
    frames = packet[offset + 1]! & 0x3f;
  }
  const total = frames * frameSize;
  // §3.4 [R5]: at most 120 ms per packet
  return total > 5760 ? 0 : total;
}
