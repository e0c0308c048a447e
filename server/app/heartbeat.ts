// The process heartbeat: "alive at t" written every intervalMs through the batching writer, so that
// after a crash the calls it cut off end at the last beat, not at the restart (issue 18). A beat is
// one upsert of one row, and it shares its commit with whatever else is being written.
import type { Clock, Logger, TimerHandle } from '../sip/index.js';

export interface HeartbeatOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs: number;
  /** stores "alive at `at`"; resolves once durable */
  readonly beat: (at: number) => Promise<void>;
}

export interface Heartbeat {
  /** no further beats; idempotent */
  stop(): void;
}

export function startHeartbeat(o: HeartbeatOptions): Heartbeat {
  let timer: TimerHandle | undefined;
  let stopped = false;
  let failing = false;
  const beat = () => {
    timer = undefined;
    if (stopped) return;
    o.beat(o.clock.now()).then(
      () => {
        if (failing) o.logger.info('heartbeat stored again');
        failing = false;
      },
      (err: unknown) => {
        // said once per outage: a database that cannot keep up would otherwise log every second
        if (!failing) o.logger.warn({ err: String(err) }, 'heartbeat not stored; calls cut off by a crash now may end at an earlier beat');
        failing = true;
      },
    );
    // the next beat is timed from this one, not from the commit: a slow commit never spaces beats out
    timer = o.clock.setTimeout(beat, o.intervalMs);
  };
  beat();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) o.clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
