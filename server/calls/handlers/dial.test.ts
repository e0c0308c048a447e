// The dialling handlers on the fake clock: ring groups, forwarding, DND. Dials go to fake forks
// through Call.dial(), so the no-answer timers are the call's own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallState } from '../call.js';
import { callRig, FakeFork, FakeMedia, flush, OFFER, silentLogger } from '../test-support.js';
import { DialExtension, MAX_FORWARD_HOPS, RingGroup, type CallHandling, type DialServices } from './dial.js';
import { runSteps } from './handler.js';
import type { Destination } from '../dialplan/destinations.js';
import type { Retarget } from '../diversion.js';

type Rig = ReturnType<typeof callRig>;

/** every dial rings one fake fork per number; `forks` shows what rang, in order */
function services(rig: Rig, handling: Record<string, Partial<CallHandling>> = {}) {
  const rang: { number: string; fork: FakeFork; timeoutMs: number; retargets: readonly Retarget[] }[] = [];
  const s: DialServices = {
    engine: null as never,
    address: '127.0.0.1',
    domain: 'pbx.test',
    inbandDtmf: 'auto',
    noAnswerTimeoutMs: 30_000,
    locate: () => [],
    legContext: () => rig.legContext,
    answered: () => {},
    callHandling: async (n) => (handling[n] ? { dnd: false, forwardAlways: null, forwardBusy: null, forwardNoAnswer: null, noAnswerS: null, ...handling[n] } : undefined),
    dial: async ({ call, numbers, timeoutMs, retargets }) => {
      const forks = numbers.map((number) => {
        const fork = new FakeFork();
        rang.push({ number, fork, timeoutMs, retargets: [...(retargets ?? [])] });
        return fork;
      });
      const r = await call.dial({ media: new FakeMedia().media, forks: forks.map((f) => f.leg), timeoutMs });
      return r.answered ? { kind: 'answered' } : { kind: 'failed', failure: r.failure, by: r.by };
    },
  };
  return { s, rang };
}

function start(rig: Rig, handler: DialExtension | RingGroup, destination: Destination) {
  return runSteps({ call: rig.call, steps: [{ destination, argument: '', dialled: '1002' }], factory: () => handler, request: rig.request, maxForwards: 70, logger: silentLogger });
}

const statuses = (rig: Rig) => rig.request.replies.map((r) => r.status);
const record = (rig: Rig) => rig.events[rig.events.length - 1]!.record;

describe('ring groups', () => {
  it('sequential: each member rings alone for its timeout, then the next; the one that answers gets the call', async () => {
    const rig = callRig();
    const { s, rang } = services(rig);
    const done = start(rig, new RingGroup(s), { kind: 'ring-group', strategy: 'sequential', members: ['1001', '1002', '1003'], memberTimeoutS: 10 });
    await flush();
    assert.deepEqual(rang.map((r) => r.number), ['1001']);
    rig.clock.advance(10_000);
    await flush();
    assert.deepEqual(rang.map((r) => r.number), ['1001', '1002']);
    assert.equal(rang[0]!.fork.cancelled, 1, 'the first member is cancelled when its time is up');
    rang[1]!.fork.respond(486);
    await flush();
    assert.deepEqual(rang.map((r) => r.number), ['1001', '1002', '1003']);
    rang[2]!.fork.respond(200, OFFER);
    await done;
    assert.equal(rig.call.state, CallState.Answered);
    assert.deepEqual(statuses(rig), [200]);
    assert.deepEqual(rang.map((r) => r.timeoutMs), [10_000, 10_000, 10_000]);
    // RFC 7044 / RFC 5806: each member is told the group's number was dialled
    assert.deepEqual(rang.map((r) => r.retargets), [0, 1, 2].map(() => [{ from: '1002', reason: 'group' }]));
  });

  it('sequential: when no member answers the caller gets the last failure (480 No Answer)', async () => {
    const rig = callRig();
    const { s, rang } = services(rig);
    const done = start(rig, new RingGroup(s), { kind: 'ring-group', strategy: 'sequential', members: ['1001', '1002'], memberTimeoutS: 5 });
    for (let i = 0; i < 2; i++) {
      await flush();
      rig.clock.advance(5_000);
    }
    await done;
    await flush();
    assert.equal(rang.length, 2);
    assert.deepEqual(statuses(rig), [480]);
    assert.equal(record(rig).disposition, 'NO ANSWER');
  });

  it('simultaneous: every member rings at once; the first answer wins and the others get CANCEL', async () => {
    const rig = callRig();
    const { s, rang } = services(rig);
    const done = start(rig, new RingGroup(s), { kind: 'ring-group', strategy: 'simultaneous', members: ['1001', '1002', '1003'], memberTimeoutS: 20 });
    await flush();
    assert.deepEqual(rang.map((r) => r.number), ['1001', '1002', '1003']);
    rang[1]!.fork.respond(200, OFFER);
    await done;
    assert.deepEqual(rang.map((r) => r.fork.cancelled), [1, 0, 1]);
  });
});

describe('call forwarding and DND', () => {
  it('forward on busy: the callee answers 486 and the call rings the busy target', async () => {
    const rig = callRig();
    const { s, rang } = services(rig, { '1002': { forwardBusy: '1003' } });
    const done = start(rig, new DialExtension(s), { kind: 'extension' });
    await flush();
    rang[0]!.fork.respond(486);
    await flush();
    assert.deepEqual(rang.map((r) => r.number), ['1002', '1003']);
    rang[1]!.fork.respond(200, OFFER);
    await done;
    assert.deepEqual(statuses(rig), [200]);
    assert.deepEqual(record(rig).routing?.trace, [{ number: '1003', entry: null, pattern: null, result: 'forwarded', reason: '1002 forwards (busy)' }]);
  });

  it('RFC 5806 / RFC 7044: each forward is passed to the next dial (Diversion and History-Info), the oldest first', async () => {
    const rig = callRig();
    const { s, rang } = services(rig, { '1002': { forwardBusy: '1003' }, '1003': { forwardAlways: '1004' } });
    void start(rig, new DialExtension(s), { kind: 'extension' });
    await flush();
    assert.deepEqual(rang[0]!.retargets, [], 'the first dial went through no forward');
    rang[0]!.fork.respond(486);
    await flush();
    assert.deepEqual(rang.map((r) => r.number), ['1002', '1004']);
    assert.deepEqual(rang[1]!.retargets, [
      { from: '1002', reason: 'busy' },
      { from: '1003', reason: 'unconditional' },
    ]);
  });

  it("forward on no answer after the extension's own ring time", async () => {
    const rig = callRig();
    const { s, rang } = services(rig, { '1002': { forwardNoAnswer: '1003', noAnswerS: 8 } });
    void start(rig, new DialExtension(s), { kind: 'extension' });
    await flush();
    rig.clock.advance(7_999);
    await flush();
    assert.equal(rang.length, 1);
    rig.clock.advance(1);
    await flush();
    assert.deepEqual(rang.map((r) => [r.number, r.timeoutMs]), [['1002', 8_000], ['1003', 30_000]]);
    assert.equal(rang[0]!.fork.cancelled, 1);
  });

  it('DND gives the caller 486 without ringing; with a busy forward the target rings instead', async () => {
    const rig = callRig();
    const { s, rang } = services(rig, { '1002': { dnd: true } });
    await start(rig, new DialExtension(s), { kind: 'extension' });
    await flush();
    assert.equal(rang.length, 0);
    assert.deepEqual(statuses(rig), [486]);
    assert.equal(record(rig).hangupCause, 'dnd');

    const rig2 = callRig();
    const two = services(rig2, { '1002': { dnd: true, forwardBusy: '1003' } });
    void start(rig2, new DialExtension(two.s), { kind: 'extension' });
    await flush();
    assert.deepEqual(two.rang.map((r) => r.number), ['1003']);
  });

  it('unconditional forward rings only the target', async () => {
    const rig = callRig();
    const { s, rang } = services(rig, { '1002': { forwardAlways: '1004' } });
    void start(rig, new DialExtension(s), { kind: 'extension' });
    await flush();
    assert.deepEqual(rang.map((r) => r.number), ['1004']);
  });

  it(`a forward loop stops after ${MAX_FORWARD_HOPS} hops with 482 and the cause forward-loop in the record`, async () => {
    const rig = callRig();
    const { s, rang } = services(rig, { '1002': { forwardAlways: '1003' }, '1003': { forwardAlways: '1002' } });
    await start(rig, new DialExtension(s), { kind: 'extension' });
    await flush();
    assert.equal(rang.length, 0);
    assert.deepEqual(statuses(rig), [482]);
    assert.equal(record(rig).hangupCause, 'forward-loop');
    const trace = record(rig).routing!.trace as { result: string }[];
    assert.equal(trace.filter((t) => t.result === 'forwarded').length, MAX_FORWARD_HOPS);
    assert.equal(trace[trace.length - 1]!.result, 'forward-loop');
  });

  it("the caller's CANCEL while the forward target rings ends the chain: 487, no further forward", async () => {
    const rig = callRig();
    const { s, rang } = services(rig, { '1002': { forwardNoAnswer: '1003' }, '1003': { forwardNoAnswer: '1004' } });
    const done = start(rig, new DialExtension(s), { kind: 'extension' });
    await flush();
    rang[0]!.fork.respond(480);
    await flush();
    rig.request.cancel();
    await done;
    await flush();
    assert.deepEqual(rang.map((r) => r.number), ['1002', '1003']);
    assert.deepEqual(statuses(rig), [487]);
  });
});
