// The ACD core: queues of interactions, agents, and the offers between them, on an injected clock
// and random source, with no SIP. Whoever carries the interactions (the queue call handler, a test)
// is the driver: the engine asks it to ring agents and to move callers out; it tells the engine
// what happened (answered, missed, hung up). Every routing decision is explained on the record;
// when routing runs is router.ts's concern.
import type { Clock, Logger } from '../sip/index.js';
import { Agent, AgentState } from './agent.js';
import { AcdEvents } from './events.js';
import { Interaction, type InteractionOutcome, type OfferOutcome } from './interaction.js';
import { nextWidening } from './skills.js';
import type { StrategyMemory } from './strategies/index.js';
import type { AgentConfig, Channel, EmptyPolicy, ExitKey, Membership, Overflow, QueueConfig, SkillRequirement } from './types.js';
import { WaitingList } from './waiting.js';
import { Router } from './router.js';
import { AgentDesk } from './desk.js';
import { Offers } from './offers.js';

export interface AcdDriver {
  /** ring these agents for the offer (a second call with the same offerId adds agents: ring-progressively) */
  ring(o: { readonly offerId: string; readonly interaction: Interaction; readonly agents: readonly AgentConfig[] }): void;
  /** stop ringing these agents (the engine's ring timeout, a log-out, the caller gone, another agent answered) */
  stopRinging(o: { readonly offerId: string; readonly interaction: Interaction; readonly agentIds: readonly string[]; readonly reason: OfferOutcome }): void;
  /** the caller leaves the queue unanswered (maximum wait, empty queue); `to` is the queue's overflow */
  exit(o: { readonly interaction: Interaction; readonly outcome: InteractionOutcome; readonly to: Overflow | null }): void;
  /** whether it can call a caller back (agent first, then the customer); absent: yes */
  canCallBack?(): boolean;
}

export interface QueueRuntime {
  config: QueueConfig;
  readonly members: Map<string, Membership>;
  readonly waiting: WaitingList<Interaction>;
  memory: StrategyMemory;
}

export type EnqueueResult =
  | { readonly ok: true; readonly interaction: Interaction; readonly position: number }
  | { readonly ok: false; readonly reason: 'unknown-queue' | 'full' | 'empty'; readonly to: Overflow | null };

export class Acd {
  readonly events: AcdEvents;
  readonly clock: Clock;
  readonly random: () => number;
  readonly queues = new Map<string, QueueRuntime>();
  readonly agents = new Map<string, Agent>();
  /** agent id → the queues it is a member of */
  readonly agentQueues = new Map<string, Set<string>>();
  /** interactions not yet recorded */
  readonly interactions = new Map<string, Interaction>();
  /** agent log-in, breaks and wrap-up */
  readonly desk: AgentDesk;
  #driver: AcdDriver;
  readonly #offers: Offers;
  readonly #router: Router;
  #seq = 0;
  readonly #newId: () => string;

  constructor(o: { clock: Clock; random: () => number; logger: Logger; driver: AcdDriver; newId?: () => string }) {
    this.clock = o.clock;
    this.random = o.random;
    this.events = new AcdEvents(o.logger);
    this.#driver = o.driver;
    this.#newId = o.newId ?? (() => crypto.randomUUID());
    this.desk = new AgentDesk({ acd: this, withdraw: (agent, reason) => this.#offers.withdrawAgent(agent, reason), freed: (agent) => this.markAgent(agent.config.id), close: (i, code, ms) => this.#close(i, 'answered', { wrapUpCode: code, wrapUpMs: ms }), checkEmpty: (id) => this.#checkEmpty(id) });
    this.#router = new Router({ clock: this.clock, random: this.random, queues: this.queues, agents: this.agents, agentQueues: this.agentQueues, offers: () => this.#offers });
    this.#offers = new Offers({ clock: this.clock, agents: this.agents, queues: this.queues, events: this.events, desk: this.desk, driver: () => this.#driver, waitAgain: (i) => this.#router.markInteraction(i), pump: () => this.pump() });
  }

  set driver(driver: AcdDriver) {
    this.#driver = driver;
  }

  // ── configuration ────────────────────────────────────────────────────────────────────────

  putQueue(config: QueueConfig): void {
    const q = this.queues.get(config.id);
    if (q) q.config = config;
    else this.queues.set(config.id, { config, members: new Map(), waiting: new WaitingList(), memory: {} });
    this.pump();
  }

  /** false while callers wait in it */
  removeQueue(id: string): boolean {
    const q = this.queues.get(id);
    if (q === undefined) return true;
    if (q.waiting.size > 0) return false;
    for (const agentId of q.members.keys()) this.agentQueues.get(agentId)?.delete(id);
    this.queues.delete(id);
    return true;
  }

  putAgent(config: AgentConfig): void {
    const a = this.agents.get(config.id);
    if (a) a.config = config;
    else this.agents.set(config.id, new Agent(config, this.clock.now()));
    this.markAgent(config.id);
    this.pump();
  }

  removeAgent(id: string): void {
    if (this.agents.get(id)?.loggedIn) this.desk.logout({ agentId: id });
    for (const queueId of this.agentQueues.get(id) ?? []) this.queues.get(queueId)?.members.delete(id);
    this.agentQueues.delete(id);
    this.agents.delete(id);
  }

  putMembership(m: Membership): void {
    const q = this.queues.get(m.queueId);
    if (q === undefined || !this.agents.has(m.agentId)) throw new Error(`membership of unknown queue ${m.queueId} or agent ${m.agentId}`);
    q.members.set(m.agentId, m);
    let set = this.agentQueues.get(m.agentId);
    if (!set) this.agentQueues.set(m.agentId, (set = new Set()));
    set.add(m.queueId);
    this.markAgent(m.agentId);
    this.pump();
  }

  removeMembership(o: { agentId: string; queueId: string }): void {
    this.queues.get(o.queueId)?.members.delete(o.agentId);
    this.agentQueues.get(o.agentId)?.delete(o.queueId);
    this.#checkEmpty(o.queueId);
  }

  // ── interactions ─────────────────────────────────────────────────────────────────────────

  enqueue(o: { queueId: string; callId: string | null; caller: string; channel?: Channel; priority?: number; requirements?: readonly SkillRequirement[]; attached?: Readonly<Record<string, unknown>> }): EnqueueResult {
    const q = this.queues.get(o.queueId);
    if (q === undefined) return { ok: false, reason: 'unknown-queue', to: null };
    const c = q.config;
    const vip = c.vip.includes(o.caller) ? c.vipPriority : 0;
    const now = this.clock.now();
    const i = new Interaction({ id: this.#newId(), seq: ++this.#seq, callId: o.callId, queueId: c.id, channel: o.channel ?? 'call', caller: o.caller, priority: Math.max(o.priority ?? 0, vip), requirements: o.requirements ?? [], now, ...(o.attached ? { attached: o.attached } : {}) });
    this.interactions.set(i.id, i);
    const refused = c.maxLength > 0 && q.waiting.size >= c.maxLength ? 'full' : this.#empty(q, c.joinEmpty) ? 'empty' : null;
    if (refused !== null) {
      this.#leave(i, refused === 'full' ? 'refused-full' : 'refused-empty', { overflowTo: c.overflow });
      return { ok: false, reason: refused, to: c.overflow };
    }
    const position = q.waiting.add(i);
    i.origPosition = position;
    this.events.emit('entered', { interaction: i, position });
    if (c.maxWaitS > 0) this.#timer(i, c.maxWaitS * 1000, () => this.#timeout(i));
    this.#scheduleWidening(i, q);
    this.#router.markInteraction(i);
    this.pump();
    return { ok: true, interaction: i, position };
  }

  /** 1-based position in its queue; 0 when no longer waiting */
  position(interactionId: string): number {
    const i = this.interactions.get(interactionId);
    if (i === undefined || (i.phase !== 'waiting' && i.phase !== 'offered')) return 0;
    return this.queues.get(i.queueId)?.waiting.position(i) ?? 0;
  }

  /**
   * A waiting caller's estimated wait: the callers ahead share the agents logged in to the queue,
   * each taking the members' average talk time so far (2 minutes before any call was taken).
   */
  estimatedWaitMs(interactionId: string): number {
    const i = this.interactions.get(interactionId);
    const q = i && this.queues.get(i.queueId);
    if (!i || !q) return 0;
    let talkMs = 0;
    let calls = 0;
    let staffed = 0;
    for (const m of q.members.values()) {
      const a = this.agents.get(m.agentId);
      if (!a?.loggedIn) continue;
      staffed++;
      talkMs += a.talkMs;
      calls += a.calls;
    }
    const average = calls > 0 ? talkMs / calls : 120_000;
    return Math.ceil(this.position(interactionId) / Math.max(1, staffed)) * average;
  }

  /** live re-prioritisation of a waiting caller; false when it no longer waits */
  reprioritise(o: { interactionId: string; priority: number }): boolean {
    const i = this.interactions.get(o.interactionId);
    const q = i && this.queues.get(i.queueId);
    if (!i || !q || (i.phase !== 'waiting' && i.phase !== 'offered')) return false;
    q.waiting.remove(i);
    i.priority = o.priority;
    const position = q.waiting.add(i);
    this.events.emit('priority', { interaction: i, position });
    this.#router.markInteraction(i);
    this.pump();
    return true;
  }

  /** the driver: an offered agent answered. False when the offer to that agent is over (the engine then owes nothing). */
  answered(o: { offerId: string; agentId: string }): boolean {
    const i = this.#offers.of(o.offerId);
    const offer = i?.offer;
    const ring = offer?.ringing.get(o.agentId);
    if (!i || !offer || !ring) return false;
    const now = this.clock.now();
    this.#offers.endRing(i, o.agentId, 'answered');
    const others = [...offer.ringing.keys()];
    for (const id of others) this.#offers.endRing(i, id, 'answered-elsewhere');
    if (others.length > 0) this.#driver.stopRinging({ offerId: offer.id, interaction: i, agentIds: others, reason: 'answered-elsewhere' });
    this.#offers.dropOffer(i);
    this.queues.get(i.queueId)?.waiting.remove(i);
    this.#clearTimers(i);
    i.phase = 'connected';
    i.agentId = o.agentId;
    i.answeredAt = now;
    const agent = this.agents.get(o.agentId)!;
    agent.work.set(i.id, i.channel);
    agent.missedInRow = 0;
    agent.calls++;
    this.desk.settle(agent, null);
    this.events.emit('connected', { interaction: i, agentId: o.agentId, waitMs: now - i.enteredAt, ringMs: now - ring.entry.at });
    this.pump();
    return true;
  }

  /** the driver: an offered agent did not take it (busy, rejected, unreachable) */
  declined(o: { offerId: string; agentId: string; outcome: OfferOutcome }): void {
    const i = this.#offers.of(o.offerId);
    if (!i?.offer?.ringing.has(o.agentId)) return;
    this.#offers.endRing(i, o.agentId, o.outcome);
    this.#offers.offerOver(i);
    this.pump();
  }

  /** the driver: the whole offer failed (a dial that ended without an answer) */
  offerFailed(o: { offerId: string; outcome: OfferOutcome }): void {
    const i = this.#offers.of(o.offerId);
    if (!i?.offer) return;
    for (const id of [...i.offer.ringing.keys()]) this.#offers.endRing(i, id, o.outcome);
    i.offer.later.length = 0;
    this.#offers.offerOver(i);
    this.pump();
  }

  /** the caller (or the agent) hung up: an abandon while waiting, the end of the conversation once connected */
  hangup(o: { interactionId: string; by: 'caller' | 'agent' }): void {
    const i = this.interactions.get(o.interactionId);
    if (!i) return;
    // a callback's caller hung up on purpose: the place is kept
    if (i.callback !== null && (i.phase === 'waiting' || i.phase === 'offered')) return;
    if (i.phase === 'waiting' || i.phase === 'offered') {
      this.#offers.withdrawOffer(i, 'caller-gone');
      this.#leave(i, 'abandoned', {});
    } else if (i.phase === 'connected') {
      this.desk.completed(i, o.by);
    }
    this.pump();
  }

  /** the caller pressed `key`: where it goes, or null when the key does nothing here */
  exitKey(o: { interactionId: string; key: string }): ExitKey | null {
    const i = this.interactions.get(o.interactionId);
    const to = i && this.queues.get(i.queueId)?.config.exitKeys[o.key];
    if (!i || !to || (i.phase !== 'waiting' && i.phase !== 'offered')) return null;
    if (to.kind === 'callback') return this.requestCallback({ interactionId: i.id, number: i.caller }) ? to : null;
    this.#offers.withdrawOffer(i, 'caller-gone');
    this.#leave(i, 'exit-key', { key: o.key, overflowTo: to });
    this.pump();
    return to;
  }

  // ── callbacks that keep the place ──

  /**
   * The caller asks to be called back (an exit key or the API): the call may end, the interaction
   * keeps its place, and its turn rings an agent (the driver dials the agent first, then the customer).
   */
  requestCallback(o: { interactionId: string; number: string; maxAttempts?: number }): boolean {
    const i = this.interactions.get(o.interactionId);
    if (!i || (i.phase !== 'waiting' && i.phase !== 'offered') || i.callback !== null || this.#driver.canCallBack?.() === false) return false;
    this.#offers.withdrawOffer(i, 'caller-gone');
    i.phase = 'waiting';
    const now = this.clock.now();
    i.callback = { number: o.number, requestedAt: now, attempts: 0, maxAttempts: o.maxAttempts ?? 3, notBefore: now };
    this.events.emit('callback', { interaction: i, result: 'requested' });
    this.#router.markInteraction(i);
    this.pump();
    return true;
  }

  /** the driver: this agent answered a callback offer; its ring timer stops while the customer is dialled */
  callbackAgentReady(o: { offerId: string; agentId: string }): boolean {
    const i = this.#offers.of(o.offerId);
    const ring = i?.offer?.ringing.get(o.agentId);
    if (!i?.callback || !ring) return false;
    this.clock.clearTimeout(ring.timer);
    const others = [...i.offer!.ringing.keys()].filter((id) => id !== o.agentId);
    for (const id of others) this.#offers.endRing(i, id, 'answered-elsewhere');
    if (others.length > 0) this.#driver.stopRinging({ offerId: o.offerId, interaction: i, agentIds: others, reason: 'answered-elsewhere' });
    i.callback.attempts++;
    return true;
  }

  /** the driver: the customer was not reached; the agent is free, and the callback waits `retryS` in its place or fails */
  callbackFailed(o: { offerId: string; agentId: string; retryS: number }): void {
    const i = this.#offers.of(o.offerId);
    if (!i?.callback) return;
    this.#offers.endRing(i, o.agentId, 'customer-no-answer');
    this.events.emit('callback', { interaction: i, result: 'not-reached' });
    if (i.callback.attempts >= i.callback.maxAttempts) {
      this.#offers.withdrawOffer(i, 'caller-gone');
      this.#leave(i, 'callback-failed', {});
    } else {
      i.callback.notBefore = this.clock.now() + o.retryS * 1000;
      this.#timer(i, o.retryS * 1000, () => {
        this.#router.markInteraction(i);
        this.pump();
      });
      this.#offers.offerOver(i);
    }
    this.pump();
  }

  // ── supervisors ──

  /** a supervisor moves a waiting caller to another queue: this record closes 'moved', the driver takes the caller there */
  move(o: { interactionId: string; queueId: string }): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
    const i = this.interactions.get(o.interactionId);
    if (!i || (i.phase !== 'waiting' && i.phase !== 'offered')) return { ok: false, reason: 'no such caller waiting' };
    if (!this.queues.has(o.queueId)) return { ok: false, reason: `unknown queue ${o.queueId}` };
    if (o.queueId === i.queueId) return { ok: false, reason: `the caller is in queue ${o.queueId} already` };
    const to: Overflow = { kind: 'queue', queue: o.queueId };
    this.#offers.withdrawOffer(i, 'caller-gone');
    this.#leave(i, 'moved', { overflowTo: to });
    this.#driver.exit({ interaction: i, outcome: 'moved', to });
    this.pump();
    return { ok: true };
  }

  /** the call id of the queue call the agent at this extension is talking on (listen, whisper, barge) */
  agentCallOf(extension: string): string | undefined {
    for (const a of this.agents.values()) {
      if (a.config.extension !== extension) continue;
      for (const id of a.work.keys()) {
        const callId = this.interactions.get(id)?.callId;
        if (callId) return callId;
      }
    }
    return undefined;
  }

  // ── routing ──────────────────────────────────────────────────────────────────────────────

  markAgent(agentId: string): void {
    this.#router.markAgent(agentId);
  }

  pump(): void {
    this.#router.pump();
  }

  #scheduleWidening(i: Interaction, q: QueueRuntime): void {
    const at = nextWidening(q.config.widening, this.clock.now() - i.enteredAt);
    if (at === null) return;
    this.#timer(i, i.enteredAt + at - this.clock.now(), () => {
      this.#router.markInteraction(i);
      this.#scheduleWidening(i, q);
      this.pump();
    });
  }

  #timer(i: Interaction, ms: number, fn: () => void): void {
    const t = this.clock.setTimeout(() => {
      i.timers.delete(t);
      fn();
    }, ms);
    i.timers.add(t);
  }

  #clearTimers(i: Interaction): void {
    for (const t of i.timers) this.clock.clearTimeout(t);
    i.timers.clear();
    this.#offers.forget(i);
  }

  #timeout(i: Interaction): void {
    // a callback has no caller on the line to move: it keeps its place past the maximum wait
    if ((i.phase !== 'waiting' && i.phase !== 'offered') || i.callback !== null) return;
    const to = this.queues.get(i.queueId)?.config.overflow ?? null;
    this.#offers.withdrawOffer(i, 'caller-gone');
    this.#leave(i, 'timeout', { overflowTo: to });
    this.#driver.exit({ interaction: i, outcome: 'timeout', to });
    this.pump();
  }

  #empty(q: QueueRuntime, policy: EmptyPolicy): boolean {
    if (policy === 'never') return false;
    for (const m of q.members.values()) {
      const a = this.agents.get(m.agentId);
      if (!a || !a.loggedIn) continue;
      if (policy === 'no-members' || a.state !== AgentState.Break) return false;
    }
    return true;
  }

  /** leave-empty: after an agent left, callers of a queue nobody can answer leave it */
  #checkEmpty(queueId: string): void {
    const q = this.queues.get(queueId);
    if (!q || q.waiting.size === 0 || !this.#empty(q, q.config.leaveEmpty)) return;
    for (const i of [...q.waiting.items]) {
      this.#offers.withdrawOffer(i, 'caller-gone');
      this.#leave(i, 'left-empty', { overflowTo: q.config.overflow });
      this.#driver.exit({ interaction: i, outcome: 'left-empty', to: q.config.overflow });
    }
  }

  #leave(i: Interaction, outcome: Exclude<InteractionOutcome, 'answered'>, o: { key?: string; overflowTo?: Overflow | null }): void {
    const q = this.queues.get(i.queueId);
    const position = q?.waiting.position(i) ?? 0;
    q?.waiting.remove(i);
    this.#clearTimers(i);
    i.hungUpAt = this.clock.now();
    this.events.emit('left', { interaction: i, outcome, position, waitMs: i.hungUpAt - i.enteredAt, ...(o.key !== undefined ? { key: o.key } : {}) });
    const to = o.overflowTo;
    this.#close(i, outcome, { overflowTo: to ? (to.kind === 'queue' ? `queue:${to.queue}` : `number:${to.number}`) : null });
  }

  #close(i: Interaction, outcome: InteractionOutcome, o: { wrapUpCode?: string | null; wrapUpMs?: number | null; overflowTo?: string | null }): void {
    i.phase = 'ended';
    if (outcome === 'answered' && i.callback !== null) outcome = 'callback-completed';
    this.interactions.delete(i.id);
    this.events.emit('record', { record: i.record({ now: this.clock.now(), outcome, ...o }) });
  }
}
