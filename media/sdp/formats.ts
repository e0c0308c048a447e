// What one side's SDP says about its audio stream, in the engine's terms: the voice codecs it
// lists (in its order of preference, RFC 3264 §5.1), its telephone-event payload type, and its
// SDES crypto lines. The codec choice itself is call control's; this only reads.
import { parseRtpMap } from './parse.js';
import type { SessionDescription } from './types.js';
import type { CodecName, MediaFormat } from '../types.js';

export interface OfferedCodec {
  readonly payloadType: number;
  readonly encoding: string;
  readonly clockRate: number;
  readonly codec: CodecName;
}

export interface AudioFormats {
  readonly proto: string;
  readonly voice: readonly OfferedCodec[];
  /** telephone-event payload types by clock rate */
  readonly telephoneEvents: ReadonlyMap<number, number>;
  /** a=crypto values (RFC 4568) */
  readonly crypto: readonly string[];
}

const STATIC: Record<number, [string, number]> = { 0: ['PCMU', 8000], 8: ['PCMA', 8000], 9: ['G722', 8000] };

/** RTP/SDP names of what media/codecs can decode, with the clock each must have */
export function engineCodec(encoding: string, clockRate: number): CodecName | null {
  switch (encoding.toLowerCase()) {
    case 'pcmu':
      return clockRate === 8000 ? 'PCMU' : null;
    case 'pcma':
      return clockRate === 8000 ? 'PCMA' : null;
    case 'g722':
      return clockRate === 8000 ? 'G722' : null;
    case 'opus':
      return clockRate === 48000 ? 'opus' : null;
    case 'l16':
      return clockRate === 8000 || clockRate === 16000 || clockRate === 48000 ? 'L16' : null;
    default:
      return null;
  }
}

export function audioFormats(sdp: SessionDescription): AudioFormats | null {
  const audio = sdp.media.find((m) => m.type === 'audio' && m.port !== 0);
  if (audio === undefined) return null;
  const voice: OfferedCodec[] = [];
  const telephoneEvents = new Map<number, number>();
  for (const f of audio.formats) {
    if (!/^[0-9]{1,3}$/.test(f)) continue;
    const pt = Number(f);
    const line = audio.attributes.find((a) => a.name === 'rtpmap' && (a.value ?? '').startsWith(`${pt} `));
    const map = line ? parseRtpMap(line.value ?? '') : null;
    const [encoding, clockRate] = map ? [map.encoding, map.clockRate] : (STATIC[pt] ?? ['', 0]);
    if (encoding.toLowerCase() === 'telephone-event') {
      if (!telephoneEvents.has(clockRate)) telephoneEvents.set(clockRate, pt);
      continue;
    }
    const codec = engineCodec(encoding, clockRate);
    if (codec !== null) voice.push({ payloadType: pt, encoding, clockRate, codec });
  }
  const crypto = audio.attributes.filter((a) => a.name === 'crypto' && a.value !== null).map((a) => a.value!);
  return { proto: audio.proto, voice, telephoneEvents, crypto };
}

/** the engine format for one chosen codec of a side, with that side's telephone-event at its clock */
export function formatOf(formats: AudioFormats, chosen: OfferedCodec): MediaFormat {
  return { codec: chosen.codec, payloadType: chosen.payloadType, clockRate: chosen.clockRate, telephoneEvent: formats.telephoneEvents.get(chosen.clockRate) ?? null };
}
