// The queue call handler on the fake clock with fake forks: the ACD's offers ring agents through
// Call.dial from the anchored call, the ACD's ring timeout cancels the forks without ending the
// call (Call.stopDial), the next agent's answer bridges, and the hang-up completes the record;
// a caller who hangs up while an agent rings abandons and the agent is free again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallState } from '../calls/call.js';
import { runSteps } from '../calls/handlers/handler.js';
import type { AnchoredServices, DialServices, SayServices } from '../calls/handlers/index.js';
import { callRig, FakeFork, FakeLocal, FakeMedia, flush, OFFER, silentLogger } from '../calls/test-support.js';
import { AgentState } from './agent.js';
import { Acd } from './engine.js';
import type { InteractionRecord } from './interaction.js';
import { CallRouter, QueueHandler } from './queue-handler.js';
import { agent, queue } from './testing.js';

function rig() {
  const r = callRig();
  const local = new FakeLocal();
  assert.equal(r.call.answer(local.media, OFFER), true);
  const router = new CallRouter();
  const acd = new Acd({ clock: r.clock, random: () => 0, logger: silentLogger, driver: router });
  acd.putQueue(queue('q', { strategy: 'linear', ringTimeoutS: 10, retryS: 60 }));
  for (const [n, id] of ['a1', 'a2'].entries()) {
    acd.putAgent(agent(id, { extension: `100${n + 2}` }));
    acd.putMembership({ agentId: id, queueId: 'q', penalty: 0, weight: 1, order: n });
  }
  const rang: { numbers: readonly string[]; fork: FakeFork }[] = [];
  const services = {
    engine: null as never,
    address: '127.0.0.1',
    domain: 'pbx.test',
    inbandDtmf: 'auto',
    noAnswerTimeoutMs: 30_000,
    promptsDir: 'prompts',
    locate: () => [],
    legContext: () => r.legContext,
    answered: () => {},
    callHandling: async () => undefined,
    dial: async ({ call, numbers, timeoutMs, onAnswered }) => {
      const fork = new FakeFork();
      rang.push({ numbers, fork });
      const res = await call.dial({ media: new FakeMedia().media as never, forks: [fork.leg], timeoutMs });
      if (!res.answered) return { kind: 'failed', failure: res.failure, by: res.by };
      onAnswered?.();
      return { kind: 'answered' };
    },
    tts: null,
  } as DialServices & AnchoredServices & SayServices;
  const records: InteractionRecord[] = [];
  acd.events.on('record', ({ record }) => records.push(record));
  const done = runSteps({ call: r.call, steps: [{ destination: { kind: 'queue', queue: 'q' }, argument: '', dialled: '700' }], factory: () => new QueueHandler({ acd, router, call: services }), request: r.request, maxForwards: 70, logger: silentLogger });
  return {
    ...r,
    acd,
    rang,
    records,
    done,
    /** the prompts played to the caller's anchored endpoint so far */
    get played(): string[] {
      return local.played;
    },
  };
}

describe('queue call handler', () => {
  it('an offer rings the agent; the ring timeout cancels it without ending the call, and the next agent answers', async () => {
    const r = rig();
    r.acd.desk.login({ agentId: 'a1' });
    await flush();
    assert.deepEqual(r.rang.map((x) => x.numbers), [['1002']]);
    assert.equal(r.call.state, CallState.Bridging);
    r.clock.advance(10_000);
    await flush();
    assert.equal(r.rang[0]!.fork.cancelled, 1, 'the ring timeout cancels the fork (RFC 3261 §9.1)');
    assert.equal(r.call.state, CallState.AnsweredLocally, 'the caller is still there, waiting');
    r.acd.desk.login({ agentId: 'a2' });
    await flush();
    assert.deepEqual(r.rang.map((x) => x.numbers), [['1002'], ['1003']]);
    r.rang[1]!.fork.respond(200, OFFER);
    await flush();
    assert.equal(r.call.state, CallState.Bridged);
    assert.equal(r.acd.agents.get('a2')!.state, AgentState.OnCall);
    r.clock.advance(20_000);
    await r.call.hangup('caller', 'bye');
    await r.done;
    await flush();
    assert.equal(r.records.length, 1);
    assert.equal(r.records[0]!.outcome, 'answered');
    assert.equal(r.records[0]!.agentId, 'a2');
    assert.equal(r.records[0]!.talkMs, 20_000);
    assert.deepEqual(r.records[0]!.offers.map((o) => [o.agentId, o.outcome]), [['a1', 'no-answer'], ['a2', 'answered']]);
    assert.equal(r.acd.agents.get('a2')!.state, AgentState.Available);
  });

  it('a caller who hangs up while an agent rings abandons; the fork is cancelled and the agent is free', async () => {
    const r = rig();
    r.acd.desk.login({ agentId: 'a1' });
    await flush();
    assert.equal(r.rang.length, 1);
    r.clock.advance(4_000);
    await r.call.hangup('caller', 'bye');
    await r.done;
    await flush();
    assert.equal(r.rang[0]!.fork.cancelled, 1);
    assert.equal(r.records[0]!.outcome, 'abandoned');
    assert.deepEqual(r.records[0]!.offers.map((o) => o.outcome), ['caller-gone']);
    assert.equal(r.acd.agents.get('a1')!.state, AgentState.Available);
    assert.equal(r.acd.interactions.size, 0);
  });

  it("a transfer of the caller (started as transferCall announces it) ends the agent's part: free again while the caller's call goes on", async () => {
    const r = rig();
    r.acd.desk.login({ agentId: 'a1' });
    await flush();
    r.rang[0]!.fork.respond(200, OFFER);
    await flush();
    assert.equal(r.acd.agents.get('a1')!.state, AgentState.OnCall);
    r.clock.advance(5_000);
    r.call.events.emit('transfer', { target: '1005', by: 'api', result: 'started' });
    await flush();
    assert.equal(r.acd.agents.get('a1')!.state, AgentState.Available);
    assert.deepEqual([r.records[0]?.outcome, r.records[0]?.endedBy, r.records[0]?.talkMs], ['answered', 'agent', 5_000]);
    // the caller's later hang-up does not end the interaction a second time
    await r.call.hangup('caller', 'bye');
    await flush();
    assert.equal(r.records.length, 1);
    assert.equal(r.acd.interactions.size, 0);
  });
});
