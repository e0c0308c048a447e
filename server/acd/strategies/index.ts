// The strategies by name (the queue's `strategy`); the API refuses any other name.
import { fewestCalls } from './fewest-calls.js';
import { leastTalkTime } from './least-talk-time.js';
import { linear } from './linear.js';
import { longestIdle } from './longest-idle.js';
import { random } from './random.js';
import { ringAll } from './ring-all.js';
import { ringProgressively } from './ring-progressively.js';
import { roundRobin } from './round-robin.js';
import type { Strategy } from './strategy.js';
import { weightedRandom } from './weighted-random.js';

export type { Candidate, RingMode, Strategy, StrategyInput, StrategyMemory, StrategyPick } from './strategy.js';

export const STRATEGY_NAMES = ['ring-all', 'longest-idle', 'round-robin', 'fewest-calls', 'least-talk-time', 'random', 'linear', 'weighted-random', 'ring-progressively'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export const STRATEGIES: Readonly<Record<StrategyName, Strategy>> = {
  'ring-all': ringAll,
  'longest-idle': longestIdle,
  'round-robin': roundRobin,
  'fewest-calls': fewestCalls,
  'least-talk-time': leastTalkTime,
  random,
  linear,
  'weighted-random': weightedRandom,
  'ring-progressively': ringProgressively,
};
