// What the event stream sends a scoped supervisor (issue 14): the snapshot narrowed to its queues
// and the agents in them or in its teams; deltas of other queues and agents dropped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { acdRig, agent, queue } from './testing.js';
import { snapshot, streamDeltas, type AcdStreamEvent } from './live.js';
import { floorScope, scopedEvent } from './scope.js';

describe('ACD floor scope', () => {
  it('narrows the snapshot and drops other queues\' and agents\' deltas; no scope passes everything', () => {
    const r = acdRig();
    r.setup(queue('sales'), [agent('a1')]);
    r.setup(queue('support'), [agent('a2')]);
    r.acd.putAgent(agent('a3', { team: 'night' }));
    const scope = floorScope({ queues: ['sales'], teams: ['night'], wholeFloor: false });
    const snap = scopedEvent(r.acd, scope, snapshot(r.acd, r.metrics));
    assert.ok(snap?.type === 'acd.snapshot');
    assert.deepEqual([snap.queues.map((q) => q.id), snap.agents.map((a) => a.id).sort()], [['sales'], ['a1', 'a3']]);

    const seen: AcdStreamEvent[] = [];
    const all: AcdStreamEvent[] = [];
    const off = streamDeltas({ acd: r.acd, metrics: r.metrics, publish: (e) => (all.push(e), void (scopedEvent(r.acd, scope, e) && seen.push(e))) });
    r.acd.enqueue({ queueId: 'support', callId: 'c1', caller: '5551' });
    r.acd.enqueue({ queueId: 'sales', callId: 'c2', caller: '5552' });
    off();
    const touched = (events: AcdStreamEvent[]) => events.map((e) => (e.type === 'acd.queue' ? e.queue.id : e.type === 'acd.agent' ? e.agent.id : e.type === 'acd.snapshot' ? '*' : 'id' in e ? e.id : e.queue));
    assert.ok(touched(all).includes('support'));
    assert.ok(!touched(seen).includes('support') && !touched(seen).includes('a2'), JSON.stringify(touched(seen)));
    assert.ok(touched(seen).includes('sales'));
    assert.equal(floorScope({ queues: [], teams: [], wholeFloor: false }), undefined, 'a supervisor given neither oversees the floor');
    assert.equal(floorScope({ queues: ['sales'], teams: [], wholeFloor: true }), undefined, 'an admin oversees the floor');
  });
});
