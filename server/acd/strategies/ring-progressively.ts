// ring-progressively (mod_callcenter's ring-progressively): the first agent in membership order
// rings, and every progressive step one more joins the ringing set, earlier ones still ringing.
import { byOrder, type Strategy } from './strategy.js';

export const ringProgressively: Strategy = {
  name: 'ring-progressively',
  pick: ({ candidates, memory }) => ({ agents: [...candidates].sort(byOrder).map((c) => c.agentId), ring: 'progressive', why: `rings in order, one more each step (${candidates.length} free)`, memory }),
};
