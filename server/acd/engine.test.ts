// The ACD core on the fake clock, no SIP: routing, skills that widen, priority, fairness across
// queues, penalty tiers, missed offers, wrap-up modes, next state, maximum wait and empty queues.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentState } from './agent.js';
import { acdRig, agent, queue } from './testing.js';

const answer = (rig: ReturnType<typeof acdRig>, agentId: string) => {
  assert.equal(rig.driver.answer(rig.acd, agentId), true, `${agentId} rings and answers`);
};
const stateOf = (rig: ReturnType<typeof acdRig>, id: string) => rig.acd.agents.get(id)!.state;
const events = (log: readonly string[]) => log.map((l) => l.split('|').slice(2, 5).join('|'));

describe('ACD routing', () => {
  it('longest-idle offers the agent free the longest, and the record explains the decision', () => {
    const rig = acdRig();
    rig.setup(queue('sales'), [agent('a1'), agent('a2'), agent('a3')]);
    rig.acd.desk.login({ agentId: 'a2' });
    rig.clock.advance(1000);
    rig.acd.desk.login({ agentId: 'a1' });
    rig.clock.advance(1000);
    rig.acd.desk.login({ agentId: 'a3' });
    rig.acd.desk.setBreak({ agentId: 'a3', reason: 'lunch' });
    const r = rig.acd.enqueue({ queueId: 'sales', callId: 'c1', caller: '5551' });
    assert.ok(r.ok);
    assert.deepEqual(rig.driver.rings.map((x) => x.agentId), ['a2']);
    assert.equal(stateOf(rig, 'a2'), AgentState.Reserved);
    answer(rig, 'a2');
    rig.clock.advance(30_000);
    rig.acd.hangup({ interactionId: r.interaction.id, by: 'caller' });
    const [rec] = rig.records;
    assert.equal(rec!.outcome, 'answered');
    assert.equal(rec!.agentId, 'a2');
    assert.equal(rec!.talkMs, 30_000);
    const d = rec!.decisions[0]!;
    assert.equal(d.strategy, 'longest-idle');
    assert.deepEqual(d.chosen, ['a2']);
    assert.match(d.why, /idle since .* the longest/);
    assert.deepEqual(d.excluded, { 'not free (break)': 1 });
    assert.deepEqual(rec!.offers.map((o) => [o.agentId, o.outcome]), [['a2', 'answered']]);
  });

  it('skills: an agent below the minimum is not offered until the requirement widens with waiting time', () => {
    const rig = acdRig();
    rig.setup(queue('es', { requirements: [{ skill: 'spanish', minLevel: 50 }], widening: [{ afterS: 60, maxMinLevel: 1 }, { afterS: 120, drop: ['spanish'] }] }), [agent('a1', { skills: { spanish: 30 } }), agent('a2', { skills: {} })]);
    rig.acd.desk.login({ agentId: 'a1' });
    rig.acd.desk.login({ agentId: 'a2' });
    const r = rig.acd.enqueue({ queueId: 'es', callId: 'c1', caller: '5551', requirements: [{ skill: 'billing', minLevel: 10 }] });
    assert.ok(r.ok);
    assert.equal(rig.driver.rings.length, 0, 'nobody meets spanish 50 and billing 10');
    rig.clock.advance(60_000);
    assert.equal(rig.driver.rings.length, 0, 'at 60 s any level will do, but a billing skill is still required');
    rig.acd.putAgent(agent('a2', { skills: { billing: 5 } }));
    rig.clock.advance(59_000);
    assert.equal(rig.driver.rings.length, 0, 'a2 has billing but no spanish at all');
    rig.clock.advance(1_000);
    assert.deepEqual(rig.driver.rings.map((x) => x.agentId), ['a2'], 'at 120 s spanish is dropped; billing capped at 1');
    const d = r.interaction.decisions[0]!;
    assert.deepEqual(d.requirements, [{ skill: 'billing', minLevel: 1 }]);
    assert.deepEqual(d.excluded, { 'skill billing 0 < 1': 1 });
  });

  it('priority: a VIP caller goes ahead of earlier callers, and a waiting caller can be re-prioritised live', () => {
    const rig = acdRig();
    rig.setup(queue('q', { vip: ['9999'], vipPriority: 5 }), [agent('a1')]);
    const c1 = rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    const c2 = rig.acd.enqueue({ queueId: 'q', callId: 'c2', caller: '2' });
    const vip = rig.acd.enqueue({ queueId: 'q', callId: 'c3', caller: '9999' });
    assert.ok(c1.ok && c2.ok && vip.ok);
    assert.equal(vip.position, 1);
    assert.equal(rig.acd.reprioritise({ interactionId: c2.interaction.id, priority: 7 }), true);
    assert.equal(rig.acd.position(c2.interaction.id), 1);
    assert.equal(rig.acd.position(vip.interaction.id), 2);
    rig.acd.desk.login({ agentId: 'a1' });
    assert.equal(rig.driver.rings[0]!.interaction.callId, 'c2');
  });

  it('fairness: an agent in two queues takes the caller who has waited longest across both', () => {
    const rig = acdRig();
    rig.setup(queue('q1'), [agent('a1')]);
    rig.setup(queue('q2'), [agent('a1')]);
    rig.acd.enqueue({ queueId: 'q2', callId: 'old', caller: '1' });
    rig.clock.advance(5000);
    rig.acd.enqueue({ queueId: 'q1', callId: 'new', caller: '2' });
    rig.acd.desk.login({ agentId: 'a1' });
    assert.equal(rig.driver.rings[0]!.interaction.callId, 'old');
  });

  it('penalty: a higher tier is offered only while no lower-tier agent is free', () => {
    const rig = acdRig();
    rig.setup(queue('q', { strategy: 'linear' }), [agent('a1'), agent('a2')], (i) => i * 2);
    rig.acd.desk.login({ agentId: 'a1' });
    rig.acd.desk.login({ agentId: 'a2' });
    rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    assert.deepEqual(rig.driver.rings.map((x) => x.agentId), ['a1']);
    assert.deepEqual(rig.driver.rings[0]!.interaction.decisions[0]!.excluded, { 'penalty 2 > 0': 1 });
    rig.acd.enqueue({ queueId: 'q', callId: 'c2', caller: '2' });
    assert.deepEqual(rig.driver.rings.map((x) => x.agentId), ['a1', 'a2'], 'a1 is reserved: the next tier takes the second caller');
  });

  it('a missed offer logs RINGNOANSWER and goes to the next agent; N misses in a row put the agent on break', () => {
    const rig = acdRig();
    rig.setup(queue('q', { strategy: 'linear', ringTimeoutS: 10, retryS: 1 }), [agent('a1', { maxMissed: 2 }), agent('a2')]);
    rig.acd.desk.login({ agentId: 'a1' });
    rig.acd.desk.login({ agentId: 'a2' });
    rig.acd.desk.setBreak({ agentId: 'a2', reason: 'training' });
    const r = rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    rig.clock.advance(10_000);
    assert.equal(rig.acd.agents.get('a1')!.missedInRow, 1);
    rig.clock.advance(1_000);
    assert.equal(rig.driver.rings.length, 2, 'retried after retryS');
    rig.clock.advance(10_000);
    assert.equal(stateOf(rig, 'a1'), AgentState.Break);
    assert.equal(rig.acd.agents.get('a1')!.breakReason, 'missed-offers');
    rig.acd.desk.setAvailable({ agentId: 'a2' });
    answer(rig, 'a2');
    assert.ok(r.ok);
    assert.deepEqual(events(rig.log).filter((e) => /RINGNOANSWER|PAUSE/.test(e)), ['q|a2|PAUSE', 'q|a1|RINGNOANSWER', 'q|a1|RINGNOANSWER', 'q|a1|PAUSE', 'q|a2|UNPAUSE']);
    assert.ok(rig.log.some((l) => l.endsWith('|a1|RINGNOANSWER|10000')));
  });

  it('ring-progressively adds the next agent each step while the first still rings', () => {
    const rig = acdRig();
    rig.setup(queue('q', { strategy: 'ring-progressively', progressiveStepS: 4, ringTimeoutS: 30 }), [agent('a1'), agent('a2'), agent('a3')]);
    for (const a of ['a1', 'a2', 'a3']) rig.acd.desk.login({ agentId: a });
    rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    assert.deepEqual(rig.driver.rings.map((x) => x.agentId), ['a1']);
    rig.clock.advance(4000);
    assert.deepEqual(rig.driver.rings.map((x) => x.agentId), ['a1', 'a2']);
    answer(rig, 'a2');
    assert.equal(stateOf(rig, 'a1'), AgentState.Available);
    rig.clock.advance(10_000);
    assert.equal(rig.driver.rings.length, 2, 'no third agent after the answer');
  });

  it('logging out mid-offer withdraws the offer and the caller is offered to another agent', () => {
    const rig = acdRig();
    rig.setup(queue('q', { strategy: 'linear' }), [agent('a1'), agent('a2')]);
    rig.acd.desk.login({ agentId: 'a1' });
    rig.acd.desk.login({ agentId: 'a2' });
    const r = rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    rig.acd.desk.logout({ agentId: 'a1' });
    assert.equal(stateOf(rig, 'a1'), AgentState.LoggedOut);
    assert.deepEqual(rig.driver.stops.map((s) => s.reason), ['agent-logout']);
    assert.deepEqual(rig.driver.rings.map((x) => x.agentId), ['a1', 'a2']);
    assert.ok(r.ok);
    assert.deepEqual(r.interaction.offers.map((o) => o.outcome), ['agent-logout', 'ringing']);
  });
});

describe('ACD agent states and wrap-up', () => {
  const wrapRig = (mode: 'optional' | 'mandatory' | 'mandatory-timeout') => {
    const rig = acdRig();
    rig.setup(queue('q', { wrapUp: { mode, seconds: 15, codes: ['sale', 'no-sale'] } }), [agent('a1')]);
    rig.acd.desk.login({ agentId: 'a1' });
    const r = rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    answer(rig, 'a1');
    rig.clock.advance(20_000);
    assert.ok(r.ok);
    rig.acd.hangup({ interactionId: r.interaction.id, by: 'agent' });
    return rig;
  };

  it('mandatory wrap-up lasts until the agent gives a known code', () => {
    const rig = wrapRig('mandatory');
    rig.clock.advance(600_000);
    assert.equal(stateOf(rig, 'a1'), AgentState.WrapUp);
    assert.deepEqual(rig.acd.desk.endWrapUp({ agentId: 'a1' }), { ok: false, reason: 'a wrap-up code is required' });
    assert.deepEqual(rig.acd.desk.endWrapUp({ agentId: 'a1', code: 'nope' }), { ok: false, reason: 'unknown wrap-up code nope' });
    assert.deepEqual(rig.acd.desk.endWrapUp({ agentId: 'a1', code: 'sale' }), { ok: true });
    assert.equal(stateOf(rig, 'a1'), AgentState.Available);
    assert.equal(rig.records[0]!.wrapUpCode, 'sale');
    assert.equal(rig.records[0]!.wrapUpMs, 600_000);
    assert.equal(rig.records[0]!.endedBy, 'agent');
    assert.ok(rig.log.some((l) => l.includes('|COMPLETEAGENT|0|20|1')));
  });

  it('mandatory wrap-up with a time-out ends by itself after its seconds, with no code', () => {
    const rig = wrapRig('mandatory-timeout');
    rig.clock.advance(14_999);
    assert.equal(stateOf(rig, 'a1'), AgentState.WrapUp);
    rig.clock.advance(1);
    assert.equal(stateOf(rig, 'a1'), AgentState.Available);
    assert.equal(rig.records[0]!.wrapUpCode, null);
  });

  it('optional wrap-up may end early, with or without a code', () => {
    const rig = wrapRig('optional');
    assert.deepEqual(rig.acd.desk.endWrapUp({ agentId: 'a1' }), { ok: true });
    assert.equal(stateOf(rig, 'a1'), AgentState.Available);
  });

  it('next state: a break asked for on a call starts when the wrap-up ends', () => {
    const rig = acdRig();
    rig.setup(queue('q', { wrapUp: { mode: 'optional', seconds: 5, codes: [] } }), [agent('a1')]);
    rig.acd.desk.login({ agentId: 'a1' });
    const r = rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    answer(rig, 'a1');
    rig.acd.desk.setBreak({ agentId: 'a1', reason: 'coffee' });
    assert.equal(stateOf(rig, 'a1'), AgentState.OnCall);
    assert.ok(r.ok);
    rig.acd.hangup({ interactionId: r.interaction.id, by: 'caller' });
    assert.equal(stateOf(rig, 'a1'), AgentState.WrapUp);
    rig.clock.advance(5000);
    assert.equal(stateOf(rig, 'a1'), AgentState.Break);
    assert.equal(rig.acd.agents.get('a1')!.breakReason, 'coffee');
  });

  it('chat capacity: an agent takes two chats at once but no call while chatting', () => {
    const rig = acdRig();
    rig.setup(queue('q'), [agent('a1', { capacity: { call: 1, chat: 2 } })]);
    rig.acd.desk.login({ agentId: 'a1' });
    rig.acd.enqueue({ queueId: 'q', callId: null, caller: 'web1', channel: 'chat' });
    rig.acd.enqueue({ queueId: 'q', callId: null, caller: 'web2', channel: 'chat' });
    rig.acd.enqueue({ queueId: 'q', callId: null, caller: 'web3', channel: 'chat' });
    rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    assert.deepEqual(rig.driver.rings.map((x) => x.interaction.caller), ['web1', 'web2']);
  });
});

describe('ACD leaving a queue', () => {
  it('maximum wait: EXITWITHTIMEOUT and the caller goes to the overflow', () => {
    const rig = acdRig();
    rig.setup(queue('q', { maxWaitS: 90, overflow: { kind: 'queue', queue: 'q2' } }), [agent('a1')]);
    const r = rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    rig.clock.advance(90_000);
    assert.deepEqual(rig.driver.exits.map((e) => [e.outcome, e.to]), [['timeout', { kind: 'queue', queue: 'q2' }]]);
    assert.ok(r.ok);
    assert.equal(rig.records[0]!.outcome, 'timeout');
    assert.equal(rig.records[0]!.overflowTo, 'queue:q2');
    assert.ok(rig.log.some((l) => l.endsWith('|c1|q|NONE|EXITWITHTIMEOUT|1|1|90')));
  });

  it('join-empty: a queue with no logged-in member refuses the caller (JOINEMPTY); maximum length refuses with FULL', () => {
    const rig = acdRig();
    rig.setup(queue('q', { joinEmpty: 'no-members', maxLength: 1 }), [agent('a1')]);
    assert.deepEqual(rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' }), { ok: false, reason: 'empty', to: null });
    rig.acd.desk.login({ agentId: 'a1' });
    rig.acd.desk.setBreak({ agentId: 'a1', reason: 'x' });
    assert.equal(rig.acd.enqueue({ queueId: 'q', callId: 'c2', caller: '2' }).ok, true);
    assert.deepEqual(rig.acd.enqueue({ queueId: 'q', callId: 'c3', caller: '3' }), { ok: false, reason: 'full', to: null });
    assert.deepEqual(events(rig.log).filter((e) => /JOINEMPTY|FULL|ENTERQUEUE/.test(e)), ['q|NONE|JOINEMPTY', 'q|NONE|ENTERQUEUE', 'q|NONE|FULL']);
    assert.deepEqual(rig.records.map((r) => r.outcome), ['refused-empty', 'refused-full']);
  });

  it('leave-empty: when the last member logs out, waiting callers leave (EXITEMPTY)', () => {
    const rig = acdRig();
    rig.setup(queue('q', { leaveEmpty: 'no-available' }), [agent('a1')]);
    rig.acd.desk.login({ agentId: 'a1' });
    rig.acd.desk.setBreak({ agentId: 'a1', reason: 'x' });
    rig.acd.desk.setAvailable({ agentId: 'a1' });
    rig.acd.enqueue({ queueId: 'q', callId: 'c0', caller: '0' });
    rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    rig.acd.desk.logout({ agentId: 'a1' });
    assert.deepEqual(rig.driver.exits.map((e) => e.outcome), ['left-empty', 'left-empty']);
    assert.ok(rig.log.some((l) => l.includes('|c1|q|NONE|EXITEMPTY|')));
  });

  it('an exit key takes the caller where the queue says, and other keys do nothing', () => {
    const rig = acdRig();
    rig.setup(queue('q', { exitKeys: { '0': { kind: 'number', number: '8000' } } }), [agent('a1')]);
    const r = rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    assert.ok(r.ok);
    assert.equal(rig.acd.exitKey({ interactionId: r.interaction.id, key: '5' }), null);
    assert.deepEqual(rig.acd.exitKey({ interactionId: r.interaction.id, key: '0' }), { kind: 'number', number: '8000' });
    assert.equal(rig.records[0]!.outcome, 'exit-key');
    assert.ok(rig.log.some((l) => l.includes('|EXITWITHKEY|0|1|1|0')));
  });

  it('a caller hanging up while an agent rings abandons: ABANDON, the agent is free again', () => {
    const rig = acdRig();
    rig.setup(queue('q'), [agent('a1')]);
    rig.acd.desk.login({ agentId: 'a1' });
    const r = rig.acd.enqueue({ queueId: 'q', callId: 'c1', caller: '1' });
    rig.clock.advance(7000);
    assert.ok(r.ok);
    rig.acd.hangup({ interactionId: r.interaction.id, by: 'caller' });
    assert.equal(stateOf(rig, 'a1'), AgentState.Available);
    assert.deepEqual(r.interaction.offers.map((o) => o.outcome), ['caller-gone']);
    assert.ok(rig.log.some((l) => l.endsWith('|c1|q|NONE|ABANDON|1|1|7')));
  });
});
