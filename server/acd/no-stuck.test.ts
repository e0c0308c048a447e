// No stuck agents or callers (issue 17's acceptance): 2,000 interactions through 20 agents on the
// fake clock with a seeded random source. Callers hang up while waiting, while an agent rings,
// while talking; agents miss offers, decline, take breaks, log out in the middle of an offer and
// come back; wrap-up is mandatory with a code. At the end every agent is available or on break,
// nobody waits, no timer is left, and every interaction has exactly one consistent record and
// the queue_log lines that go with it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentState } from './agent.js';
import { seededRandom } from './random.js';
import { acdRig, agent, queue } from './testing.js';
import type { InteractionRecord } from './interaction.js';

const INTERACTIONS = 2000;
const AGENTS = 20;

describe('ACD: no stuck agents or callers', () => {
  it('2,000 interactions through 20 agents with random hang-ups, cancels and log-outs at every stage end clean', () => {
    const rig = acdRig({ seed: 7 });
    const { acd, clock, driver } = rig;
    const rnd = seededRandom(42);
    const chance = (p: number) => rnd() < p;
    const between = (lo: number, hi: number) => Math.floor(lo + rnd() * (hi - lo));
    const later = (ms: number, fn: () => void) => clock.setTimeout(fn, ms);

    const strategies = ['longest-idle', 'ring-all', 'round-robin', 'ring-progressively'] as const;
    strategies.forEach((strategy, n) =>
      acd.putQueue(
        queue(`q${n}`, {
          strategy,
          ringTimeoutS: 12,
          progressiveStepS: 3,
          retryS: 2,
          maxWaitS: n === 3 ? 240 : 0,
          requirements: n === 1 ? [{ skill: 'french', minLevel: 60 }] : [],
          widening: n === 1 ? [{ afterS: 45, maxMinLevel: 1 }, { afterS: 90, drop: ['french'] }] : [{ afterS: 300, drop: ['french'] }],
          wrapUp: { mode: n === 2 ? 'mandatory' : 'mandatory-timeout', seconds: 20, codes: ['done', 'follow-up'] },
        }),
      ),
    );
    const ids = Array.from({ length: AGENTS }, (_, n) => `a${n + 1}`);
    ids.forEach((id, n) => acd.putAgent(agent(id, { skills: { french: n % 3 === 0 ? 80 : 20 }, maxMissed: 3 })));
    ids.forEach((id, n) => {
      for (let q = 0; q < 4; q++) if ((n + q) % 3 !== 0) acd.putMembership({ agentId: id, queueId: `q${q}`, penalty: (n + q) % 2, weight: 1, order: n });
      acd.desk.login({ agentId: id });
    });

    let ending = false;
    // agents: answer, decline, let it ring out, or log out mid-offer
    const ringing = (offerId: string, agentId: string) => {
      const roll = rnd();
      if (roll < 0.05) {
        later(between(0, 3000), () => {
          if (!driver.ringing.get(offerId)?.has(agentId)) return;
          acd.desk.logout({ agentId });
          later(between(5_000, 60_000), () => acd.desk.login({ agentId }));
        });
      } else if (roll < 0.15) {
        later(between(500, 4000), () => driver.ringing.get(offerId)?.has(agentId) && acd.declined({ offerId, agentId, outcome: chance(0.5) ? 'busy' : 'rejected' }));
      } else if (roll < 0.25) {
        // rings out (the engine's ring timeout)
      } else {
        later(between(1000, 8000), () => {
          if (!driver.ringing.get(offerId)?.has(agentId)) return;
          const i = driver.rings.find((r) => r.offerId === offerId)!.interaction;
          driver.ringing.delete(offerId);
          if (!acd.answered({ offerId, agentId })) return;
          // the conversation: either side hangs up
          later(between(5_000, 60_000), () => acd.hangup({ interactionId: i.id, by: chance(0.6) ? 'caller' : 'agent' }));
        });
      }
    };
    const seen = driver.ring.bind(driver);
    driver.ring = (o) => {
      seen(o);
      for (const a of o.agents) ringing(o.offerId, a.id);
    };
    // agents in wrap-up give a code after a while (the queue with a time-out may end it first)
    acd.events.on('agent', ({ agent: a, to }) => {
      if (to === AgentState.WrapUp) later(between(1000, 30_000), () => a.wrapUp && acd.desk.endWrapUp({ agentId: a.config.id, code: chance(0.5) ? 'done' : 'follow-up' }));
      if (to === AgentState.Break && !ending) later(between(10_000, 120_000), () => a.state === AgentState.Break && !ending && acd.desk.setAvailable({ agentId: a.config.id }));
    });

    // callers: join one of the queues, some as VIP or re-prioritised; give up after their patience
    const joined: string[] = [];
    let refused = 0;
    for (let n = 0; n < INTERACTIONS; n++) {
      clock.advance(between(0, 6000));
      const q = `q${between(0, 4)}`;
      const r = acd.enqueue({ queueId: q, callId: `call-${n}`, caller: `555${n}`, priority: chance(0.05) ? 5 : 0, requirements: chance(0.1) ? [{ skill: 'french', minLevel: 50 }] : [] });
      if (!r.ok) {
        refused++;
        continue;
      }
      joined.push(r.interaction.id);
      const id = r.interaction.id;
      if (chance(0.3)) later(between(1000, 180_000), () => acd.hangup({ interactionId: id, by: 'caller' }));
      if (chance(0.05)) later(between(1000, 60_000), () => acd.reprioritise({ interactionId: id, priority: between(1, 9) }));
      // agents go on break now and then, mid-call or free
      if (chance(0.02)) acd.desk.setBreak({ agentId: ids[between(0, AGENTS)]!, reason: 'personal' });
    }
    // the end of the day: no more callers; every agent comes back and answers what it is offered,
    // so a caller still waiting afterwards is one the engine forgot
    clock.advance(120_000);
    ending = true;
    for (const id of ids) {
      const a = acd.agents.get(id)!;
      if (!a.loggedIn) acd.desk.login({ agentId: id });
      else acd.desk.setAvailable({ agentId: id });
    }
    clock.advance(1_800_000);

    for (const id of ids) {
      const a = acd.agents.get(id)!;
      assert.ok(a.state === AgentState.Available || a.state === AgentState.Break, `${id} ends ${a.state}`);
      assert.equal(a.offers.size + a.work.size, 0, `${id} holds nothing`);
      assert.equal(a.wrapUp, null);
    }
    assert.equal(acd.interactions.size, 0, 'nobody waits');
    for (const q of acd.queues.values()) assert.equal(q.waiting.size, 0);
    assert.equal(clock.pendingTimers(), 0, 'no timer left behind');
    assert.equal(refused, 0);

    // exactly one record per interaction, each consistent
    const byId = new Map<string, InteractionRecord>();
    for (const r of rig.records) {
      assert.ok(!byId.has(r.id), `one record for ${r.id}`);
      byId.set(r.id, r);
    }
    assert.equal(byId.size, INTERACTIONS);
    const lines = new Map<string, string[]>();
    for (const l of rig.log) {
      const [, callId, , , event] = l.split('|');
      if (callId === 'NONE') continue;
      lines.set(callId!, [...(lines.get(callId!) ?? []), event!]);
    }
    const outcomes: Record<string, number> = {};
    for (const r of byId.values()) {
      outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
      assert.ok(r.offers.every((o) => o.outcome !== 'ringing' && o.endedAt !== null), `${r.id}: no offer left ringing`);
      const answered = r.offers.filter((o) => o.outcome === 'answered');
      const events = lines.get(r.callId!) ?? [];
      const count = (e: string) => events.filter((x) => x === e).length;
      assert.equal(count('ENTERQUEUE'), 1, `${r.callId}: ENTERQUEUE`);
      const misses = r.offers.filter((o) => ['no-answer', 'busy', 'rejected', 'unreachable'].includes(o.outcome)).length;
      assert.equal(count('RINGNOANSWER'), misses, `${r.callId}: RINGNOANSWER per missed offer`);
      assert.ok(r.waitMs >= 0 && r.endedAt >= r.enteredAt);
      if (r.outcome === 'answered') {
        assert.equal(answered.length, 1, `${r.id}: one answered offer`);
        assert.equal(answered[0]!.agentId, r.agentId);
        assert.ok(r.answeredAt !== null && r.talkMs !== null && r.talkMs >= 0);
        assert.equal(count('CONNECT'), 1);
        assert.equal(count('COMPLETECALLER') + count('COMPLETEAGENT'), 1);
        assert.equal(count(r.endedBy === 'caller' ? 'COMPLETECALLER' : 'COMPLETEAGENT'), 1);
      } else {
        assert.equal(answered.length, 0);
        assert.equal(r.agentId, null);
        assert.equal(count('CONNECT'), 0);
        assert.equal(count({ abandoned: 'ABANDON', timeout: 'EXITWITHTIMEOUT' }[r.outcome as 'abandoned' | 'timeout'] ?? 'none'), 1, `${r.callId}: ${r.outcome} logged`);
      }
    }
    // the run exercised every stage, not a trivial path
    assert.ok((outcomes.answered ?? 0) > 800 && (outcomes.abandoned ?? 0) > 50 && (outcomes.timeout ?? 0) > 0, JSON.stringify(outcomes));
    assert.ok(rig.log.some((l) => l.includes('|AGENTLOGOFF|')) && rig.log.some((l) => l.includes('|PAUSE|missed-offers')));
    assert.ok(rig.records.some((r) => r.offers.some((o) => o.outcome === 'agent-logout')), 'agents logged out mid-offer');
    assert.ok(rig.records.some((r) => r.offers.some((o) => o.outcome === 'caller-gone')), 'callers hung up while an agent rang');
  });
});
