// ring-all: every free agent rings at once; the first to answer takes the interaction.
import { byOrder, type Strategy } from './strategy.js';

export const ringAll: Strategy = {
  name: 'ring-all',
  pick: ({ candidates, memory }) => ({ agents: [...candidates].sort(byOrder).map((c) => c.agentId), ring: 'all', why: `rings all ${candidates.length} free agents`, memory }),
};
