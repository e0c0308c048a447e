// The offers of interactions to agents: ringing each agent with its own ring timer, adding agents
// step by step (ring-progressively), the end of one agent's ringing with its outcome (a miss counts
// toward the agent's auto-break and starts the caller's retry timer), and the end of an offer, after
// which the caller waits again. The engine (engine.ts) asks; the driver rings.
import type { Clock, TimerHandle } from '../sip/index.js';
import { AgentState, type Agent } from './agent.js';
import type { AgentDesk } from './desk.js';
import type { AcdDriver, QueueRuntime } from './engine.js';
import type { AcdEvents } from './events.js';
import type { Decision, Interaction, OfferOutcome } from './interaction.js';
import type { StrategyPick } from './strategies/index.js';

const MISSES: ReadonlySet<OfferOutcome> = new Set(['no-answer', 'busy', 'rejected', 'unreachable']);

export interface OffersHost {
  readonly clock: Clock;
  readonly agents: ReadonlyMap<string, Agent>;
  readonly queues: ReadonlyMap<string, QueueRuntime>;
  readonly events: AcdEvents;
  readonly desk: AgentDesk;
  driver(): AcdDriver;
  /** the caller waits again: route it at the next pump */
  waitAgain(i: Interaction): void;
  pump(): void;
}

export class Offers {
  readonly #h: OffersHost;
  readonly #byOffer = new Map<string, Interaction>();
  /** interaction id → the timer that forgets who missed it */
  readonly #retry = new Map<string, TimerHandle>();

  constructor(host: OffersHost) {
    this.#h = host;
  }

  /** the interaction an offer id belongs to, while the offer lasts */
  of(offerId: string): Interaction | undefined {
    return this.#byOffer.get(offerId);
  }

  /** the retry timer is cleared with the interaction's other timers */
  forget(i: Interaction): void {
    this.#retry.delete(i.id);
  }

  /** makes the offer the routing decision chose and rings its first agents */
  open(i: Interaction, q: QueueRuntime, pick: StrategyPick, decision: Decision): void {
    const offer = { id: `${i.id}/${++i.offerSeq}`, ring: pick.ring, ringing: new Map(), later: pick.ring === 'progressive' ? pick.agents.slice(1) : [], step: null };
    i.offer = offer;
    i.phase = 'offered';
    i.decisions.push(decision);
    this.#byOffer.set(offer.id, i);
    for (const id of decision.chosen) this.ringAgent(i, id);
    if (offer.later.length > 0) this.progressiveStep(i, q.config.progressiveStepS * 1000);
    this.#h.events.emit('offered', { interaction: i, agentIds: decision.chosen, decision });
    this.#h.driver().ring({ offerId: offer.id, interaction: i, agents: decision.chosen.map((id) => this.#h.agents.get(id)!.config) });
  }

  ringAgent(i: Interaction, agentId: string): void {
    const q = this.#h.queues.get(i.queueId)!;
    const agent = this.#h.agents.get(agentId)!;
    const entry = { offerId: i.offer!.id, agentId, at: this.#h.clock.now(), endedAt: null, outcome: 'ringing' as OfferOutcome };
    i.offers.push(entry);
    agent.offers.set(entry.offerId, i.channel);
    const timer = this.#h.clock.setTimeout(() => {
      if (!i.offer?.ringing.has(agentId)) return;
      this.endRing(i, agentId, 'no-answer');
      this.#h.driver().stopRinging({ offerId: entry.offerId, interaction: i, agentIds: [agentId], reason: 'no-answer' });
      this.offerOver(i);
      this.#h.pump();
    }, q.config.ringTimeoutS * 1000);
    i.offer!.ringing.set(agentId, { entry, timer });
    this.#h.desk.settle(agent, null);
  }

  progressiveStep(i: Interaction, ms: number): void {
    const offer = i.offer!;
    offer.step = this.#h.clock.setTimeout(() => {
      offer.step = null;
      if (i.offer !== offer) return;
      while (offer.later.length > 0) {
        const id = offer.later.shift()!;
        if (!this.#h.agents.get(id)?.eligible(i.channel)) continue;
        this.ringAgent(i, id);
        this.#h.driver().ring({ offerId: offer.id, interaction: i, agents: [this.#h.agents.get(id)!.config] });
        break;
      }
      if (offer.later.length > 0) this.progressiveStep(i, ms);
      else this.offerOver(i);
      this.#h.pump();
    }, ms);
  }

  /** one agent's ringing ends with `outcome` */
  endRing(i: Interaction, agentId: string, outcome: OfferOutcome): void {
    const ring = i.offer?.ringing.get(agentId);
    if (!ring) return;
    this.#h.clock.clearTimeout(ring.timer);
    ring.entry.outcome = outcome;
    ring.entry.endedAt = this.#h.clock.now();
    i.offer!.ringing.delete(agentId);
    const agent = this.#h.agents.get(agentId);
    if (!agent) return;
    agent.offers.delete(ring.entry.offerId);
    if (MISSES.has(outcome)) {
      i.tried.add(agentId);
      this.#h.events.emit('ring-no-answer', { interaction: i, agentId, ringMs: ring.entry.endedAt - ring.entry.at });
      if (!this.#retry.has(i.id)) this.scheduleRetry(i);
      if (outcome === 'no-answer' || outcome === 'rejected') agent.missedInRow++;
      if (agent.config.maxMissed > 0 && agent.missedInRow >= agent.config.maxMissed && agent.next === null) {
        agent.missedInRow = 0;
        agent.next = { state: AgentState.Break, reason: 'missed-offers' };
      }
    }
    if (outcome !== 'answered') this.#h.desk.settle(agent, null);
  }

  /** after an agent's ringing ended: when nobody rings and nobody is left to add, the caller waits again */
  offerOver(i: Interaction): void {
    const offer = i.offer;
    if (!offer || offer.ringing.size > 0 || (offer.later.length > 0 && offer.step !== null)) return;
    this.dropOffer(i);
    i.phase = 'waiting';
    this.#h.waitAgain(i);
  }

  dropOffer(i: Interaction): void {
    const offer = i.offer;
    if (!offer) return;
    if (offer.step) this.#h.clock.clearTimeout(offer.step);
    offer.later.length = 0;
    this.#byOffer.delete(offer.id);
    i.offer = null;
  }

  /** every agent still ringing for `i` stops (the caller left) */
  withdrawOffer(i: Interaction, reason: OfferOutcome): void {
    const offer = i.offer;
    if (!offer) return;
    const ids = [...offer.ringing.keys()];
    for (const id of ids) this.endRing(i, id, reason);
    this.dropOffer(i);
    if (ids.length > 0) this.#h.driver().stopRinging({ offerId: offer.id, interaction: i, agentIds: ids, reason });
  }

  /** an agent logging out: its offers end, their callers wait again */
  withdrawAgent(agent: Agent, reason: OfferOutcome): void {
    for (const offerId of [...agent.offers.keys()]) {
      const i = this.#byOffer.get(offerId);
      if (!i) continue;
      this.endRing(i, agent.config.id, reason);
      this.#h.driver().stopRinging({ offerId, interaction: i, agentIds: [agent.config.id], reason });
      this.offerOver(i);
    }
  }

  scheduleRetry(i: Interaction): void {
    const q = this.#h.queues.get(i.queueId)!;
    const timer = this.#h.clock.setTimeout(() => {
      this.#retry.delete(i.id);
      i.timers.delete(timer);
      i.tried.clear();
      this.#h.waitAgain(i);
      this.#h.pump();
    }, q.config.retryS * 1000);
    this.#retry.set(i.id, timer);
    i.timers.add(timer);
  }
}
