// The agent's side of the ACD: log-in and log-out (API, console or *50/*51 from a desk phone),
// breaks with reason codes, "next state" while busy, the end of a conversation and wrap-up
// (optional, mandatory, mandatory with a time-out) with its code. State moves go through
// Agent.moveTo (the table in agent.ts) and are announced as 'agent' events.
import type { TimerHandle } from '../sip/index.js';
import { AgentState, type Agent } from './agent.js';
import type { Acd } from './engine.js';
import type { Interaction, OfferOutcome } from './interaction.js';

export type DeskResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

interface DeskOptions {
  readonly acd: Acd;
  readonly withdraw: (agent: Agent, reason: OfferOutcome) => void;
  readonly freed: (agent: Agent) => void;
  readonly close: (i: Interaction, code: string | null, wrapUpMs: number | null) => void;
  readonly checkEmpty: (queueId: string) => void;
}

const refuse = (reason: string): DeskResult => ({ ok: false, reason });
const OK: DeskResult = { ok: true };

export class AgentDesk {
  readonly #o: DeskOptions;
  readonly #wrapTimers = new Map<string, TimerHandle>();

  constructor(o: DeskOptions) {
    this.#o = o;
  }

  #agent(agentId: string): Agent | undefined {
    return this.#o.acd.agents.get(agentId);
  }

  #now(): number {
    return this.#o.acd.clock.now();
  }

  login(o: { agentId: string; breakReason?: string }): DeskResult {
    const a = this.#agent(o.agentId);
    if (!a) return refuse('unknown agent');
    if (a.loggedIn) return refuse('already logged in');
    const now = this.#now();
    a.loginAt = now;
    a.calls = 0;
    a.talkMs = 0;
    a.missedInRow = 0;
    a.next = null;
    for (const k of Object.keys(a.stateMs) as AgentState[]) a.stateMs[k] = 0;
    const to = o.breakReason !== undefined ? AgentState.Break : AgentState.Available;
    a.moveTo(to, now);
    if (to === AgentState.Break) a.breakReason = o.breakReason!;
    this.#o.acd.events.emit('login', { agent: a });
    this.#o.acd.events.emit('agent', { agent: a, from: AgentState.LoggedOut, to, reason: o.breakReason ?? null });
    this.#after(a, to);
    return OK;
  }

  /** offers ringing the agent end now; a conversation in progress ends first, then the agent is logged out */
  logout(o: { agentId: string }): DeskResult {
    const a = this.#agent(o.agentId);
    if (!a) return refuse('unknown agent');
    if (!a.loggedIn) return refuse('not logged in');
    a.next = { state: AgentState.LoggedOut };
    this.#o.withdraw(a, 'agent-logout');
    if (a.wrapUp !== null) this.#finishWrapUp(a, null);
    this.settle(a, null);
    // the withdrawn callers wait again: route them now
    this.#o.acd.pump();
    return OK;
  }

  /** a break now when free, else as the next state */
  setBreak(o: { agentId: string; reason: string }): DeskResult {
    const a = this.#agent(o.agentId);
    if (!a) return refuse('unknown agent');
    if (!a.loggedIn) return refuse('not logged in');
    if (a.state === AgentState.Break) {
      a.breakReason = o.reason;
      return OK;
    }
    if (a.next?.state === AgentState.LoggedOut) return refuse('logging out');
    a.next = { state: AgentState.Break, reason: o.reason };
    this.settle(a, null);
    return OK;
  }

  /** back from a break, or a pending break called off */
  setAvailable(o: { agentId: string }): DeskResult {
    const a = this.#agent(o.agentId);
    if (!a) return refuse('unknown agent');
    if (!a.loggedIn) return refuse('not logged in');
    if (a.next?.state === AgentState.LoggedOut) return refuse('logging out');
    a.next = null;
    a.missedInRow = 0;
    if (a.state === AgentState.Break) {
      const reason = a.breakReason;
      a.moveTo(AgentState.Available, this.#now());
      this.#o.acd.events.emit('agent', { agent: a, from: AgentState.Break, to: AgentState.Available, reason });
      this.#after(a, AgentState.Available);
    }
    return OK;
  }

  endWrapUp(o: { agentId: string; code?: string | null }): DeskResult {
    const a = this.#agent(o.agentId);
    if (!a) return refuse('unknown agent');
    const w = a.wrapUp;
    if (w === null) return refuse('not in wrap-up');
    const code = o.code ?? null;
    if (code !== null && w.codes.length > 0 && !w.codes.includes(code)) return refuse(`unknown wrap-up code ${code}`);
    if (code === null && w.mode !== 'optional' && w.codes.length > 0) return refuse('a wrap-up code is required');
    this.#finishWrapUp(a, code);
    this.settle(a, null);
    this.#o.acd.pump();
    return OK;
  }

  /** a connected interaction ended: talk time counts, and the agent wraps up as the queue says */
  completed(i: Interaction, by: 'caller' | 'agent'): void {
    const a = i.agentId === null ? undefined : this.#agent(i.agentId);
    const now = this.#now();
    i.hungUpAt = now;
    i.endedBy = by;
    const talkMs = now - (i.answeredAt ?? now);
    const acd = this.#o.acd;
    if (!a) {
      this.#o.close(i, null, null);
      return;
    }
    a.work.delete(i.id);
    a.talkMs += talkMs;
    acd.events.emit('completed', { interaction: i, agentId: a.config.id, by, waitMs: (i.answeredAt ?? now) - i.enteredAt, talkMs });
    const w = acd.queues.get(i.queueId)?.config.wrapUp;
    if (!w || w.mode === 'none' || a.next?.state === AgentState.LoggedOut || a.wrapUp !== null) {
      this.#o.close(i, null, null);
    } else {
      i.phase = 'wrap-up';
      const timed = w.mode === 'optional' || w.mode === 'mandatory-timeout';
      a.wrapUp = { interactionId: i.id, mode: w.mode, codes: w.codes, until: timed ? now + w.seconds * 1000 : null };
      if (timed) {
        this.#wrapTimers.set(
          a.config.id,
          acd.clock.setTimeout(() => {
            this.#wrapTimers.delete(a.config.id);
            if (a.wrapUp?.interactionId !== i.id) return;
            this.#finishWrapUp(a, null);
            this.settle(a, null);
            acd.pump();
          }, w.seconds * 1000),
        );
      }
    }
    this.settle(a, null);
  }

  #finishWrapUp(a: Agent, code: string | null): void {
    const w = a.wrapUp;
    if (!w) return;
    const timer = this.#wrapTimers.get(a.config.id);
    if (timer) this.#o.acd.clock.clearTimeout(timer);
    this.#wrapTimers.delete(a.config.id);
    a.wrapUp = null;
    const i = this.#o.acd.interactions.get(w.interactionId);
    if (i) this.#o.close(i, code, this.#now() - (i.hungUpAt ?? this.#now()));
  }

  /** moves the agent to the state what it holds calls for (agent.ts), taking the next state when free */
  settle(a: Agent, reason: string | null): void {
    const to = a.settled();
    if (to === a.state) return;
    const from = a.state;
    let why = reason;
    const next = a.next;
    if (next !== null && to === next.state) {
      a.next = null;
      if (next.state === AgentState.Break) why = next.reason;
    }
    a.moveTo(to, this.#now());
    if (to === AgentState.Break) a.breakReason = why;
    this.#o.acd.events.emit('agent', { agent: a, from, to, reason: why });
    if (to === AgentState.LoggedOut) {
      a.missedInRow = 0;
      this.#o.acd.events.emit('logout', { agent: a, loginMs: this.#now() - a.loginAt });
    }
    this.#after(a, to);
  }

  #after(a: Agent, to: AgentState): void {
    if (to === AgentState.Available) this.#o.freed(a);
    if (to === AgentState.Break || to === AgentState.LoggedOut) for (const q of this.#o.acd.agentQueues.get(a.config.id) ?? []) this.#o.checkEmpty(q);
    this.#o.acd.pump();
  }
}
