// Callbacks that keep the place, on the fake clock: the caller asks (exit key), hangs up, keeps the
// position behind earlier callers and ahead of later ones; at its turn the agent is rung first, then
// the customer; a customer not reached is retried after the delay, in the same place, and after the
// attempts allowed the record says callback-failed; reached, the record says callback-completed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acdRig, agent, queue } from './testing.js';

describe('callback that keeps the place', () => {
  it('the caller presses the callback key and hangs up; their turn rings the agent, then the customer; the record says callback-completed', () => {
    const rig = acdRig();
    rig.setup(queue('sales', { exitKeys: { '2': { kind: 'callback' } }, maxWaitS: 120 }), [agent('a1')]);
    const first = rig.acd.enqueue({ queueId: 'sales', callId: 'c1', caller: '5551' });
    const second = rig.acd.enqueue({ queueId: 'sales', callId: 'c2', caller: '5552' });
    rig.clock.advance(10_000);
    const third = rig.acd.enqueue({ queueId: 'sales', callId: 'c3', caller: '5553' });
    assert.ok(first.ok && second.ok && third.ok);
    assert.deepEqual(rig.acd.exitKey({ interactionId: second.interaction.id, key: '2' }), { kind: 'callback' });
    rig.acd.hangup({ interactionId: second.interaction.id, by: 'caller' }); // the caller's call ends
    rig.clock.advance(200_000); // past the maximum wait: the callback is not moved out
    assert.equal(rig.acd.position(second.interaction.id), 1, 'the first caller timed out; the callback is first now, ahead of the third who joined later');
    assert.deepEqual(rig.driver.exits.map((e) => [e.interaction.callId, e.outcome]), [['c1', 'timeout'], ['c3', 'timeout']]);
    rig.acd.desk.login({ agentId: 'a1' });
    const offer = rig.driver.offerFor('a1')!;
    assert.equal(rig.acd.interactions.get(second.interaction.id)?.callback?.number, '5552');
    // the driver rang the agent, who answered (hears the whisper); then it dials the customer
    assert.equal(rig.acd.callbackAgentReady({ offerId: offer, agentId: 'a1' }), true);
    rig.clock.advance(60_000); // longer than the agent's ring timeout: the engine waits for the customer
    assert.equal(rig.acd.agents.get('a1')!.state, 'reserved');
    assert.equal(rig.driver.answer(rig.acd, 'a1'), true); // the customer answered: connected
    rig.clock.advance(45_000);
    rig.acd.hangup({ interactionId: second.interaction.id, by: 'caller' });
    const rec = rig.records.find((r) => r.callId === 'c2')!;
    assert.deepEqual([rec.outcome, rec.agentId, rec.talkMs], ['callback-completed', 'a1', 45_000]);
    assert.deepEqual(rec.offers.map((o) => [o.agentId, o.outcome]), [['a1', 'answered']]);
    assert.equal(rig.acd.agents.get('a1')!.state, 'available');
    const lines = rig.log.filter((l) => l.includes('|c2|')).map((l) => l.split('|')[4]);
    assert.deepEqual(lines, ['ENTERQUEUE', 'CALLBACKREQUEST', 'CONNECT', 'COMPLETECALLER']);
  });

  it('a customer not reached is retried after the delay in the same place; after the attempts allowed the record says callback-failed and the agent was never put on break', () => {
    const rig = acdRig();
    rig.setup(queue('sales'), [agent('a1', { maxMissed: 1 })]);
    rig.acd.desk.login({ agentId: 'a1' });
    rig.acd.desk.setBreak({ agentId: 'a1', reason: 'lunch' });
    const r = rig.acd.enqueue({ queueId: 'sales', callId: 'c1', caller: '5551' });
    assert.ok(r.ok);
    assert.equal(rig.acd.requestCallback({ interactionId: r.interaction.id, number: '5559', maxAttempts: 2 }), true);
    assert.equal(rig.acd.requestCallback({ interactionId: r.interaction.id, number: '5559' }), false, 'once');
    rig.acd.desk.setAvailable({ agentId: 'a1' });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const offer = rig.driver.offerFor('a1');
      assert.ok(offer, `attempt ${attempt} rings the agent`);
      assert.equal(rig.acd.callbackAgentReady({ offerId: offer, agentId: 'a1' }), true);
      rig.driver.ringing.delete(offer);
      rig.acd.callbackFailed({ offerId: offer, agentId: 'a1', retryS: 300 });
      assert.equal(rig.acd.agents.get('a1')!.state, 'available', 'the customer not answering is not the agent missing an offer');
      if (attempt === 1) {
        rig.clock.advance(299_000);
        assert.equal(rig.driver.offerFor('a1'), undefined, 'not before the retry delay');
        rig.clock.advance(1_000);
      }
    }
    const rec = rig.records.find((x) => x.callId === 'c1')!;
    assert.equal(rec.outcome, 'callback-failed');
    assert.deepEqual(rec.offers.map((o) => o.outcome), ['customer-no-answer', 'customer-no-answer']);
    assert.equal(rig.acd.interactions.size, 0);
    assert.deepEqual(rig.log.filter((l) => l.includes('|c1|')).map((l) => l.split('|')[4]), ['ENTERQUEUE', 'CALLBACKREQUEST', 'CALLBACKFAILED']);
  });

  it('a driver that cannot call back refuses the request: the caller stays on the line and in the queue', () => {
    const rig = acdRig();
    rig.setup(queue('sales', { exitKeys: { '2': { kind: 'callback' } } }), []);
    rig.driver.canCallBack = () => false;
    const r = rig.acd.enqueue({ queueId: 'sales', callId: 'c1', caller: '5551' });
    assert.ok(r.ok);
    assert.equal(rig.acd.exitKey({ interactionId: r.interaction.id, key: '2' }), null);
    assert.equal(rig.acd.position(r.interaction.id), 1);
  });
});
