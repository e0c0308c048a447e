// fewest-calls: the agent who answered the fewest interactions since login (Asterisk's fewestcalls).
import { sortedBy } from './strategy.js';

export const fewestCalls = sortedBy({ name: 'fewest-calls', key: (c) => c.calls, why: (c) => `${c.calls} calls answered, the fewest` });
