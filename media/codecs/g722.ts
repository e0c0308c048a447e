/**
 * ITU-T G.722 wideband ADPCM at 64 kbit/s (mode 1): a 24-tap QMF splits 16 kHz PCM into two
 * 8 kHz sub-bands, coded with 6-bit (lower) and 2-bit (higher) ADPCM into one octet per sample
 * pair, IH in the two most significant bits (G.722 §1.4.4). RTP per RFC 3551 §4.5.2: the RTP
 * clock is 8000 Hz although the PCM runs at 16 kHz.
 *
 * Our PCM is 16-bit where the Recommendation's is 14-bit: the transmit QMF output is scaled to the
 * 15-bit sub-band range and the receive QMF back to 16 bits, the convention of the VoIP G.722
 * implementations we interoperate with.
 */
import type { AudioCodec } from './types.js';
import { SubBand, saturate } from './g722-band.js';
import {
  IHN, IHP, ILN, ILP, NBH_MAX, NBL_MAX, Q2, Q6, QM2, QM4, QM6, QMF_COEFFICIENTS, RH2, RL42, WH, WL,
} from './g722-tables.js';
import { WaveformPlc } from './plc.js';


/** Full 24-tap impulse response h(0..23), symmetric (G.722 §3.2 Table 11). */
const H = new Int32Array(24);
for (let i = 0; i < 12; i++) H[i] = H[23 - i] = QMF_COEFFICIENTS[i]!;

/**
 * The QMF delay line: 24 samples, kept twice (index i and i + 24) so the current window
 * window[start .. start + 24) is always contiguous and a new pair costs two writes, not a shift.
 */
class DelayLine {
  readonly x = new Int32Array(48);
  /** window position 0 (oldest) is x[start]; position 23 (newest) is x[start + 23] */
  start = 0;

  push(older: number, newer: number): void {
    this.start = (this.start + 2) % 24;
    const a = (this.start + 22) % 24; // start is even, so a is too and a + 1 < 24
    this.x[a] = this.x[a + 24] = older;
    this.x[a + 1] = this.x[a + 25] = newer;
  }

  reset(): void {
    this.x.fill(0);
    this.start = 0;
  }
}

function limit15(value: number): number {
  return value > 16383 ? 16383 : value < -16384 ? -16384 : value;
}

/** Sub-band encoder and transmit QMF. */
export class G722Encoder {
  readonly #low = new SubBand({ lower: true });
  readonly #high = new SubBand({ lower: false });
  /** the last 24 input samples */
  readonly #line = new DelayLine();

  /** Encodes `samples` (even) PCM samples into samples/2 octets; returns octets written. */
  encode(pcm: Int16Array, samples: number, out: Uint8Array): number {
    const pairs = Math.min(samples >> 1, pcm.length >> 1, out.length);
    const line = this.#line;
    const x = line.x;
    for (let n = 0; n < pairs; n++) {
      line.push(pcm[2 * n]!, pcm[2 * n + 1]!);
      const newest = line.start + 23;
      // §3.2: xA from the even taps on the newest sample, xB from the odd taps one sample back.
      let xa = 0;
      let xb = 0;
      for (let i = 0; i < 12; i++) {
        xa += H[2 * i]! * x[newest - 2 * i]!;
        xb += H[2 * i + 1]! * x[newest - 1 - 2 * i]!;
      }
      out[n] = (this.#encodeHigh((xa - xb) >> 14) << 6) | this.#encodeLow((xa + xb) >> 14);
    }
    return pairs;
  }

  /** §6.2.1: SUBTRA, QUANTL, INVQAL, LOGSCL, SCALEL, then the predictor on the 4-bit difference. */
  #encodeLow(xl: number): number {
    const band = this.#low;
    const el = saturate(xl - band.s);
    const wd = el >= 0 ? el : -(el + 1);
    let mil = 1;
    while (mil < 30 && wd >= (Q6[mil]! * band.det) >> 12) mil++;
    const il = el < 0 ? ILN[mil]! : ILP[mil]!;
    const ril = il >> 2;
    const dlt = (band.det * QM4[ril]!) >> 15;
    band.adaptScale(WL[RL42[ril]!]!, NBL_MAX);
    band.predict(dlt);
    return il;
  }

  /** §6.2.2: SUBTRA, QUANTH (one decision level), INVQAH, LOGSCH, SCALEH, predictor. */
  #encodeHigh(xh: number): number {
    const band = this.#high;
    const eh = saturate(xh - band.s);
    const wd = eh >= 0 ? eh : -(eh + 1);
    const mih = wd >= (Q2 * band.det) >> 12 ? 2 : 1;
    const ih = eh < 0 ? IHN[mih]! : IHP[mih]!;
    const dh = (band.det * QM2[ih]!) >> 15;
    band.adaptScale(WH[RH2[ih]!]!, NBH_MAX);
    band.predict(dh);
    return ih;
  }

  reset(): void {
    this.#low.reset({ lower: true });
    this.#high.reset({ lower: false });
    this.#line.reset();
  }
}

/** Sub-band decoder and receive QMF. */
export class G722Decoder {
  readonly #low = new SubBand({ lower: true });
  readonly #high = new SubBand({ lower: false });
  /** receive QMF delay line: sums rL + rH at even window positions, differences rL - rH at odd */
  readonly #line = new DelayLine();

  /** Decodes `length` octets into 2 × length PCM samples; returns samples written. */
  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    const octets = Math.min(length, payload.length, out.length >> 1);
    const line = this.#line;
    const x = line.x;
    for (let n = 0; n < octets; n++) {
      const code = payload[n]!;
      const rl = this.#decodeLow(code & 0x3f);
      const rh = this.#decodeHigh(code >> 6);
      line.push(rl + rh, rl - rh);
      const newest = line.start + 23;
      // §4.4: the first output sample from the difference signal on the even taps, the second
      // from the sum signal on the odd taps (h(2i+1) = h(22-2i) by symmetry).
      let first = 0;
      let second = 0;
      for (let i = 0; i < 12; i++) {
        first += H[2 * i]! * x[newest - 2 * i]!;
        second += H[2 * i + 1]! * x[newest - 1 - 2 * i]!;
      }
      out[2 * n] = saturate(first >> 11);
      out[2 * n + 1] = saturate(second >> 11);
    }
    return octets * 2;
  }

  /** §6.3.1 mode 1: INVQBL with the 6-bit code for the output, INVQAL with 4 bits for the predictor. */
  #decodeLow(il: number): number {
    const band = this.#low;
    const ril = il >> 2;
    const rl = limit15(band.s + ((band.det * QM6[il]!) >> 15));
    const dlt = (band.det * QM4[ril]!) >> 15;
    band.adaptScale(WL[RL42[ril]!]!, NBL_MAX);
    band.predict(dlt);
    return rl;
  }

  /** §6.3.2: INVQAH, RECONS with LIMIT, LOGSCH, SCALEH, predictor. */
  #decodeHigh(ih: number): number {
    const band = this.#high;
    const dh = (band.det * QM2[ih]!) >> 15;
    const rh = limit15(band.s + dh);
    band.adaptScale(WH[RH2[ih]!]!, NBH_MAX);
    band.predict(dh);
    return rh;
  }

  reset(): void {
    this.#low.reset({ lower: true });
    this.#high.reset({ lower: false });
    this.#line.reset();
  }
}

export class G722Codec implements AudioCodec {
  readonly name = 'G722';
  readonly sampleRate = 16000;
  /** RFC 3551 §4.5.2: "the RTP clock rate ... is 8,000 Hz" for historical reasons. */
  readonly rtpClockRate = 8000;
  readonly payloadBytesPerFrame = 160;
  readonly #encoder = new G722Encoder();
  readonly #decoder = new G722Decoder();
  readonly #plc = new WaveformPlc({ sampleRate: 16000 });

  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    if (length < 0 || length > payload.length) return -1;
    const n = this.#decoder.decode(payload, length, out);
    this.#plc.decoded(out, n);
    return n;
  }

  encode(pcm: Int16Array, samples: number, out: Uint8Array): number {
    return this.#encoder.encode(pcm, samples, out);
  }

  conceal(out: Int16Array, samples: number): number {
    return this.#plc.conceal(out, samples);
  }

  recover(_next: Uint8Array, _length: number, out: Int16Array, samples: number): number {
    return this.#plc.conceal(out, samples);
  }

  close(): void {}
}
