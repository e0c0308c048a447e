// One step of a call that rings phones: the forked legs towards the contacts of one extension, a
// ring group's members or a forward target, and the timer that gives up on them. The first 2xx
// wins (RFC 3261 §16.7 for a B2BUA) and the other forks are cancelled; when all fail, the best
// failure (§16.7 step 6) is the step's outcome, and the call's handler chain decides what follows.
import type { Clock, Logger, SipResponse, TimerHandle } from '../sip/index.js';
import type { OutboundLeg } from './outbound-leg.js';
import { ANSWERED_ELSEWHERE, FAILURES, bestFailure, failureFromCallee, type Failure } from './outcome.js';
import type { HangupSide } from './types.js';

export type DialResult =
  | { readonly answered: true; readonly leg: OutboundLeg; readonly response: SipResponse }
  | { readonly answered: false; readonly failure: Failure; readonly by: HangupSide };

export interface DialAttemptOptions {
  readonly forks: readonly OutboundLeg[];
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly callId: string;
  /** a provisional response from a fork still wanted */
  readonly progress: (response: SipResponse) => void;
}

export class DialAttempt {
  readonly result: Promise<DialResult>;
  readonly #o: DialAttemptOptions;
  readonly #failures: { status: number; reason?: string }[] = [];
  #settle!: (r: DialResult) => void;
  #done = false;
  #timer: TimerHandle | undefined;

  constructor(options: DialAttemptOptions) {
    this.#o = options;
    this.result = new Promise((resolve) => (this.#settle = resolve));
    this.#timer = options.clock.setTimeout(() => this.stop(FAILURES.noAnswer, 'system'), options.timeoutMs);
    for (const leg of options.forks) {
      leg
        .start((r) => {
          if (!this.#done && leg.wanted && r.status !== 100) options.progress(r);
        })
        .then((r) => this.#final(leg, r))
        .catch((err: unknown) => {
          options.logger.error({ call: options.callId, err: String(err) }, 'outbound leg failed');
          this.#final(leg, undefined);
        });
    }
  }

  get settled(): boolean {
    return this.#done;
  }

  /** Ends the attempt without an answer: every fork is cancelled (RFC 3261 §9.1). */
  stop(failure: Failure, by: HangupSide): void {
    if (this.#done) return;
    // RFC 3326: a call another phone picked up was answered elsewhere
    const reason = failure.cause === 'picked-up' ? ANSWERED_ELSEWHERE : undefined;
    for (const leg of this.#o.forks) leg.cancel(reason);
    this.#finish({ answered: false, failure, by });
  }

  #final(leg: OutboundLeg, response: SipResponse | undefined): void {
    const status = response?.status ?? 500;
    if (status >= 200 && status < 300 && response) {
      if (this.#done || !leg.wanted) return; // the leg ends itself with BYE
      // RFC 3326: the other phones learn the call was answered elsewhere (no missed call on them)
      for (const other of this.#o.forks) if (other !== leg) other.cancel(ANSWERED_ELSEWHERE);
      this.#finish({ answered: true, leg, response });
      return;
    }
    if (leg.wanted) this.#failures.push({ status, ...(response?.reason ? { reason: response.reason } : {}) });
    const open = this.#o.forks.some((f) => f.wanted && f.sipStatus === null);
    if (this.#done || open) return;
    const best = bestFailure(this.#failures);
    this.#finish({ answered: false, failure: best ? failureFromCallee(best.status, best.reason) : FAILURES.unavailable, by: 'callee' });
  }

  #finish(result: DialResult): void {
    this.#done = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#settle(result);
  }
}
