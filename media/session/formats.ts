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
