// What a supervisor oversees (issue 14): the ACD queues and teams on the user. Such a supervisor
// sees and acts on those queues (their callers, figures and intervals) and on the agents that are
// members of one of them or belong to one of the teams; the rest of the floor is not shown and
// refused. Admins (who configure the ACD) and supervisors given neither queues nor teams (a small
// centre's one supervisor) oversee the whole floor: `undefined` below.
import type { Acd } from './engine.js';
import type { AcdStreamEvent } from './live.js';

export interface FloorScope {
  readonly queues: ReadonlySet<string>;
  readonly teams: ReadonlySet<string>;
}

/** the scope of a user with these queues and teams; `wholeFloor` for roles that configure the ACD */
export function floorScope(o: { queues: readonly string[]; teams: readonly string[]; wholeFloor: boolean }): FloorScope | undefined {
  if (o.wholeFloor || (o.queues.length === 0 && o.teams.length === 0)) return undefined;
  return { queues: new Set(o.queues), teams: new Set(o.teams) };
}

export const queueInScope = (scope: FloorScope | undefined, queueId: string): boolean => scope === undefined || scope.queues.has(queueId);

export function agentInScope(acd: Acd, scope: FloorScope | undefined, agentId: string): boolean {
  if (scope === undefined) return true;
  const agent = acd.agents.get(agentId);
  if (!agent) return false;
  if (agent.config.team !== null && scope.teams.has(agent.config.team)) return true;
  for (const q of acd.agentQueues.get(agentId) ?? []) if (scope.queues.has(q)) return true;
  return false;
}

/** the event as this scope may see it: a snapshot narrowed, a delta kept or dropped (undefined) */
export function scopedEvent(acd: Acd, scope: FloorScope | undefined, e: AcdStreamEvent): AcdStreamEvent | undefined {
  if (scope === undefined) return e;
  switch (e.type) {
    case 'acd.snapshot':
      return { ...e, queues: e.queues.filter((q) => scope.queues.has(q.id)), agents: e.agents.filter((a) => agentInScope(acd, scope, a.id)) };
    case 'acd.queue':
      return scope.queues.has(e.queue.id) ? e : undefined;
    case 'acd.agent':
      return agentInScope(acd, scope, e.agent.id) ? e : undefined;
    case 'acd.queue-removed':
      return scope.queues.has(e.id) ? e : undefined;
    // the agent is gone, so its queues and team are unknown: the id alone tells a board to drop it
    case 'acd.agent-removed':
      return e;
    default:
      return scope.queues.has(e.queue) ? e : undefined;
  }
}

/**
 * What a scoped supervisor's call records and live calls are matched against (issue 14): its queues,
 * the agents it oversees (as above, from today's memberships and teams) and those agents' extensions.
 * A call touched the scope when it waited in one of the queues, was handled by one of the agents, or
 * one of the extensions called or was called.
 */
export interface CallTouch {
  readonly queues: readonly string[];
  readonly agents: readonly string[];
  readonly extensions: readonly string[];
}

export function callTouchOf(acd: Acd, scope: FloorScope): CallTouch {
  const agents = [...acd.agents.values()].filter((a) => agentInScope(acd, scope, a.config.id));
  return { queues: [...scope.queues], agents: agents.map((a) => a.config.id), extensions: [...new Set(agents.map((a) => a.config.extension))] };
}

/**
 * A test of whether a call in progress touches the scope: its numbers, or the interaction the ACD
 * holds for it now. The agents, extensions and the ACD's calls are gathered once, so a list of
 * calls is tested in one pass.
 */
export function liveCallTest(acd: Acd, scope: FloorScope | undefined): (call: { readonly id: string; readonly caller: string; readonly callee: string }) => boolean {
  if (scope === undefined) return () => true;
  const touch = callTouchOf(acd, scope);
  const extensions = new Set(touch.extensions);
  const agents = new Set(touch.agents);
  const held = new Set<string>();
  for (const i of acd.interactions.values()) {
    if (i.callId !== null && (scope.queues.has(i.queueId) || (i.agentId !== null && agents.has(i.agentId)))) held.add(i.callId);
  }
  return (call) => extensions.has(call.caller) || extensions.has(call.callee) || held.has(call.id);
}

/** one call: liveCallTest's answer */
export const liveCallInScope = (acd: Acd, scope: FloorScope | undefined, call: { readonly id: string; readonly caller: string; readonly callee: string }): boolean => liveCallTest(acd, scope)(call);
