/**
 * Constants of ITU-T G.722 (11/1988, reissued 09/2012) for the 64 kbit/s mode, named after the
 * Recommendation's variables. Integer values are those of the Recommendation's fixed-point
 * description (§6, Tables 6 to 18).
 */

/** QMF coefficients h0..h11 (Table 11, ×2^13); h(23-i) = h(i). */
export const QMF_COEFFICIENTS: readonly number[] = [3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876];

/** QUANTL: lower sub-band decision levels Q6(1..29) (Table 12), index 0 unused. */
export const Q6: readonly number[] = [
  0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940, 1023, 1121, 1219,
  1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
];

/** QUANTL: 6-bit codes for interval mil (1..30) of a negative (ILN) or positive (ILP) difference. */
export const ILN: readonly number[] = [
  0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
];
export const ILP: readonly number[] = [
  0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34,
  33, 32,
];

/** INVQAL: 4-bit inverse quantizer output QM4 indexed by IL >> 2 (Table 14), feeds the predictor. */
export const QM4: readonly number[] = [
  0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
];

/** INVQBL: 6-bit inverse quantizer output QM6 indexed by the full IL code (Table 15), decoder output in mode 1. */
export const QM6: readonly number[] = [
  -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232, -9360, -8576,
  -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400, -2032, -1688, -1360, -1040,
  -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
  4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136,
];

/** LOGSCL: log scale factor multipliers WL (Table 16) by the magnitude class RIL → RL42. */
export const WL: readonly number[] = [-60, -30, 58, 172, 334, 538, 1198, 3042];
export const RL42: readonly number[] = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0];

/** SCALEL/SCALEH: ILB, the antilog table 2^(i/32) × 2048 (Table 17). */
export const ILB: readonly number[] = [
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896, 2960, 3025,
  3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
];

/** QUANTH: higher sub-band decision level Q2 (Table 13) and the 2-bit codes IHN/IHP by interval mih. */
export const Q2 = 564;
export const IHN: readonly number[] = [0, 1, 0];
export const IHP: readonly number[] = [0, 3, 2];

/** INVQAH: 2-bit inverse quantizer output QM2 (Table 18). */
export const QM2: readonly number[] = [-7408, -1616, 7408, 1616];

/** LOGSCH: WH multipliers by RH2 = class of IH. */
export const WH: readonly number[] = [0, -214, 798];
export const RH2: readonly number[] = [2, 1, 2, 1];

/** Upper limits of the log scale factors NBL/NBH (LOGSCL/LOGSCH) and the SCALEL/SCALEH shift bases. */
export const NBL_MAX = 18432;
export const NBH_MAX = 22528;
