// round-robin with memory (Asterisk's rrmemory): the agent after the one offered last, in
// membership order, wrapping around; the position offered is remembered for the next pick.
import { byOrder, type Strategy } from './strategy.js';

export const roundRobin: Strategy = {
  name: 'round-robin',
  pick({ candidates, memory }) {
    const sorted = [...candidates].sort(byOrder);
    const last = memory.lastOrder ?? -Infinity;
    const start = sorted.findIndex((c) => c.order > last);
    const rotated = start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)];
    const first = rotated[0];
    return { agents: rotated.map((c) => c.agentId), ring: 'one', why: first ? `next after position ${memory.lastOrder ?? 'none'}: position ${first.order}` : 'no candidate', memory: first ? { lastOrder: first.order } : memory };
  },
};
