// The floor as it is now, for GET /api/v1/acd/live and the WebSocket stream: a snapshot of every
// queue and agent, then one delta per queue or agent that changed ("snapshot then deltas").
import { AgentState, type Agent } from './agent.js';
import type { Acd } from './engine.js';
import { figures, INTERVAL_MS, type AcdMetrics, type QueueFigures } from './metrics.js';

export interface LiveQueue {
  readonly id: string;
  readonly name: string;
  readonly strategy: string;
  readonly waiting: number;
  readonly longestWaitMs: number;
  readonly callers: readonly { id: string; callId: string | null; caller: string; priority: number; position: number; waitMs: number; phase: string }[];
  readonly agentsByState: Readonly<Record<AgentState, number>>;
  /** the current 15-minute interval */
  readonly interval: QueueFigures & { readonly start: number };
}

export interface LiveAgent {
  readonly id: string;
  readonly name: string;
  readonly extension: string;
  readonly state: AgentState;
  readonly since: number;
  readonly breakReason: string | null;
  readonly next: string | null;
  readonly queues: readonly string[];
  readonly calls: number;
  readonly talkMs: number;
  readonly occupancy: number | null;
  /** what the agent is handling now (the wallboard's calls in progress) */
  readonly work: readonly LiveWork[];
}

export interface LiveWork {
  readonly interactionId: string;
  readonly callId: string | null;
  readonly channel: string;
  readonly caller: string;
  readonly queueId: string;
  readonly answeredAt: number | null;
}

export type AcdStreamEvent =
  | { readonly type: 'acd.snapshot'; readonly at: string; readonly queues: readonly LiveQueue[]; readonly agents: readonly LiveAgent[] }
  | { readonly type: 'acd.queue'; readonly at: string; readonly queue: LiveQueue }
  | { readonly type: 'acd.agent'; readonly at: string; readonly agent: LiveAgent }
  /**
   * a caller offered to agents (ringing them), and the caller connected to one: what the agent's
   * screen shows with the call, e.g. an IVR flow's variables, path and attempts (`attached`)
   */
  /** a queue or an agent deleted from the configuration */
  | { readonly type: 'acd.queue-removed' | 'acd.agent-removed'; readonly at: string; readonly id: string }
  | { readonly type: 'acd.offer' | 'acd.connected'; readonly at: string; readonly interaction: string; readonly callId: string | null; readonly caller: string; readonly queue: string; readonly agentIds: readonly string[]; readonly attached: Readonly<Record<string, unknown>> | null };

const EMPTY = { entered: 0, answered: 0, answeredInSl: 0, abandoned: 0, shortAbandoned: 0, otherExits: 0, waitAnsweredMs: 0, handled: 0, handleMs: 0, busyMs: 0, idleMs: 0 };

export function liveQueue(acd: Acd, metrics: AcdMetrics, id: string): LiveQueue | undefined {
  const q = acd.queues.get(id);
  if (!q) return undefined;
  const now = acd.clock.now();
  const byState = Object.fromEntries(Object.values(AgentState).map((s) => [s, 0])) as Record<AgentState, number>;
  for (const m of q.members.values()) {
    const a = acd.agents.get(m.agentId);
    if (a) byState[a.state]++;
  }
  const callers = q.waiting.items.map((i, n) => ({ id: i.id, callId: i.callId, caller: i.caller, priority: i.priority, position: n + 1, waitMs: now - i.enteredAt, phase: i.phase }));
  const start = Math.floor(now / INTERVAL_MS) * INTERVAL_MS;
  const current = metrics.rows({ queueId: id, from: start })[0] ?? { ...figures(EMPTY), start };
  return {
    id,
    name: q.config.name,
    strategy: q.config.strategy,
    waiting: callers.length,
    longestWaitMs: callers.reduce((m, c) => Math.max(m, c.waitMs), 0),
    callers,
    agentsByState: byState,
    interval: { ...current, start },
  };
}

export function liveAgent(acd: Acd, a: Agent): LiveAgent {
  const busy = a.stateMs.reserved + a.stateMs['on-call'] + a.stateMs['wrap-up'];
  const worked = busy + a.stateMs.available;
  return {
    id: a.config.id,
    name: a.config.name,
    extension: a.config.extension,
    state: a.state,
    since: a.since,
    breakReason: a.breakReason,
    next: a.next === null ? null : a.next.state,
    queues: [...(acd.agentQueues.get(a.config.id) ?? [])],
    calls: a.calls,
    talkMs: a.talkMs,
    occupancy: worked > 0 ? busy / worked : null,
    work: [...a.work.keys()].flatMap((id) => {
      const i = acd.interactions.get(id);
      return i ? [{ interactionId: i.id, callId: i.callId, channel: i.channel, caller: i.caller, queueId: i.queueId, answeredAt: i.answeredAt }] : [];
    }),
  };
}

export function snapshot(acd: Acd, metrics: AcdMetrics): AcdStreamEvent {
  const at = new Date(acd.clock.now()).toISOString();
  return { type: 'acd.snapshot', at, queues: [...acd.queues.keys()].map((id) => liveQueue(acd, metrics, id)!), agents: [...acd.agents.values()].map((a) => liveAgent(acd, a)) };
}

/** deltas: one 'acd.queue' per changed queue and one 'acd.agent' per changed agent */
export function streamDeltas(o: { acd: Acd; metrics: AcdMetrics; publish: (e: AcdStreamEvent) => void }): () => void {
  const { acd, metrics } = o;
  const at = () => new Date(acd.clock.now()).toISOString();
  const queue = (id: string) => {
    const q = liveQueue(acd, metrics, id);
    if (q) o.publish({ type: 'acd.queue', at: at(), queue: q });
  };
  const e = acd.events;
  const offs = [
    e.on('entered', ({ interaction }) => queue(interaction.queueId)),
    e.on('connected', ({ interaction }) => queue(interaction.queueId)),
    e.on('offered', ({ interaction: i, agentIds }) => o.publish({ type: 'acd.offer', at: at(), interaction: i.id, callId: i.callId, caller: i.caller, queue: i.queueId, agentIds, attached: i.attached })),
    e.on('connected', ({ interaction: i, agentId }) => o.publish({ type: 'acd.connected', at: at(), interaction: i.id, callId: i.callId, caller: i.caller, queue: i.queueId, agentIds: [agentId], attached: i.attached })),
    e.on('left', ({ interaction }) => queue(interaction.queueId)),
    e.on('priority', ({ interaction }) => queue(interaction.queueId)),
    e.on('agent', ({ agent }) => {
      o.publish({ type: 'acd.agent', at: at(), agent: liveAgent(acd, agent) });
      for (const q of acd.agentQueues.get(agent.config.id) ?? []) queue(q);
    }),
  ];
  return () => offs.forEach((off) => off());
}

/**
 * Configuration changes have no engine event: the service calls these after a queue, agent or
 * membership is written or deleted, so a wallboard shows a new queue or agent without a reload.
 */
export function configDeltas(o: { acd: Acd; metrics: AcdMetrics; publish: (e: AcdStreamEvent) => void }) {
  const { acd, metrics } = o;
  const at = () => new Date(acd.clock.now()).toISOString();
  return {
    changed(c: { queues?: Iterable<string>; agents?: Iterable<string> }): void {
      for (const id of c.agents ?? []) {
        const a = acd.agents.get(id);
        if (a) o.publish({ type: 'acd.agent', at: at(), agent: liveAgent(acd, a) });
      }
      for (const id of c.queues ?? []) {
        const q = liveQueue(acd, metrics, id);
        if (q) o.publish({ type: 'acd.queue', at: at(), queue: q });
      }
    },
    removed(kind: 'queue' | 'agent', id: string): void {
      o.publish({ type: kind === 'queue' ? 'acd.queue-removed' : 'acd.agent-removed', at: at(), id });
    },
  };
}
