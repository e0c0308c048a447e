// RFC 3261 §17.1.1.1 / Table 4: the base timer values every transaction timer derives from.
// They are configurable per stack (a lab with a lossy link may raise T1), never per transaction.

export interface TimerValues {
  /** RTT estimate, default 500 ms */
  readonly t1: number;
  /** maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s */
  readonly t2: number;
  /** maximum time a message remains in the network, default 5 s */
  readonly t4: number;
}

export const DEFAULT_TIMER_VALUES: TimerValues = { t1: 500, t2: 4000, t4: 5000 };

/** Fill in defaults; non-positive or non-finite values fall back to the RFC default. */
export function timerValues(partial?: Partial<TimerValues>): TimerValues {
  const pick = (v: number | undefined, d: number): number => (v !== undefined && Number.isFinite(v) && v > 0 ? v : d);
  return {
    t1: pick(partial?.t1, DEFAULT_TIMER_VALUES.t1),
    t2: pick(partial?.t2, DEFAULT_TIMER_VALUES.t2),
    t4: pick(partial?.t4, DEFAULT_TIMER_VALUES.t4),
  };
}

/** RFC 3261 §17.1.1.2: Timer D is "> 32 s for unreliable transports, 0 s for reliable". */
export const TIMER_D_UNRELIABLE_MS = 32_000;

/** RFC 3261 §17.2.1: a 100 Trying is owed when the TU has not answered an INVITE within 200 ms. */
export const AUTO_TRYING_MS = 200;
