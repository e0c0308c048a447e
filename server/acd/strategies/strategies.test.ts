// Each strategy's offer order, as a table: candidates in, agents out. The expected orders follow
// from each strategy's definition (Asterisk app_queue's and mod_callcenter's documented meanings).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STRATEGIES, type Candidate, type StrategyName, type StrategyMemory } from './index.js';

const c = (agentId: string, o: Partial<Candidate> = {}): Candidate => ({ agentId, order: 0, weight: 1, idleSince: 0, calls: 0, talkMs: 0, ...o });

/** a fixed sequence of "random" numbers */
const draws = (...xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length]!;
};

const A = c('a', { order: 1, idleSince: 300, calls: 5, talkMs: 9_000, weight: 1 });
const B = c('b', { order: 2, idleSince: 100, calls: 7, talkMs: 2_000, weight: 3 });
const C = c('c', { order: 3, idleSince: 200, calls: 2, talkMs: 5_000, weight: 1 });

const table: { name: StrategyName; requirement: string; candidates?: Candidate[]; memory?: StrategyMemory; random?: () => number; agents: string[]; ring: string; memoryAfter?: StrategyMemory }[] = [
  { name: 'ring-all', requirement: 'rings every free agent at once, in membership order', agents: ['a', 'b', 'c'], ring: 'all' },
  { name: 'longest-idle', requirement: 'offers the agent free the longest first (earliest idleSince)', agents: ['b', 'c', 'a'], ring: 'one' },
  { name: 'round-robin', requirement: 'starts at the first position when nothing is remembered', agents: ['a', 'b', 'c'], ring: 'one', memoryAfter: { lastOrder: 1 } },
  { name: 'round-robin', requirement: 'continues after the position offered last', memory: { lastOrder: 1 }, agents: ['b', 'c', 'a'], ring: 'one', memoryAfter: { lastOrder: 2 } },
  { name: 'round-robin', requirement: 'wraps around after the last position', memory: { lastOrder: 3 }, agents: ['a', 'b', 'c'], ring: 'one', memoryAfter: { lastOrder: 1 } },
  { name: 'round-robin', requirement: 'goes on after a remembered position that is no longer free', candidates: [C, A], memory: { lastOrder: 2 }, agents: ['c', 'a'], ring: 'one', memoryAfter: { lastOrder: 3 } },
  { name: 'fewest-calls', requirement: 'offers the agent with the fewest answered calls first', agents: ['c', 'a', 'b'], ring: 'one' },
  { name: 'least-talk-time', requirement: 'offers the agent with the least talk time first', agents: ['b', 'c', 'a'], ring: 'one' },
  { name: 'random', requirement: 'draws uniformly: 0.5 of 3 picks the second, then 0.9 of 2 the last, then the rest', random: draws(0.5, 0.9, 0), agents: ['b', 'c', 'a'], ring: 'one' },
  { name: 'linear', requirement: 'always top-down in membership order', agents: ['a', 'b', 'c'], ring: 'one' },
  { name: 'weighted-random', requirement: 'draws by weight: 0.3 of total 5 is 1.5, past a (1) into b (3)', random: draws(0.3, 0, 0), agents: ['b', 'a', 'c'], ring: 'one' },
  { name: 'weighted-random', requirement: 'draws by weight: 0.1 of total 5 is 0.5, inside a (1)', random: draws(0.1, 0.9, 0), agents: ['a', 'c', 'b'], ring: 'one' },
  { name: 'ring-progressively', requirement: 'rings in membership order, adding one per step', agents: ['a', 'b', 'c'], ring: 'progressive' },
];

describe('ACD strategies: offer order by table', () => {
  for (const row of table) {
    it(`${row.name}: ${row.requirement}`, () => {
      const pick = STRATEGIES[row.name].pick({ candidates: row.candidates ?? [C, A, B], memory: row.memory ?? {}, random: row.random ?? (() => 0) });
      assert.deepEqual(pick.agents, row.agents);
      assert.equal(pick.ring, row.ring);
      if (row.memoryAfter) assert.deepEqual(pick.memory, row.memoryAfter);
      assert.ok(pick.why.length > 0, 'every pick says why');
    });
  }

  it('ties go to membership order, then agent id, so picks are reproducible', () => {
    const tie = [c('z', { order: 2 }), c('y', { order: 1 }), c('x', { order: 1 })];
    for (const name of ['longest-idle', 'fewest-calls', 'least-talk-time', 'linear'] as const) {
      assert.deepEqual(STRATEGIES[name].pick({ candidates: tie, memory: {}, random: () => 0 }).agents, ['x', 'y', 'z'], name);
    }
  });

  it('weighted-random: an agent with weight 3 gets about three times the first offers of one with weight 1', () => {
    let s = 1;
    const rnd = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
    const firsts = { a: 0, b: 0 };
    for (let n = 0; n < 20_000; n++) firsts[STRATEGIES['weighted-random'].pick({ candidates: [A, B], memory: {}, random: rnd }).agents[0] as 'a' | 'b']++;
    const ratio = firsts.b / firsts.a;
    assert.ok(ratio > 2.7 && ratio < 3.3, `b/a = ${ratio}`);
  });
});
