// random: any free agent, uniformly (the random source is injected, seeded in tests).
import { byOrder, type Strategy } from './strategy.js';

export const random: Strategy = {
  name: 'random',
  pick({ candidates, memory, random: rnd }) {
    const rest = [...candidates].sort(byOrder);
    const agents: string[] = [];
    while (rest.length > 0) agents.push(rest.splice(Math.floor(rnd() * rest.length), 1)[0]!.agentId);
    return { agents, ring: 'one', why: `drawn at random among ${candidates.length}`, memory };
  },
};
