// /api/v1/acd over a real temporary database: bad configuration refused with 400 and a reason,
// agents logged in by the API, the live floor, re-prioritisation, the interaction record by call
// id, and a small scenario whose figures are worked out by hand and read back from the interval
// table.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../sip/index.js';
import { AcdService } from '../acd/service.js';
import { testPins } from '../acd/testing.js';
import { INTERVAL_MS } from '../acd/metrics.js';
import { acdRig } from './acd-testing.js';

const rig = acdRig;

describe('/api/v1/acd', () => {
  it('refuses an unknown skill, an unknown strategy, a negative timeout and an agent in a queue twice with 400 and the reason', async () => {
    const r = await rig();
    try {
      assert.equal((await r.call('POST', '/api/v1/acd/skills', { name: 'spanish' })).status, 201);
      const unknownSkill = await r.call('POST', '/api/v1/acd/queues', { id: 'es', name: 'Spanish', requirements: [{ skill: 'klingon', minLevel: 50 }] });
      assert.deepEqual([unknownSkill.status, unknownSkill.body?.['reason'], unknownSkill.body?.['field']], [400, 'unknown skill klingon', 'requirements']);
      const agentSkill = await r.call('POST', '/api/v1/acd/agents', { id: 'ana', name: 'Ana', extension: '1001', pin: '1234', skills: { klingon: 10 } });
      assert.deepEqual([agentSkill.status, agentSkill.body?.['reason'], agentSkill.body?.['field']], [400, 'unknown skill klingon', 'skills']);
      const strategy = await r.call('POST', '/api/v1/acd/queues', { id: 'es', name: 'Spanish', strategy: 'fastest-finger' });
      assert.equal(strategy.status, 400);
      assert.match(JSON.stringify(strategy.body), /unknown strategy \\"fastest-finger\\"/);
      const negative = await r.call('POST', '/api/v1/acd/queues', { id: 'es', name: 'Spanish', maxWaitS: -5 });
      assert.equal(negative.status, 400);
      assert.match(JSON.stringify(negative.body), /the maximum wait cannot be negative/);
      assert.equal((await r.call('POST', '/api/v1/acd/queues', { id: 'es', name: 'Spanish', requirements: [{ skill: 'spanish', minLevel: 50 }] })).status, 201);
      assert.equal((await r.call('POST', '/api/v1/acd/agents', { id: 'ana', name: 'Ana', extension: '1001', pin: '1234', skills: { spanish: 70 } })).status, 201);
      assert.equal((await r.call('POST', '/api/v1/acd/memberships', { agentId: 'ana', queueId: 'es' })).status, 201);
      const twice = await r.call('POST', '/api/v1/acd/memberships', { agentId: 'ana', queueId: 'es', penalty: 2 });
      assert.deepEqual([twice.status, twice.body?.['reason'], twice.body?.['field']], [400, 'agent ana is already in queue es', 'queueId']);
      // the console shows a refusal under the field it names
      const noPin = await r.call('POST', '/api/v1/acd/agents', { id: 'cy', name: 'Cy', extension: '1003' });
      assert.deepEqual([noPin.status, noPin.body?.['field']], [400, 'pin']);
      const overflow = await r.call('POST', '/api/v1/acd/queues', { id: 'fr', name: 'French', overflow: { kind: 'queue', queue: 'nowhere' } });
      assert.deepEqual([overflow.body?.['reason'], overflow.body?.['field']], ['unknown queue nowhere', 'overflow']);
      // the configuration is in the store: a new service finds it
      const reopened = await AcdService.open({ repository: r.repository, clock: r.clock, random: () => 0, logger: silentLogger, queueLogPath: null, driver: r.driver, pins: testPins() });
      assert.deepEqual([...reopened.acd.queues.get('es')!.members.keys()], ['ana']);
      await reopened.close();
    } finally {
      await r.cleanup();
    }
  });

  it('agents log in by API; the live floor, re-prioritisation, the record by call id and the interval table agree with figures worked out by hand', async () => {
    const r = await rig();
    try {
      await r.call('POST', '/api/v1/acd/queues', { id: 'sales', name: 'Sales', serviceLevelS: 20, shortAbandonS: 5 });
      await r.call('POST', '/api/v1/acd/agents', { id: 'bo', name: 'Bo', extension: '1002', pin: '4321' });
      await r.call('POST', '/api/v1/acd/memberships', { agentId: 'bo', queueId: 'sales' });
      const t0 = r.clock.now();
      const at = (s: number) => r.clock.advance(t0 + s * 1000 - r.clock.now());
      const c1 = r.acd.acd.enqueue({ queueId: 'sales', callId: 'call-1', caller: '5551' });
      const c2 = r.acd.acd.enqueue({ queueId: 'sales', callId: 'call-2', caller: '5552' });
      assert.ok(c1.ok && c2.ok);
      const pri = await r.call('POST', `/api/v1/acd/interactions/${c2.interaction.id}/priority`, { priority: 3 });
      assert.deepEqual(pri.body, { id: c2.interaction.id, priority: 3, position: 1 });
      let live = await r.call('GET', '/api/v1/acd/live');
      const q = (live.body?.['queues'] as { waiting: number; callers: { callId: string }[] }[])[0]!;
      assert.deepEqual(q.callers.map((c) => c.callId), ['call-2', 'call-1']);
      at(10);
      assert.equal((await r.call('POST', '/api/v1/acd/agents/bo/state', { action: 'login' })).status, 200);
      assert.ok(r.driver.answer(r.acd.acd, 'bo')); // call-2 answered after 10 s
      live = await r.call('GET', '/api/v1/acd/live');
      const agent = (live.body?.['agents'] as { state: string; since: number; work: unknown[] }[])[0]!;
      assert.equal(agent.state, 'on-call');
      // the call in progress, for the wallboard: which caller, queue and since when
      assert.deepEqual(agent.work, [{ interactionId: c2.interaction.id, callId: 'call-2', channel: 'call', caller: '5552', queueId: 'sales', answeredAt: t0 + 10_000 }]);
      at(40);
      r.acd.acd.hangup({ interactionId: c1.interaction.id, by: 'caller' }); // abandons after 40 s
      r.acd.acd.hangup({ interactionId: c2.interaction.id, by: 'agent' }); // talked 30 s, no wrap-up
      const refusedLogout = await r.call('POST', '/api/v1/acd/agents/bo/state', { action: 'wrap-up-done' });
      assert.deepEqual([refusedLogout.status, refusedLogout.body?.['reason']], [409, 'not in wrap-up']);
      await r.acd.settled();
      const rec = await r.call('GET', '/api/v1/acd/interactions?callId=call-2');
      const items = rec.body?.['items'] as { outcome: string; agentId: string; waitMs: number; talkMs: number; offers: { agentId: string; outcome: string }[] }[];
      assert.equal(items.length, 1);
      assert.deepEqual([items[0]!.outcome, items[0]!.agentId, items[0]!.waitMs, items[0]!.talkMs], ['answered', 'bo', 10_000, 30_000]);
      assert.deepEqual(items[0]!.offers.map((o) => [o.agentId, o.outcome]), [['bo', 'answered']]);
      // by hand: 1 answered in 10 s (inside 20 s), 1 abandon after 40 s (over the 5 s short-abandon threshold)
      const expected = { answered: 1, abandoned: 1, serviceLevel: 1 / 1, serviceLevelWithAbandons: 1 / (1 + 1), asaMs: 10_000, ahtMs: 30_000, abandonRate: 1 / (1 + 1) };
      r.clock.advance(INTERVAL_MS);
      r.acd.persistIntervals(r.clock.now());
      await r.acd.settled();
      const [stored] = await r.repository.intervals({ queueId: 'sales' });
      assert.deepEqual([stored!.answered, stored!.abandoned, stored!.answeredInSl, stored!.waitAnsweredMs, stored!.handleMs], [1, 1, 1, 10_000, 30_000]);
      const api = await r.call('GET', '/api/v1/acd/intervals?queueId=sales');
      const row = (api.body?.['items'] as Record<string, unknown>[])[0]!;
      for (const [k, v] of Object.entries(expected)) assert.equal(row[k], v, k);
      assert.equal(row['start'], new Date(t0).toISOString());
    } finally {
      await r.cleanup();
    }
  });

  it('supervisors: move a waiting caller to another queue, and learn the codes and the call for listen, whisper and barge on an agent', async () => {
    const r = await rig();
    try {
      await r.call('POST', '/api/v1/acd/queues', { id: 'sales', name: 'Sales' });
      await r.call('POST', '/api/v1/acd/queues', { id: 'support', name: 'Support' });
      await r.call('POST', '/api/v1/acd/agents', { id: 'bo', name: 'Bo', extension: '1002', pin: '4321' });
      await r.call('POST', '/api/v1/acd/memberships', { agentId: 'bo', queueId: 'support' });
      const c1 = r.acd.acd.enqueue({ queueId: 'sales', callId: 'call-1', caller: '5551' });
      assert.ok(c1.ok);
      assert.equal((await r.call('POST', `/api/v1/acd/interactions/${c1.interaction.id}/move`, { queueId: 'nowhere' })).body?.['reason'], 'unknown queue nowhere');
      const moved = await r.call('POST', `/api/v1/acd/interactions/${c1.interaction.id}/move`, { queueId: 'support' });
      assert.deepEqual([moved.status, moved.body], [200, { id: c1.interaction.id, from: 'sales', to: 'support' }]);
      assert.deepEqual(r.driver.exits.map((e) => [e.outcome, e.to]), [['moved', { kind: 'queue', queue: 'support' }]]);
      assert.equal((await r.call('POST', `/api/v1/acd/interactions/${c1.interaction.id}/move`, { queueId: 'support' })).status, 404);
      // the queue handler re-enqueues the caller there (here: by hand, as FakeDriver does not)
      const c2 = r.acd.acd.enqueue({ queueId: 'support', callId: 'call-1', caller: '5551' });
      assert.ok(c2.ok);
      let mon = await r.call('GET', '/api/v1/acd/agents/bo/monitor');
      assert.deepEqual(mon.body, { agentId: 'bo', callId: null, codes: { listen: '*2221002', whisper: '*2231002', barge: '*2241002' } });
      await r.call('POST', '/api/v1/acd/agents/bo/state', { action: 'login' });
      assert.ok(r.driver.answer(r.acd.acd, 'bo'));
      mon = await r.call('GET', '/api/v1/acd/agents/bo/monitor');
      assert.equal(mon.body?.['callId'], 'call-1');
      assert.equal((await r.call('GET', '/api/v1/acd/agents/nobody/monitor')).status, 404);
      await r.acd.settled();
      const rec = (await r.call('GET', '/api/v1/acd/interactions?callId=call-1')).body?.['items'] as { outcome: string; overflowTo: string | null; queueId: string }[];
      assert.deepEqual(rec.map((x) => [x.queueId, x.outcome, x.overflowTo]), [['sales', 'moved', 'queue:support']]);
    } finally {
      await r.cleanup();
    }
  });

  it('a console log-in must send heartbeats: 204 while it does, logged out after the timeout, then 409', async () => {
    const r = await rig();
    try {
      await r.call('POST', '/api/v1/acd/agents', { id: 'bo', name: 'Bo', extension: '1002', pin: '4321' });
      assert.equal((await r.call('POST', '/api/v1/acd/agents/bo/heartbeat')).status, 409);
      assert.equal((await r.call('POST', '/api/v1/acd/agents/bo/state', { action: 'login', browser: true })).status, 200);
      r.clock.advance(50_000);
      assert.equal((await r.call('POST', '/api/v1/acd/agents/bo/heartbeat')).status, 204);
      r.clock.advance(50_000);
      assert.equal(r.acd.acd.agents.get('bo')!.state, 'available');
      r.clock.advance(10_000);
      assert.equal(r.acd.acd.agents.get('bo')!.state, 'logged-out');
      assert.equal((await r.call('POST', '/api/v1/acd/agents/bo/heartbeat')).status, 409);
      assert.equal((await r.call('POST', '/api/v1/acd/agents/nobody/heartbeat')).status, 404);
    } finally {
      await r.cleanup();
    }
  });

  it('a waiting caller is put down for a callback by API and keeps the place; a second request is 409', async () => {
    const r = await rig();
    try {
      await r.call('POST', '/api/v1/acd/queues', { id: 'sales', name: 'Sales' });
      const c1 = r.acd.acd.enqueue({ queueId: 'sales', callId: 'call-1', caller: '5551' });
      const c2 = r.acd.acd.enqueue({ queueId: 'sales', callId: 'call-2', caller: '5552' });
      assert.ok(c1.ok && c2.ok);
      const req = await r.call('POST', `/api/v1/acd/interactions/${c2.interaction.id}/callback`, { number: '5559' });
      assert.deepEqual([req.status, req.body], [200, { id: c2.interaction.id, position: 2 }]);
      r.acd.acd.hangup({ interactionId: c2.interaction.id, by: 'caller' });
      assert.equal(r.acd.acd.position(c2.interaction.id), 2);
      assert.equal((await r.call('POST', `/api/v1/acd/interactions/${c2.interaction.id}/callback`, {})).status, 409);
      assert.equal((await r.call('POST', '/api/v1/acd/interactions/nope/callback', {})).status, 404);
    } finally {
      await r.cleanup();
    }
  });
});
