// Browser agents send a heartbeat; one whose console is gone (tab closed, laptop asleep, network
// lost) stops, and after `timeoutMs` without one the agent is logged out, so calls are not offered
// to a desk nobody sits at (Amazon Connect's stale-agent problem). Only agents logged in through
// the API/console are watched: a desk phone's *50 login has the phone's registration instead.
import type { Clock, Logger, TimerHandle } from '../sip/index.js';
import type { Acd } from './engine.js';

export class AgentHeartbeats {
  readonly #acd: Acd;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  /** agent id → the timer that logs it out */
  readonly #watched = new Map<string, TimerHandle>();

  constructor(o: { acd: Acd; clock: Clock; logger: Logger; timeoutMs: number }) {
    this.#acd = o.acd;
    this.#clock = o.clock;
    this.#logger = o.logger;
    this.#timeoutMs = o.timeoutMs;
    // a log-out by any other way ends the watch
    o.acd.events.on('logout', ({ agent }) => this.forget(agent.config.id));
  }

  /** the agent logged in from a browser: watch it from now (0 disables) */
  watch(agentId: string): void {
    if (this.#timeoutMs > 0) this.#arm(agentId);
  }

  /** a heartbeat: false when the agent is not logged in from a browser (the console logs in again) */
  beat(agentId: string): boolean {
    if (!this.#watched.has(agentId)) return false;
    this.#arm(agentId);
    return true;
  }

  /** whether the agent logged in from a browser and is watched now */
  watching(agentId: string): boolean {
    return this.#watched.has(agentId);
  }

  /** how long a browser agent may go without a heartbeat (0: not watched) */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  forget(agentId: string): void {
    const t = this.#watched.get(agentId);
    if (t !== undefined) this.#clock.clearTimeout(t);
    this.#watched.delete(agentId);
  }

  #arm(agentId: string): void {
    this.forget(agentId);
    this.#watched.set(
      agentId,
      this.#clock.setTimeout(() => {
        this.#watched.delete(agentId);
        this.#logger.warn({ agent: agentId, afterMs: this.#timeoutMs }, 'browser agent heartbeat lost: logged out');
        this.#acd.desk.logout({ agentId });
      }, this.#timeoutMs),
    );
  }

  close(): void {
    for (const id of [...this.#watched.keys()]) this.forget(id);
  }
}
