// Call quality estimate: the ITU-T G.107 E-model with codec impairments from ITU-T G.113.
//   R = Ro - Is - Id - Ie,eff + A, with G.107 default values giving Ro - Is = 93.2 (and A = 0).

export type EmodelCodec = 'PCMU' | 'PCMA' | 'G722' | 'opus';

export interface EmodelOptions {
  codec: EmodelCodec;
  /** packet loss in percent (0..100), e.g. fraction lost * 100 */
  lossPercent: number;
  /** interarrival jitter in ms (RFC 3550 A.8) */
  jitterMs: number;
  /** round-trip time in ms (RFC 3550 §6.4.1) */
  rttMs: number;
  /** playout (jitter buffer) delay in ms; default 2 * jitter + one 20 ms frame */
  jitterBufferMs?: number;
  /** whether the receiver conceals lost packets (PLC); default true */
  plc?: boolean;
}

export interface EmodelResult {
  r: number;
  mos: number;
  /** the one-way (mouth-to-ear) delay used for Id, ms */
  delayMs: number;
}

/** G.107 default-values R (Ro - Is with every parameter at its default): §7.1 / Table 3. */
export const R_DEFAULT = 93.2;

/**
 * Equipment impairment Ie and packet-loss robustness Bpl. ITU-T G.113 Appendix I: G.711 Ie 0,
 * Bpl 4.3 without PLC and 25.1 with (G.711 Appendix I PLC). G.113 gives no narrowband entries for
 * G.722 or Opus (they belong to the wideband G.107.1 scale); on this narrowband scale we rate them as
 * G.711 with PLC, both having concealment built in, so their MOS is a floor, not a wideband score.
 */
function codecImpairment(codec: EmodelCodec, plc: boolean): { ie: number; bpl: number } {
  if ((codec === 'PCMU' || codec === 'PCMA') && !plc) return { ie: 0, bpl: 4.3 };
  return { ie: 0, bpl: 25.1 };
}

/**
 * G.107 §7.3 Idd, the impairment of a pure one-way delay Ta (ms), echo assumed cancelled:
 * Idd = 0 for Ta <= 100, else 25 * ((1 + X^6)^(1/6) - 3 * (1 + (X/3)^6)^(1/6) + 2), X = log2(Ta / 100).
 */
export function delayImpairment(ta: number): number {
  if (ta <= 100) return 0;
  const x = Math.log2(ta / 100);
  return 25 * ((1 + x ** 6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2);
}

/** G.107 §7.4: Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl), random loss (BurstR = 1). */
export function effectiveEquipmentImpairment(ie: number, bpl: number, lossPercent: number): number {
  const ppl = Math.min(100, Math.max(0, lossPercent));
  return ie + ((95 - ie) * ppl) / (ppl + bpl);
}

/** G.107 Annex B (B-4): MOS from R. */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/** R factor and MOS for a call leg from RTCP figures. */
export function mosFromEmodel(o: EmodelOptions): EmodelResult {
  const jitterBuffer = o.jitterBufferMs ?? 2 * Math.max(0, o.jitterMs) + 20;
  const delayMs = Math.max(0, o.rttMs) / 2 + jitterBuffer;
  const { ie, bpl } = codecImpairment(o.codec, o.plc ?? true);
  const r = R_DEFAULT - delayImpairment(delayMs) - effectiveEquipmentImpairment(ie, bpl, o.lossPercent);
  return { r, mos: mosFromR(r), delayMs };
}
