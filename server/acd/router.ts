// When the ACD decides: routing runs after every change that may allow a match (an agent freed, a
// caller joined, a requirement widened). Changes only mark an agent or an interaction dirty;
// pump() drains both sets, so a driver that calls back into the engine from ring() cannot
// re-enter a decision half made.
import type { Clock } from '../sip/index.js';
import type { Agent } from './agent.js';
import type { Interaction } from './interaction.js';
import type { Offers } from './offers.js';
import { requirementsOf, route } from './routing.js';
import { shortfall } from './skills.js';
import type { QueueRuntime } from './engine.js';
import { serviceOrder } from './waiting.js';

export interface RouterHost {
  readonly clock: Clock;
  readonly random: () => number;
  readonly queues: ReadonlyMap<string, QueueRuntime>;
  readonly agents: ReadonlyMap<string, Agent>;
  readonly agentQueues: ReadonlyMap<string, ReadonlySet<string>>;
  readonly offers: () => Offers;
}

export class Router {
  readonly #h: RouterHost;
  readonly #dirtyAgents = new Set<string>();
  readonly #dirtyInteractions = new Set<Interaction>();
  #pumping = false;

  constructor(host: RouterHost) {
    this.#h = host;
  }

  markAgent(agentId: string): void {
    this.#dirtyAgents.add(agentId);
  }

  markInteraction(i: Interaction): void {
    this.#dirtyInteractions.add(i);
  }

  /** drains the dirty sets: each freed agent takes the best caller of its queues, each new caller the best agent */
  pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#dirtyInteractions.size > 0 || this.#dirtyAgents.size > 0) {
        for (const i of this.#dirtyInteractions) {
          this.#dirtyInteractions.delete(i);
          this.#tryRoute(i);
        }
        for (const id of this.#dirtyAgents) {
          this.#dirtyAgents.delete(id);
          this.#tryAgent(id);
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  #tryRoute(i: Interaction): boolean {
    const h = this.#h;
    const q = h.queues.get(i.queueId);
    if (!q || i.phase !== 'waiting' || (i.callback !== null && i.callback.notBefore > h.clock.now())) return false;
    const r = route(i, { queue: q.config, members: q.members, agents: h.agents, memory: q.memory, random: h.random, now: h.clock.now() });
    if (r.pick === null) return false;
    q.memory = r.pick.memory;
    h.offers().open(i, q, r.pick, r.decision);
    return true;
  }

  /** fair longest-waiting selection across the agent's queues: the best caller (priority, then arrival) this agent may take */
  #tryAgent(agentId: string): void {
    const h = this.#h;
    const agent = h.agents.get(agentId);
    for (let guard = 0; agent && guard < 16; guard++) {
      let best: Interaction | undefined;
      for (const queueId of h.agentQueues.get(agentId) ?? []) {
        const q = h.queues.get(queueId)!;
        for (const i of q.waiting.items) {
          if (best !== undefined && serviceOrder(best, i) <= 0) break;
          if (i.phase !== 'waiting' || i.tried.has(agentId) || !agent.eligible(i.channel)) continue;
          if (i.callback !== null && i.callback.notBefore > h.clock.now()) continue;
          if (shortfall(agent.config.skills, requirementsOf(i, q.config, h.clock.now())) !== null) continue;
          best = i;
          break;
        }
      }
      if (best === undefined || !this.#tryRoute(best)) return;
    }
  }
}
