// Supervisor actions on the ACD core (fake clock): moving a waiting caller to another queue, and
// finding the queue call an agent is talking on (what *222/*223/*224 monitor).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acdRig, agent, queue } from './testing.js';

describe('ACD supervisor actions', () => {
  it('a supervisor moves a ringing caller to another queue: the offer is withdrawn, the record closes "moved" with the queue it went to, and the driver takes the caller there', () => {
    const rig = acdRig();
    rig.setup(queue('sales'), [agent('a1')]);
    rig.setup(queue('support'), []);
    rig.acd.desk.login({ agentId: 'a1' });
    const r = rig.acd.enqueue({ queueId: 'sales', callId: 'c1', caller: '5551' });
    assert.ok(r.ok);
    assert.deepEqual(rig.driver.rings.map((x) => x.agentId), ['a1']);
    rig.clock.advance(4000);
    assert.deepEqual(rig.acd.move({ interactionId: r.interaction.id, queueId: 'sales' }), { ok: false, reason: 'the caller is in queue sales already' });
    assert.deepEqual(rig.acd.move({ interactionId: r.interaction.id, queueId: 'nowhere' }), { ok: false, reason: 'unknown queue nowhere' });
    assert.deepEqual(rig.acd.move({ interactionId: r.interaction.id, queueId: 'support' }), { ok: true });
    assert.deepEqual(rig.driver.stops.map((s) => [s.agentIds, s.reason]), [[['a1'], 'caller-gone']]);
    assert.deepEqual(rig.driver.exits.map((e) => [e.outcome, e.to]), [['moved', { kind: 'queue', queue: 'support' }]]);
    assert.equal(rig.acd.agents.get('a1')!.state, 'available');
    const [rec] = rig.records;
    assert.deepEqual([rec!.outcome, rec!.overflowTo, rec!.waitMs], ['moved', 'queue:support', 4000]);
    assert.deepEqual(rig.acd.move({ interactionId: r.interaction.id, queueId: 'support' }), { ok: false, reason: 'no such caller waiting' });
    assert.deepEqual(rig.log.map((l) => l.split('|')[4]), ['AGENTLOGIN', 'ENTERQUEUE', 'MOVED']);
  });

  it('the queue call an agent talks on is found by the agent’s extension while connected, and no longer once it ends', () => {
    const rig = acdRig();
    rig.setup(queue('sales'), [agent('a1', { extension: '1002' })]);
    rig.acd.desk.login({ agentId: 'a1' });
    const r = rig.acd.enqueue({ queueId: 'sales', callId: 'call-7', caller: '5551' });
    assert.ok(r.ok);
    assert.equal(rig.acd.agentCallOf('1002'), undefined, 'ringing is not talking');
    assert.equal(rig.driver.answer(rig.acd, 'a1'), true);
    assert.equal(rig.acd.agentCallOf('1002'), 'call-7');
    assert.equal(rig.acd.agentCallOf('1003'), undefined);
    rig.acd.hangup({ interactionId: r.interaction.id, by: 'caller' });
    assert.equal(rig.acd.agentCallOf('1002'), undefined);
  });
});
