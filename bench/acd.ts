// ACD routing decision latency (issue 17): N callers waiting, M agents busy in Q queues with
// skills, on the fake clock. Each sample is one agent's conversation ending, timed from the
// hang-up to the next offer made (the freed agent's fair selection across its queues, the skill
// match with widening, the strategy and the explanation); the join of a new caller is timed too.
// Prints p50/p99/max per scenario; nothing asserts (the target: p99 < 1 ms at 1,000/500/50).
import { performance } from 'node:perf_hooks';
import { FakeClock, silentLogger } from '../server/sip/index.js';
import { Acd } from '../server/acd/engine.js';
import { seededRandom } from '../server/acd/random.js';
import { STRATEGY_NAMES } from '../server/acd/strategies/index.js';
import { DEFAULT_QUEUE } from '../server/acd/types.js';
import type { Interaction } from '../server/acd/interaction.js';

const SKILLS = ['english', 'spanish', 'french', 'german', 'billing', 'tech', 'sales', 'retention', 'vip', 'mobile'];

function scenario(o: { callers: number; agents: number; queues: number; samples: number }) {
  const rnd = seededRandom(17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const clock = new FakeClock();
  const offered: { offerId: string; agentId: string; interaction: Interaction }[] = [];
  let n = 0;
  const acd = new Acd({
    clock,
    random: rnd,
    logger: silentLogger,
    newId: () => `i${++n}`,
    driver: { ring: (r) => offered.push({ offerId: r.offerId, agentId: r.agents[0]!.id, interaction: r.interaction }), stopRinging: () => {}, exit: () => {} },
  });
  for (let q = 0; q < o.queues; q++) {
    const strategy = STRATEGY_NAMES.filter((s) => s !== 'ring-all' && s !== 'ring-progressively')[q % 7]!;
    acd.putQueue({ ...DEFAULT_QUEUE, id: `q${q}`, name: `q${q}`, strategy, ringTimeoutS: 600, requirements: [{ skill: SKILLS[q % SKILLS.length]!, minLevel: 30 + (q % 4) * 10 }], widening: [{ afterS: 30, maxMinLevel: 1 }, { afterS: 60, drop: SKILLS }] });
  }
  for (let a = 0; a < o.agents; a++) {
    const skills: Record<string, number> = {};
    for (let k = 0; k < 4; k++) skills[pick(SKILLS)] = 1 + Math.floor(rnd() * 100);
    acd.putAgent({ id: `a${a}`, name: `a${a}`, extension: String(2000 + a), pinHash: 'hmac-sha256:bench', skills, capacity: {}, maxMissed: 0, team: null });
    const queues = new Set<number>();
    while (queues.size < 5) queues.add(Math.floor(rnd() * o.queues));
    let order = 0;
    for (const q of queues) acd.putMembership({ agentId: `a${a}`, queueId: `q${q}`, penalty: Math.floor(rnd() * 3), weight: 1 + Math.floor(rnd() * 3), order: order++ });
  }
  // every agent takes a caller (answered at once), and `callers` more wait
  const talking: Interaction[] = [];
  const answerOffer = () => {
    for (const x of offered.splice(0)) if (acd.answered(x)) talking.push(x.interaction);
  };
  const join = () => acd.enqueue({ queueId: `q${Math.floor(rnd() * o.queues)}`, callId: null, caller: String(n), priority: rnd() < 0.05 ? 5 : 0, requirements: rnd() < 0.2 ? [{ skill: pick(SKILLS), minLevel: 20 }] : [] });
  for (let a = 0; a < o.agents; a++) acd.desk.login({ agentId: `a${a}` });
  for (let c = 0; c < o.callers + o.agents; c++) {
    join();
    answerOffer();
  }
  // by 60 s every requirement has widened away, so each free agent finds a caller
  clock.advance(61_000);
  answerOffer();
  const decide: number[] = [];
  /** the same, in this thread's CPU time: on a loaded machine, wall time also counts being preempted */
  const decideCpu: number[] = [];
  const joins: number[] = [];
  for (let s = 0; s < o.samples; s++) {
    clock.advance(100);
    const k = Math.floor(rnd() * talking.length);
    const ending = talking[k]!;
    talking[k] = talking[talking.length - 1]!;
    talking.pop();
    let t = performance.now();
    const cpu = process.cpuUsage();
    acd.hangup({ interactionId: ending.id, by: 'caller' });
    decide.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    decideCpu.push((used.user + used.system) / 1000);
    answerOffer();
    t = performance.now();
    join();
    joins.push(performance.now() - t);
    answerOffer();
  }
  const waiting = [...acd.queues.values()].reduce((x, q) => x + q.waiting.size, 0);
  return { decide, decideCpu, joins, waiting, talking: talking.length };
}

const pct = (xs: number[], p: number): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `${(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 1000).toFixed(0)} µs`;
};

for (const o of [
  { callers: 1000, agents: 500, queues: 50, samples: 20_000 },
  ...(process.env.ACD_BENCH_SMALL ? [] : [{ callers: 5000, agents: 2000, queues: 50, samples: 20_000 }]),
]) {
  const r = scenario(o);
  console.log(
    `${o.callers} waiting, ${o.agents} agents, ${o.queues} queues (5 queues and 4 skills per agent): ` +
      `agent freed → offer p50 ${pct(r.decide, 50)}, p99 ${pct(r.decide, 99)}, max ${pct(r.decide, 100)}; ` +
      `(CPU time p50 ${pct(r.decideCpu, 50)}, p99 ${pct(r.decideCpu, 99)}); caller joins p50 ${pct(r.joins, 50)}, p99 ${pct(r.joins, 99)} (${r.decide.length} samples; ${r.waiting} waiting, ${r.talking} talking at the end)`,
  );
}
