// Browser agents whose console is gone are logged out (Amazon Connect's stale-agent problem), on
// the fake clock: heartbeats keep an agent in, silence for the timeout logs it out, desk-phone and
// plain API log-ins are not watched.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../sip/index.js';
import { AgentHeartbeats } from './heartbeat.js';
import { acdRig, agent, queue } from './testing.js';

describe('browser agent heartbeat', () => {
  it('an agent logged in from a browser stays in while heartbeats come and is logged out 60 s after they stop; a ringing offer goes to the next agent', () => {
    const rig = acdRig();
    rig.setup(queue('sales', { ringTimeoutS: 600 }), [agent('a1'), agent('a2')]);
    const hb = new AgentHeartbeats({ acd: rig.acd, clock: rig.clock, logger: silentLogger, timeoutMs: 60_000 });
    rig.acd.desk.login({ agentId: 'a1' });
    hb.watch('a1');
    rig.acd.desk.login({ agentId: 'a2' }); // a desk phone's *50: not watched
    assert.equal(hb.beat('a2'), false);
    for (let s = 0; s < 10; s++) {
      rig.clock.advance(30_000);
      assert.equal(hb.beat('a1'), true);
    }
    assert.equal(rig.acd.agents.get('a1')!.state, 'available', 'five minutes of heartbeats every 30 s');
    rig.clock.advance(30_000);
    const r = rig.acd.enqueue({ queueId: 'sales', callId: 'c1', caller: '5551' });
    assert.ok(r.ok);
    const first = rig.driver.rings.at(-1)!.agentId;
    rig.clock.advance(29_999);
    assert.notEqual(rig.acd.agents.get('a1')!.state, 'logged-out', 'not yet: 59.999 s since the last heartbeat');
    rig.clock.advance(1);
    assert.equal(rig.acd.agents.get('a1')!.state, 'logged-out');
    assert.equal(rig.acd.agents.get('a2')!.state === 'logged-out', false, 'the desk-phone agent stays');
    if (first === 'a1') assert.deepEqual(rig.driver.rings.map((x) => x.agentId), ['a1', 'a2'], 'the offer ringing a1 went to a2');
    assert.equal(hb.beat('a1'), false, 'a heartbeat after the log-out is refused: the console logs in again');
    assert.ok(rig.log.some((l) => l.split('|')[3] === 'a1' && l.split('|')[4] === 'AGENTLOGOFF'));
  });

  it('a log-out by any other way ends the watch, and 0 disables it', () => {
    const rig = acdRig();
    rig.setup(queue('sales'), [agent('a1')]);
    const hb = new AgentHeartbeats({ acd: rig.acd, clock: rig.clock, logger: silentLogger, timeoutMs: 60_000 });
    rig.acd.desk.login({ agentId: 'a1' });
    hb.watch('a1');
    rig.acd.desk.logout({ agentId: 'a1' });
    assert.equal(hb.beat('a1'), false);
    rig.acd.desk.login({ agentId: 'a1' });
    rig.clock.advance(120_000);
    assert.equal(rig.acd.agents.get('a1')!.state, 'available', 'the old watch did not fire on the new log-in');
    const off = new AgentHeartbeats({ acd: rig.acd, clock: rig.clock, logger: silentLogger, timeoutMs: 0 });
    off.watch('a1');
    rig.clock.advance(3_600_000);
    assert.equal(rig.acd.agents.get('a1')!.state, 'available');
  });
});
