/**
 * One G.722 sub-band's ADPCM state and the blocks both sub-bands share (ITU-T G.722 §6.2):
 * the adaptive predictor (PARREC, UPPOL2, UPPOL1, UPZERO, DELAYA, RECONS, FILTEP, FILTEZ, PREDIC)
 * and the scale factor adaptation (LOGSCL/LOGSCH, SCALEL/SCALEH). Encoder and decoder run the same
 * blocks on the same quantized difference, which is what keeps them in step.
 */
import { ILB } from './g722-tables.js';

/** The Recommendation's "limit" of every 16-bit intermediate result. */
export function saturate(value: number): number {
  return value > 32767 ? 32767 : value < -32768 ? -32768 : value;
}

export class SubBand {
  /** predicted signal SL/SH, used by the next sample */
  s = 0;
  /** pole-section contribution SPL/SPH and zero-section contribution SZL/SZH */
  sp = 0;
  sz = 0;
  /** log scale factor NBL/NBH and quantizer scale factor DETL/DETH */
  nb = 0;
  det: number;
  /** reconstructed signal RLT/RHT, delayed by 1 and 2 */
  r1 = 0;
  r2 = 0;
  /** partially reconstructed signal PLT/PH, delayed by 1 and 2 */
  p1 = 0;
  p2 = 0;
  /** pole coefficients AL1/AL2 (AH1/AH2) */
  a1 = 0;
  a2 = 0;
  /** zero coefficients BL1..BL6 and quantized differences DLT1..DLT6 (index 0 unused) */
  readonly b = new Int32Array(7);
  readonly d = new Int32Array(7);
  readonly #scaleShift: number;

  /** `lower`: §6.2.1 reset values DETL = 32, SCALEL shift base 8; higher: DETH = 8, base 10. */
  constructor(options: { lower: boolean }) {
    this.det = options.lower ? 32 : 8;
    this.#scaleShift = options.lower ? 8 : 10;
  }

  /** LOGSCL/LOGSCH then SCALEL/SCALEH: leakage 127/128 plus the multiplier, limited, then antilog. */
  adaptScale(multiplier: number, nbMax: number): void {
    let nb = ((this.nb * 127) >> 7) + multiplier;
    if (nb < 0) nb = 0;
    else if (nb > nbMax) nb = nbMax;
    this.nb = nb;
    const wd1 = (nb >> 6) & 31;
    const shift = this.#scaleShift - (nb >> 11);
    const wd3 = shift < 0 ? ILB[wd1]! << -shift : ILB[wd1]! >> shift;
    this.det = wd3 << 2;
  }

  /** Runs the predictor blocks for this sample's quantized difference `dq` (DLT/DH). */
  predict(dq: number): void {
    // PARREC: partially reconstructed signal.
    const p = saturate(dq + this.sz);
    const sg0 = p >> 31;
    const sg1 = this.p1 >> 31;
    const sg2 = this.p2 >> 31;

    // UPPOL2: second pole coefficient, limited to ±12288.
    const wd1 = saturate(this.a1 << 2);
    let wd2 = sg0 === sg1 ? -wd1 : wd1;
    wd2 = wd2 > 32767 ? 32767 : wd2;
    const wd4 = (wd2 >> 7) + (sg0 === sg2 ? 128 : -128);
    let a2 = wd4 + ((this.a2 * 32512) >> 15);
    if (a2 > 12288) a2 = 12288;
    else if (a2 < -12288) a2 = -12288;

    // UPPOL1: first pole coefficient, limited to ±(15360 - AL2).
    let a1 = saturate((sg0 === sg1 ? 192 : -192) + ((this.a1 * 32640) >> 15));
    const limit = saturate(15360 - a2);
    if (a1 > limit) a1 = limit;
    else if (a1 < -limit) a1 = -limit;

    // UPZERO: sign-sign update of the six zero coefficients, with leakage 255/256.
    const step = dq === 0 ? 0 : 128;
    const sgd = dq >> 31;
    const b = this.b;
    const d = this.d;
    for (let i = 1; i <= 6; i++) {
      const wd = (d[i]! >> 31) === sgd ? step : -step;
      b[i] = saturate(wd + ((b[i]! * 32640) >> 15));
    }

    // DELAYA: shift the difference and partial-reconstruction histories.
    for (let i = 6; i > 1; i--) d[i] = d[i - 1]!;
    d[1] = dq;
    this.p2 = this.p1;
    this.p1 = p;
    this.a1 = a1;
    this.a2 = a2;

    // RECONS: reconstructed signal from the previous prediction.
    const r = saturate(this.s + dq);
    this.r2 = this.r1;
    this.r1 = r;

    // FILTEP: pole section on the doubled reconstructed signal.
    const pole1 = (a1 * saturate(this.r1 + this.r1)) >> 15;
    const pole2 = (a2 * saturate(this.r2 + this.r2)) >> 15;
    this.sp = saturate(pole1 + pole2);

    // FILTEZ: zero section on the doubled differences.
    let sz = 0;
    for (let i = 1; i <= 6; i++) sz += (b[i]! * saturate(d[i]! + d[i]!)) >> 15;
    this.sz = saturate(sz);

    // PREDIC.
    this.s = saturate(this.sp + this.sz);
  }

  reset(options: { lower: boolean }): void {
    this.s = this.sp = this.sz = this.nb = 0;
    this.r1 = this.r2 = this.p1 = this.p2 = this.a1 = this.a2 = 0;
    this.b.fill(0);
    this.d.fill(0);
    this.det = options.lower ? 32 : 8;
  }
}
