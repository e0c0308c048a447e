// Unit tests of the anchored Call on the fake clock (the black-box tests in test/ run real phones).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallState } from './call.js';
import { FAILURES } from './outcome.js';
import { BaseHandler, runSteps, type HandlerContext, type HandlerOutcome } from './handlers/handler.js';
import { callerInvite, callRig, FakeFork, FakeMedia, flush, OFFER, silentLogger } from './test-support.js';
import { handleInDialog } from './in-dialog.js';
import type { SipResponse } from '../sip/index.js';
import type { Call } from './call.js';

const statuses = (rig: ReturnType<typeof callRig>): number[] => rig.request.replies.map((r) => r.status);
const lastRecord = (rig: ReturnType<typeof callRig>) => rig.events[rig.events.length - 1]!.record;

describe('Call: dial steps', () => {
  it('the no-answer timer cancels every fork when it runs out and the step fails 480 No Answer; the call goes back to routing', async () => {
    const rig = callRig();
    const forks = [new FakeFork(), new FakeFork()];
    const media = new FakeMedia();
    const result = rig.call.dial({ media: media.media, forks: forks.map((f) => f.leg), timeoutMs: 30_000 });
    forks[0]!.respond(180);
    assert.equal(rig.call.state, CallState.Ringing);
    rig.clock.advance(29_999);
    await flush();
    assert.equal(forks[0]!.cancelled, 0);
    rig.clock.advance(1);
    const r = await result;
    assert.equal(r.answered, false);
    assert.deepEqual(r.answered ? null : r.failure, FAILURES.noAnswer);
    assert.deepEqual(forks.map((f) => f.cancelled), [1, 1]);
    assert.equal(rig.call.state, CallState.Routing);
    // RFC 3261 §13.3.1.1: the caller heard the callee's ringing, and no final response yet
    assert.deepEqual(statuses(rig), [180]);
  });

  it('the first 2xx wins: the other forks get CANCEL (RFC 3261 §16.7 for a B2BUA) and the caller the answer', async () => {
    const rig = callRig();
    const forks = [new FakeFork(), new FakeFork(), new FakeFork()];
    const result = rig.call.dial({ media: new FakeMedia().media, forks: forks.map((f) => f.leg), timeoutMs: 30_000 });
    forks[1]!.respond(200, OFFER);
    const r = await result;
    assert.equal(r.answered, true);
    assert.deepEqual(forks.map((f) => f.cancelled), [1, 0, 1]);
    assert.equal(rig.call.state, CallState.Answered);
    assert.deepEqual(statuses(rig), [200]);
  });

  it('RFC 3326: the CANCEL to forks another phone answered says so (Reason: SIP;cause=200)', async () => {
    const rig = callRig();
    const forks = [new FakeFork(), new FakeFork()];
    const result = rig.call.dial({ media: new FakeMedia().media, forks: forks.map((f) => f.leg), timeoutMs: 30_000 });
    forks[0]!.respond(200, OFFER);
    await result;
    assert.match(forks[1]!.cancelReasons[0] ?? '', /^SIP;cause=200;text="Call completed elsewhere"$/);
  });

  it('all forks failing gives the best failure (RFC 3261 §16.7 step 6: busy beats not found)', async () => {
    const rig = callRig();
    const forks = [new FakeFork(), new FakeFork()];
    const result = rig.call.dial({ media: new FakeMedia().media, forks: forks.map((f) => f.leg), timeoutMs: 30_000 });
    forks[0]!.respond(404);
    await flush();
    forks[1]!.respond(486);
    const r = await result;
    assert.equal(r.answered ? 0 : r.failure.status, 486);
    assert.equal(r.answered ? '' : r.by, 'callee');
    assert.equal(rig.clock.pendingTimers(), 0);
  });
});

describe('Call: CANCEL (RFC 3261 §9.2) in each state', () => {
  it('while routing: 487 to the caller and a CANCELLED record', async () => {
    const rig = callRig();
    rig.call.cancelledByCaller();
    await flush();
    assert.deepEqual(statuses(rig), [487]);
    assert.equal(rig.call.state, CallState.Ended);
    assert.equal(lastRecord(rig).disposition, 'CANCELLED');
    assert.equal(lastRecord(rig).hangupBy, 'caller');
  });

  it('while ringing: the forks are cancelled, the caller gets 487, the media is left to the dial step', async () => {
    const rig = callRig();
    const fork = new FakeFork();
    const result = rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 30_000 });
    fork.respond(180);
    rig.call.cancelledByCaller();
    const r = await result;
    assert.equal(r.answered, false);
    assert.equal(fork.cancelled, 1);
    assert.deepEqual(statuses(rig), [180, 487]);
    assert.equal(rig.call.state, CallState.Ended);
    assert.equal(rig.clock.pendingTimers(), 0);
  });

  it('once answered: too late (§9.2, the 2xx was sent), the call stays up', async () => {
    const rig = callRig();
    const fork = new FakeFork();
    const result = rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 30_000 });
    fork.respond(200, OFFER);
    await result;
    rig.call.cancelledByCaller();
    await flush();
    assert.equal(rig.call.state, CallState.Answered);
    assert.deepEqual(statuses(rig), [200]);
  });
});

describe('Call: the 2xx without ACK (RFC 3261 §13.3.1.4)', () => {
  it('is retransmitted with T1 doubling up to T2 and, with no ACK after 64*T1, the call ends with BYE to both parties', async () => {
    const rig = callRig();
    const fork = new FakeFork();
    const media = new FakeMedia();
    const result = rig.call.dial({ media: media.media, forks: [fork.leg], timeoutMs: 30_000 });
    fork.respond(200, OFFER);
    await result;
    // T1 = 500 ms: retransmissions at 0.5, 1.5, 3.5, 7.5, 11.5, ... s
    rig.clock.advance(500);
    assert.deepEqual(statuses(rig), [200, 200]);
    rig.clock.advance(64 * 500 - 500 - 1);
    await flush();
    assert.equal(rig.call.state, CallState.Answered);
    rig.clock.advance(1);
    await flush();
    assert.equal(rig.call.state, CallState.Ended);
    assert.equal(fork.byes, 1);
    assert.equal(rig.sent.filter((m) => m.method === 'BYE').length, 1);
    assert.equal(lastRecord(rig).hangupCause, 'ack-timeout');
    assert.equal(media.closed, 1);
  });
});

describe('Call: offers in the dialog', () => {
  it('a second offer while the first is still pending gets 491 (RFC 3261 §14.2), and the pending one still completes', async () => {
    const rig = callRig();
    const fork = new FakeFork();
    const result = rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 30_000 });
    fork.respond(200, OFFER);
    await result;
    const first = callerInvite(OFFER, { cseq: 2 });
    const relayed = handleInDialog({ call: rig.call, side: 'caller', request: first, contact: '<sip:hailing@127.0.0.1>', observer: { ended: async () => {} } });
    await flush();
    assert.deepEqual(fork.requests.map((r) => r.method), ['INVITE']);
    const second = callerInvite(OFFER, { cseq: 3 });
    await handleInDialog({ call: rig.call, side: 'callee', request: second, contact: '<sip:hailing@127.0.0.1>', observer: { ended: async () => {} } });
    assert.deepEqual(second.replies.map((r) => r.status), [491]);
    fork.requests[0]!.resolve({ kind: 'response', version: 'SIP/2.0', status: 200, reason: 'OK', headers: [], body: OFFER } as unknown as SipResponse);
    await relayed;
    assert.deepEqual(first.replies.map((r) => r.status), [200]);
    assert.equal(rig.call.offerPending, false);
  });
});

class Waiting extends BaseHandler {
  readonly name = 'waiting';
  protected run(): Promise<HandlerOutcome> {
    return new Promise((resolve) => this.onKill((reason) => resolve({ kind: 'killed', reason })));
  }
}

class Failing extends BaseHandler {
  readonly name: string;
  readonly #status: number;
  constructor(name: string, status: number) {
    super();
    this.name = name;
    this.#status = status;
  }
  protected async run(): Promise<HandlerOutcome> {
    return { kind: 'failed', failure: { status: this.#status, disposition: 'BUSY', cause: `busy-${this.name}` }, by: 'callee' };
  }
}

const steps = (n: number) => Array.from({ length: n }, () => ({ destination: { kind: 'extension' as const }, argument: '', dialled: '1002' }));
const run = (call: Call, handlers: BaseHandler[], request: ReturnType<typeof callRig>['request']) => {
  let i = 0;
  return runSteps({ call, steps: steps(handlers.length), factory: () => handlers[i++]!, request, maxForwards: 70, logger: silentLogger });
};

describe('Call handlers', () => {
  it('the caller hanging up (CANCEL) kills the running handler, whose completion says killed', async () => {
    const rig = callRig();
    const handler = new Waiting();
    const chain = run(rig.call, [handler], rig.request);
    await flush();
    rig.request.cancel();
    await chain;
    assert.deepEqual(await handler.done, { kind: 'killed', reason: 'cancelled' });
    assert.deepEqual(statuses(rig), [487]);
  });

  it('a failed step falls through to the next; the last failure is what the caller is told; the record lists the handlers', async () => {
    const rig = callRig();
    await run(rig.call, [new Failing('first', 486), new Failing('second', 480)], rig.request);
    await flush();
    assert.deepEqual(statuses(rig), [480]);
    assert.deepEqual(lastRecord(rig).routing?.handlers, ['first', 'second']);
    assert.equal(lastRecord(rig).hangupCause, 'busy-second');
  });

  it('after the caller CANCELs during a step, the next step does not start (while the media is still closing)', async () => {
    const rig = callRig();
    class SlowMedia extends FakeMedia {
      override close(): Promise<undefined> {
        return new Promise((resolve) => setTimeout(() => resolve(undefined), 50));
      }
    }
    class DialThenCancelled extends BaseHandler {
      readonly name = 'cancelled';
      protected async run(call: Call): Promise<HandlerOutcome> {
        const fork = new FakeFork();
        const dialled = call.dial({ media: new SlowMedia().media, forks: [fork.leg], timeoutMs: 30_000 });
        rig.request.cancel();
        const r = await dialled;
        return r.answered ? { kind: 'answered' } : { kind: 'failed', failure: r.failure, by: r.by };
      }
    }
    const next = new Failing('never', 486);
    let started = false;
    void next.done.then(() => (started = true));
    await run(rig.call, [new DialThenCancelled(), next], rig.request);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(statuses(rig), [487]);
    assert.equal(started, false, 'the second step never ran');
  });

  it('a handler that throws fails its step with 500 instead of leaving the caller without an answer', async () => {
    const rig = callRig();
    class Throwing extends BaseHandler {
      readonly name = 'throwing';
      protected run(_call: Call, _ctx: HandlerContext): Promise<HandlerOutcome> {
        return Promise.reject(new Error('boom'));
      }
    }
    await run(rig.call, [new Throwing()], rig.request);
    await flush();
    assert.deepEqual(statuses(rig), [500]);
  });
});
