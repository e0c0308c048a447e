// weighted random: an agent drawn with probability weight / sum of weights (a senior agent with
// weight 3 gets three times the calls of a trainee with weight 1); the rest follow in draw order.
import { byOrder, type Strategy } from './strategy.js';

export const weightedRandom: Strategy = {
  name: 'weighted-random',
  pick({ candidates, memory, random: rnd }) {
    const rest = [...candidates].sort(byOrder);
    const agents: string[] = [];
    while (rest.length > 0) {
      const total = rest.reduce((s, c) => s + c.weight, 0);
      let x = rnd() * total;
      let i = 0;
      while (i < rest.length - 1 && x >= rest[i]!.weight) x -= rest[i++]!.weight;
      agents.push(rest.splice(i, 1)[0]!.agentId);
    }
    return { agents, ring: 'one', why: `drawn by weight among ${candidates.length}`, memory };
  },
};
