// A routing strategy is a pure function from the agents free for one interaction (already filtered
// by state, skills and penalty tier) to the order they are offered in and how many ring at once.
// No clock, no I/O: randomness comes in as a function, memory (round-robin's last position) comes
// in and goes out as data, so each strategy is tested by a table.

export interface Candidate {
  readonly agentId: string;
  /** the membership's position (linear, round-robin, ring-progressively) */
  readonly order: number;
  /** weighted random's weight (> 0) */
  readonly weight: number;
  /** when the agent last became free (ms); the smallest has been idle longest */
  readonly idleSince: number;
  /** interactions answered since login */
  readonly calls: number;
  /** talk time since login (ms) */
  readonly talkMs: number;
}

/** what a strategy remembers between picks, per queue */
export interface StrategyMemory {
  /** round-robin: the order of the agent offered last */
  readonly lastOrder?: number;
}

export interface StrategyInput {
  readonly candidates: readonly Candidate[];
  readonly memory: StrategyMemory;
  /** uniform in [0, 1): seeded in tests */
  readonly random: () => number;
}

/** one: offer agents[0]; all: ring every agent at once; progressive: agents[0], then one more each step */
export type RingMode = 'one' | 'all' | 'progressive';

export interface StrategyPick {
  /** every candidate, best first */
  readonly agents: readonly string[];
  readonly ring: RingMode;
  /** why the first is first, for the offer's explanation */
  readonly why: string;
  readonly memory: StrategyMemory;
}

export interface Strategy {
  readonly name: string;
  pick(input: StrategyInput): StrategyPick;
}

/** ties go to the lower membership order, then the agent id, so every pick is reproducible */
export const byOrder = (a: Candidate, b: Candidate): number => a.order - b.order || (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0);

/** a strategy that sorts by one figure, lowest first, and offers the first */
export function sortedBy(o: { name: string; key: (c: Candidate) => number; why: (c: Candidate) => string }): Strategy {
  return {
    name: o.name,
    pick({ candidates, memory }) {
      const sorted = [...candidates].sort((a, b) => o.key(a) - o.key(b) || byOrder(a, b));
      return { agents: sorted.map((c) => c.agentId), ring: 'one', why: sorted[0] ? o.why(sorted[0]) : 'no candidate', memory };
    },
  };
}
