// RFC 3261 §13.3.1.4: once the INVITE server transaction has handed over its 2xx, the UAS core
// "MUST" retransmit it "with an interval that starts at T1 seconds and doubles for each
// retransmission until it reaches T2 seconds", until the ACK arrives, and gives up after 64*T1
// (then "the UAS core SHOULD ... terminate the dialog", by sending a BYE).
import type { Clock, TimerHandle } from '../clock.js';
import type { TimerValues } from '../transaction/timers.js';

export interface RetransmitOptions {
  readonly clock: Clock;
  readonly timers: TimerValues;
  /** a reliable transport carries the 2xx itself: only the 64*T1 wait for the ACK remains */
  readonly reliable: boolean;
  readonly resend: () => void;
  readonly onAckTimeout: () => void;
}

/** Starts retransmitting; the returned function stops it (call it when the ACK arrives). */
export function retransmitUntilAck(options: RetransmitOptions): () => void {
  const { clock, timers } = options;
  let interval = timers.t1;
  let retransmit: TimerHandle | undefined;
  const schedule = (): void => {
    retransmit = clock.setTimeout(() => {
      options.resend();
      interval = Math.min(interval * 2, timers.t2);
      schedule();
    }, interval);
  };
  if (!options.reliable) schedule();
  let giveUp: TimerHandle | undefined = clock.setTimeout(() => {
    giveUp = undefined;
    stop();
    options.onAckTimeout();
  }, 64 * timers.t1);
  const stop = (): void => {
    if (retransmit !== undefined) clock.clearTimeout(retransmit);
    if (giveUp !== undefined) clock.clearTimeout(giveUp);
    retransmit = undefined;
    giveUp = undefined;
  };
  return stop;
}
