/**
 * Codec construction and SDP rtpmap mapping. Construction is control-plane work: an unsupported
 * name or rate throws a RangeError here, never on the packet path.
 */
import type { AudioCodec, CodecName, CreateCodecOptions, RtpmapOptions } from './types.js';
import { G711Codec } from './g711.js';
import { G722Codec } from './g722.js';
import { L16Codec } from './l16.js';
import { OpusCodec } from './opus.js';

/** PCM rates a media session runs at. */
const SESSION_RATES: readonly number[] = [8000, 16000, 48000];

function checkRate(name: CodecName, rate: number, allowed: readonly number[]): number {
  if (!allowed.includes(rate)) throw new RangeError(`${name} does not run at ${rate} Hz (supported: ${allowed.join(', ')})`);
  return rate;
}

export function createCodec(options: CreateCodecOptions): AudioCodec {
  switch (options.name) {
    case 'PCMU':
    case 'PCMA':
      checkRate(options.name, options.sampleRate ?? 8000, [8000]);
      return new G711Codec({ name: options.name });
    case 'G722':
      checkRate(options.name, options.sampleRate ?? 16000, [16000]);
      return new G722Codec();
    case 'opus': {
      const sampleRate = checkRate(options.name, options.sampleRate ?? 48000, SESSION_RATES);
      return options.opus ? new OpusCodec({ sampleRate, opus: options.opus }) : new OpusCodec({ sampleRate });
    }
    case 'L16':
      return new L16Codec({ sampleRate: checkRate(options.name, options.sampleRate ?? 8000, SESSION_RATES) });
    default:
      throw new RangeError(`unknown codec ${String((options as { name: unknown }).name)}`);
  }
}

/**
 * SDP rtpmap (RFC 4566 §6 "a=rtpmap:<pt> <encoding name>/<clock rate>[/<channels>]") → codec and the
 * PCM rate it decodes to; null when we cannot handle it. Encoding names are case-insensitive
 * (RFC 4855 §3). Only mono is supported, except opus, which is always signalled with 2 channels.
 */
export function codecFromRtpmap(options: RtpmapOptions): { name: CodecName; sampleRate: number } | null {
  const name = options.encodingName.toUpperCase();
  const channels = options.channels ?? 1;
  if (name === 'OPUS') {
    // RFC 7587 §7: "the RTP clock rate in "a=rtpmap" MUST be 48000, and the number of channels MUST be 2".
    // A missing or 1 channel count is a peer's mistake we can live with: we decode mono anyway.
    return options.clockRate === 48000 && channels <= 2 ? { name: 'opus', sampleRate: 48000 } : null;
  }
  if (channels !== 1) return null;
  switch (name) {
    // RFC 3551 §6 Table 4: PCMU and PCMA at 8000 Hz.
    case 'PCMU':
    case 'PCMA':
      return options.clockRate === 8000 ? { name, sampleRate: 8000 } : null;
    // RFC 3551 §4.5.2: G722/8000 in SDP, 16000 Hz audio.
    case 'G722':
      return options.clockRate === 8000 ? { name: 'G722', sampleRate: 16000 } : null;
    // RFC 3551 §4.5.11: any rate may be signalled; we run the session rates only.
    case 'L16':
      return SESSION_RATES.includes(options.clockRate) ? { name: 'L16', sampleRate: options.clockRate } : null;
    default:
      return null;
  }
}
