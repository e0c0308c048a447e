import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallFacts } from './call-facts.js';
import type { InboundLeg } from './inbound-leg.js';

const inbound = {
  id: 'leg-a',
  sipCallId: 'a@test',
  request: {
    message: { uri: 'sip:1002@pbx.test', headers: [] },
    flow: { protocol: 'udp' },
    source: { address: '192.0.2.10', port: 5060 },
  },
  startedAt: 1_000,
  answeredAt: null,
  endedAt: null,
  sipStatus: null,
} as unknown as InboundLeg;

const call = { id: 'c1', caller: { number: '1001', displayName: null, permissions: [] }, callee: '1002', startedAt: 1_000, inbound, winner: undefined };

describe('CallFacts: the routing in a call\'s records', () => {
  it('each record keeps the trace and handlers as they stood when it was taken', () => {
    const facts = new CallFacts();
    facts.routed([{ entry: 'default', matched: '1002' }]);
    const first = facts.snapshot(call);
    facts.handlerStarted('dial-extension');
    facts.routed([{ forward: '1003' }]);
    const second = facts.snapshot(call);
    assert.deepEqual(first.routing, { trace: [{ entry: 'default', matched: '1002' }], handlers: [] });
    assert.deepEqual(second.routing, { trace: [{ entry: 'default', matched: '1002' }, { forward: '1003' }], handlers: ['dial-extension'] });
  });

  it('records taken while the routing does not change share it rather than copy it (a call emits five or so)', () => {
    const facts = new CallFacts();
    facts.routed([{ entry: 'default' }]);
    facts.handlerStarted('dial-extension');
    const a = facts.snapshot(call);
    const b = facts.snapshot(call);
    assert.ok(a.routing !== undefined && a.routing === b.routing);
    assert.equal(a.recordingPath, null);
    facts.recordingStarted({ path: '2026/01/15/c1.wav', format: 'wav' });
    const c = facts.snapshot(call);
    assert.deepEqual([c.recordingPath, c.recordingFormat, c.recordingDurationMs], ['2026/01/15/c1.wav', 'wav', null]);
  });
});
