// One routing decision: which members of the interaction's queue may take it now and in what
// order, with the reasons the others may not. Reads the engine's state and changes nothing, so the
// benchmark times exactly this and the record explains exactly it.
import { AgentState, type Agent } from './agent.js';
import type { Decision, Interaction } from './interaction.js';
import { effectiveRequirements, nextWidening, shortfall } from './skills.js';
import { STRATEGIES, type Candidate, type StrategyMemory, type StrategyPick } from './strategies/index.js';
import type { Membership, QueueConfig, SkillRequirement } from './types.js';

export interface RoutingView {
  readonly queue: QueueConfig;
  readonly members: ReadonlyMap<string, Membership>;
  readonly agents: ReadonlyMap<string, Agent>;
  readonly memory: StrategyMemory;
  readonly random: () => number;
  readonly now: number;
}

/** the interaction's requirements after widening, cached on it until they next change */
export function requirementsOf(i: Interaction, queue: QueueConfig, now: number): readonly SkillRequirement[] {
  const c = i.requirements;
  if (c !== null && c.of === queue && now < c.until) return c.list;
  const waitedMs = now - i.enteredAt;
  const list = effectiveRequirements({ queue: queue.requirements, caller: i.callerRequirements, widening: queue.widening, waitedMs });
  const next = nextWidening(queue.widening, waitedMs);
  i.requirements = { of: queue, until: next === null ? Infinity : i.enteredAt + next, list };
  return list;
}

/** the reasons for members who are not free, built once rather than per decision */
const NOT_FREE: Readonly<Record<AgentState, string>> = Object.fromEntries(Object.values(AgentState).map((s) => [s, s === AgentState.LoggedOut ? 'logged out' : `not free (${s})`])) as Record<AgentState, string>;

export type Routing = { readonly pick: StrategyPick; readonly decision: Decision } | { readonly pick: null; readonly excluded: Readonly<Record<string, number>>; readonly triedFree: number };

export function route(i: Interaction, v: RoutingView): Routing {
  const requirements = requirementsOf(i, v.queue, v.now);
  const excluded: Record<string, number> = {};
  const exclude = (why: string) => (excluded[why] = (excluded[why] ?? 0) + 1);
  let tier = Infinity;
  let triedFree = 0;
  const passing: { m: Membership; a: Agent }[] = [];
  for (const m of v.members.values()) {
    const a = v.agents.get(m.agentId);
    if (a === undefined || !a.eligible(i.channel)) {
      exclude(NOT_FREE[a?.state ?? AgentState.LoggedOut]);
      continue;
    }
    const short = shortfall(a.config.skills, requirements);
    if (short !== null) {
      exclude(`skill ${short}`);
      continue;
    }
    if (i.tried.has(m.agentId)) {
      triedFree++;
      exclude('missed this caller');
      continue;
    }
    passing.push({ m, a });
    if (m.penalty < tier) tier = m.penalty;
  }
  const candidates: Candidate[] = [];
  for (const { m, a } of passing) {
    if (m.penalty > tier) exclude(`penalty ${m.penalty} > ${tier}`);
    else candidates.push({ agentId: a.config.id, order: m.order, weight: m.weight, idleSince: a.idleSince, calls: a.calls, talkMs: a.talkMs });
  }
  if (candidates.length === 0) return { pick: null, excluded, triedFree };
  const strategy = STRATEGIES[v.queue.strategy];
  const pick = strategy.pick({ candidates, memory: v.memory, random: v.random });
  const chosen = pick.ring === 'all' ? pick.agents : pick.agents.slice(0, 1);
  const decision: Decision = { at: v.now, strategy: strategy.name, ring: pick.ring, chosen, why: pick.why, excluded, requirements, priority: i.priority };
  return { pick, decision };
}
