// When the next RTCP compound is due (RFC 3550 §6.2, §6.3.1). A two-party call at telephone rates
// always lands on the 5 s minimum (5 % of 64 kbit/s over two members and ~100-octet reports gives
// 0.5 s), so the member-count and bandwidth terms are left out: Td = Tmin.

/** §6.2: "the recommended value for a fixed minimum interval is 5 seconds" */
export const RTCP_MIN_INTERVAL_MS = 5000;
/** §6.3.1: e - 3/2, the compensation for timer reconsideration converging below the target bandwidth */
const COMPENSATION = Math.E - 1.5;

export interface RtcpIntervalOptions {
  /** §6.2: the first report may go after half the minimum */
  readonly initial: boolean;
  /** uniform in [0, 1); Math.random outside tests */
  readonly random: () => number;
  readonly minMs?: number;
}

/** §6.3.1: T = Td * (random in [0.5, 1.5]) / (e - 3/2), Td = Tmin (halved for the first report). */
export function rtcpIntervalMs(o: RtcpIntervalOptions): number {
  const td = (o.minMs ?? RTCP_MIN_INTERVAL_MS) * (o.initial ? 0.5 : 1);
  return (td * (0.5 + o.random())) / COMPENSATION;
}
