// Supervisor monitoring on a Mixer's hearing matrix (the call-center "silent monitor / whisper /
// barge-in" features). Each call sets every pair between the supervisor and the call's members, so
// modes can be switched at any time and applying the same mode twice changes nothing. Members
// added to the call later hear the supervisor by default: apply the mode again after a change.
import type { Mixer } from './mixer.js';

export type MonitorMode = 'listen' | 'whisper' | 'barge';

export interface MonitorOptions {
  readonly supervisor: number;
  /** the monitored agent */
  readonly agent: number;
  /** everyone else in the call (the customer, a third party) */
  readonly others: readonly number[];
  readonly mode: MonitorMode;
}

/**
 * listen:  the supervisor hears the agent and the others, and is heard by nobody;
 * whisper: the supervisor hears everyone, and is heard by the agent only (coaching the customer cannot hear);
 * barge:   the supervisor hears everyone and is heard by everyone (a normal conference member).
 */
export function applyMonitor(mixer: Mixer, options: MonitorOptions): void {
  const { supervisor, agent, mode } = options;
  mixer.setHears(supervisor, agent, true);
  mixer.setHears(agent, supervisor, mode !== 'listen');
  for (const other of options.others) {
    if (other === supervisor || other === agent) continue;
    mixer.setHears(supervisor, other, true);
    mixer.setHears(other, supervisor, mode === 'barge');
  }
}
