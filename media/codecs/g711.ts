/**
 * ITU-T G.711 µ-law (PCMU) and A-law (PCMA) companding, RTP per RFC 3551 §4.5.14.
 *
 * G.711 defines µ-law on 14-bit and A-law on 13-bit linear samples; our 16-bit PCM is rounded to
 * the nearest 14/13-bit value (halves up, the top clipped) before quantizing, as sox and libsndfile
 * do, which keeps the truncation bias out of the decision levels. Decoded values are scaled back to
 * 16 bits. Encode and decode are one table look-up each; the tables are built once when the
 * module loads.
 */
import type { AudioCodec } from './types.js';
import { WaveformPlc } from './plc.js';

/** G.711 §2 (Table 2a): µ-law on the 14-bit magnitude, biased by 33 so segment ends are powers of two. */
function ulawFromLinear14(value: number): number {
  let magnitude = value < 0 ? -value : value;
  if (magnitude > 8159) magnitude = 8159; // top decision level of segment 8
  const biased = magnitude + 33; // 33..8192
  const segment = 31 - Math.clz32(biased) - 5; // 0..7
  // 8192 (the clip level itself) would start a ninth segment: it takes the top code instead.
  const code = segment > 7 ? 0x7f : (segment << 4) | ((biased >> (segment + 1)) & 0x0f);
  // Character signal: sign bit 1 for positive, then every bit inverted (Table 2a, note 1).
  return value < 0 ? code ^ 0x7f : code ^ 0xff;
}

/** G.711 §3 (Table 1a): A-law on the 13-bit magnitude; negative values use |x|-1 (one's complement). */
function alawFromLinear13(value: number): number {
  const magnitude = value >= 0 ? value : -value - 1;
  let code: number;
  if (magnitude >= 4096) {
    code = 0x7f;
  } else if (magnitude < 32) {
    code = magnitude >> 1; // segments 0 and 1 share the step size 2
  } else {
    const segment = 31 - Math.clz32(magnitude) - 4; // 1..7
    code = (segment << 4) | ((magnitude >> segment) & 0x0f);
  }
  // Positive values carry sign bit 1; even bits are inverted on the line (Table 1a, note 2).
  return value >= 0 ? code ^ 0xd5 : code ^ 0x55;
}

/** Table 2a decoder output: the mid-point of the decision interval, 14-bit, scaled to 16. */
function linearFromUlaw(code: number): number {
  const inverted = ~code & 0xff;
  const segment = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << segment) - 0x84;
  return inverted & 0x80 ? -magnitude : magnitude;
}

/** Table 1a decoder output, 13-bit mid-points scaled to 16. */
function linearFromAlaw(code: number): number {
  const value = code ^ 0x55;
  const segment = (value >> 4) & 0x07;
  const mantissa = value & 0x0f;
  const magnitude = segment === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (segment - 1);
  return value & 0x80 ? magnitude : -magnitude;
}

function buildEncodeTable(encode: (sample: number) => number): Uint8Array {
  const table = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) table[i] = encode((i << 16) >> 16);
  return table;
}

function buildDecodeTable(decode: (code: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = decode(code);
  return table;
}

/** Indexed by the 16-bit sample as unsigned (sample & 0xffff). */
export const ULAW_ENCODE: Readonly<Uint8Array> = buildEncodeTable((s) => ulawFromLinear14(Math.min(8191, (s + 2) >> 2)));
export const ALAW_ENCODE: Readonly<Uint8Array> = buildEncodeTable((s) => alawFromLinear13(Math.min(4095, (s + 4) >> 3)));
export const ULAW_DECODE: Readonly<Int16Array> = buildDecodeTable(linearFromUlaw);
export const ALAW_DECODE: Readonly<Int16Array> = buildDecodeTable(linearFromAlaw);

export class G711Codec implements AudioCodec {
  readonly name: 'PCMU' | 'PCMA';
  readonly sampleRate = 8000;
  readonly rtpClockRate = 8000;
  readonly payloadBytesPerFrame = 160;
  readonly #encodeTable: Readonly<Uint8Array>;
  readonly #decodeTable: Readonly<Int16Array>;
  readonly #plc = new WaveformPlc({ sampleRate: 8000 });

  constructor(options: { name: 'PCMU' | 'PCMA' }) {
    this.name = options.name;
    this.#encodeTable = options.name === 'PCMU' ? ULAW_ENCODE : ALAW_ENCODE;
    this.#decodeTable = options.name === 'PCMU' ? ULAW_DECODE : ALAW_DECODE;
  }

  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    if (length < 0 || length > payload.length) return -1;
    const n = Math.min(length, out.length);
    const table = this.#decodeTable;
    for (let i = 0; i < n; i++) out[i] = table[payload[i]!]!;
    this.#plc.decoded(out, n);
    return n;
  }

  encode(pcm: Int16Array, samples: number, out: Uint8Array): number {
    const n = Math.min(samples, pcm.length, out.length);
    const table = this.#encodeTable;
    for (let i = 0; i < n; i++) out[i] = table[pcm[i]! & 0xffff]!;
    return n;
  }

  conceal(out: Int16Array, samples: number): number {
    return this.#plc.conceal(out, samples);
  }

  recover(_next: Uint8Array, _length: number, out: Int16Array, samples: number): number {
    return this.#plc.conceal(out, samples);
  }

  close(): void {}
}
