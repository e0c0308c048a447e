// Graceful stop with a deadline. SIGTERM first drains (stop accepting, end calls with BYE, close
// SIP); a peer that never finishes (a half-open socket, a phone that never answers the BYE) must not
// keep the process up, so after the deadline whatever is still open is destroyed and the stop goes
// on to flush the database, as Kamailio's and nginx's graceful shutdown timeouts do.
import type { Clock, TimerHandle } from '../sip/clock.js';
import type { Logger } from '../sip/logger.js';

export interface DrainOptions {
  readonly clock: Clock;
  readonly deadlineMs: number;
  readonly logger: Logger;
  /** the graceful part */
  readonly drain: () => Promise<void>;
  /** what the deadline does: destroy every connection still open */
  readonly force: () => Promise<void>;
}

/** Resolves 'drained' when drain() finished in time, 'forced' when the deadline cut it short. */
export async function drainWithDeadline(o: DrainOptions): Promise<'drained' | 'forced'> {
  let timer: TimerHandle | undefined;
  const expired = new Promise<'forced'>((resolve) => {
    timer = o.clock.setTimeout(() => resolve('forced'), o.deadlineMs);
  });
  const drained = o.drain().then(
    () => 'drained' as const,
    (err: unknown) => {
      o.logger.error({ err: String(err) }, 'graceful drain failed');
      return 'drained' as const;
    },
  );
  const outcome = await Promise.race([drained, expired]);
  if (timer) o.clock.clearTimeout(timer);
  if (outcome === 'forced') {
    o.logger.warn({ deadlineMs: o.deadlineMs }, 'drain deadline passed: destroying the remaining connections');
    await o.force().catch((err: unknown) => o.logger.error({ err: String(err) }, 'destroying the remaining connections failed'));
  }
  return outcome;
}
