/**
 * L16 (RFC 3551 §4.5.11): uncompressed 16-bit signed samples "in network byte order" (big-endian),
 * mono here, at the session rate; the RTP clock equals the sample rate.
 */
import type { AudioCodec } from './types.js';
import { WaveformPlc } from './plc.js';

export class L16Codec implements AudioCodec {
  readonly name = 'L16';
  readonly sampleRate: number;
  readonly rtpClockRate: number;
  readonly payloadBytesPerFrame: number;
  readonly #plc: WaveformPlc;

  constructor(options: { sampleRate: number }) {
    this.sampleRate = options.sampleRate;
    this.rtpClockRate = options.sampleRate;
    this.payloadBytesPerFrame = (options.sampleRate / 50) * 2;
    this.#plc = new WaveformPlc({ sampleRate: options.sampleRate });
  }

  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    // An odd length cannot be whole samples.
    if (length < 0 || length > payload.length || (length & 1) !== 0) return -1;
    const n = Math.min(length >> 1, out.length);
    for (let i = 0; i < n; i++) out[i] = (payload[2 * i]! << 8) | payload[2 * i + 1]!; // Int16Array wraps to signed
    this.#plc.decoded(out, n);
    return n;
  }

  encode(pcm: Int16Array, samples: number, out: Uint8Array): number {
    const n = Math.min(samples, pcm.length, out.length >> 1);
    for (let i = 0; i < n; i++) {
      const s = pcm[i]!;
      out[2 * i] = s >> 8;
      out[2 * i + 1] = s;
    }
    return n * 2;
  }

  conceal(out: Int16Array, samples: number): number {
    return this.#plc.conceal(out, samples);
  }

  recover(_next: Uint8Array, _length: number, out: Int16Array, samples: number): number {
    return this.#plc.conceal(out, samples);
  }

  close(): void {}
}
