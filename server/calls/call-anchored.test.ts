// Unit tests of a call Hailing answers itself (answer, play, then a bridge to a dialled callee)
// on the fake clock, with fake media and forks (test/calls-anchored-baresip.test.ts runs real phones).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallState } from './call.js';
import { BaseHandler, runSteps, type HandlerOutcome } from './handlers/handler.js';
import { callRig, FakeFork, FakeLocal, FakeMedia, flush, OFFER, silentLogger } from './test-support.js';

const statuses = (rig: ReturnType<typeof callRig>): number[] => rig.request.replies.map((r) => r.status);

function answered() {
  const rig = callRig();
  const local = new FakeLocal();
  const states: string[] = [];
  rig.call.on('state', (s) => void states.push(s.to));
  assert.equal(rig.call.answer(local.media, OFFER), true);
  return { rig, local, states };
}

describe('Call: answered locally, then bridged', () => {
  it('answer() gives the caller its 200 OK at once and the call is answered locally', () => {
    const { rig, states } = answered();
    assert.deepEqual(statuses(rig), [200]);
    assert.equal(rig.call.state, CallState.AnsweredLocally);
    assert.deepEqual(states, ['answered-locally']);
    assert.equal(rig.call.answerHere(new FakeLocal().media, OFFER), false, 'a second answer is an illegal move');
  });

  it("play() resolves when the engine reports the prompt's end; a call not answered here plays nothing", async () => {
    const { rig, local } = answered();
    const end = rig.call.play({ file: '/prompts/x.wav' });
    assert.equal(local.played.length, 1);
    local.endpoint.emit('play-done', { id: local.played[0]!, reason: 'finished' });
    assert.equal(await end, 'finished');
    assert.equal(await callRig().call.play({ file: '/prompts/x.wav' }), 'failed');
  });

  it("a dial bridges: the caller hears ringback, gets no provisional and no second answer; the callee's 200 connects the endpoints", async () => {
    const { rig, local, states } = answered();
    const fork = new FakeFork();
    const media = new FakeMedia();
    const result = rig.call.dial({ media: media.media, forks: [fork.leg], timeoutMs: 30_000 });
    assert.equal(rig.call.state, CallState.Bridging);
    assert.equal(local.played.length, 1, 'ringback plays to the caller');
    fork.respond(180);
    fork.respond(200, OFFER);
    const r = await result;
    assert.equal(r.answered, true);
    assert.equal(rig.call.state, CallState.Bridged);
    assert.deepEqual(states, ['answered-locally', 'bridging', 'bridged']);
    assert.deepEqual(statuses(rig), [200], 'no 180 and no re-answer to the caller');
    assert.equal(rig.sent.length, 0, 'no re-INVITE to the caller: its SDP did not change');
    assert.equal(local.stops, 1, 'ringback stops');
    assert.equal(local.reasserted, 1, "the caller's endpoint keeps the format it was answered with");
    assert.equal(rig.call.bridge, media.media);
  });

  it('a bridge that fails (486) goes back to answered locally with the caller still connected to Hailing', async () => {
    const { rig, local } = answered();
    const fork = new FakeFork();
    const result = rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 30_000 });
    fork.respond(486);
    const r = await result;
    assert.equal(r.answered, false);
    assert.equal(rig.call.state, CallState.AnsweredLocally);
    assert.equal(local.stops, 1);
    assert.deepEqual(statuses(rig), [200]);
  });

  it('the no-answer timer of a bridge cancels the forks and leaves the call answered locally', async () => {
    const { rig } = answered();
    const fork = new FakeFork();
    const result = rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 20_000 });
    rig.clock.advance(20_000);
    await result;
    assert.equal(fork.cancelled, 1);
    assert.equal(rig.call.state, CallState.AnsweredLocally);
  });

  it("the caller's hang-up while the bridge rings cancels the forks and closes the caller's endpoint", async () => {
    const { rig, local } = answered();
    const fork = new FakeFork();
    const result = rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 30_000 });
    await rig.call.hangup('caller', 'normal-clearing');
    await result;
    assert.equal(fork.cancelled, 1);
    assert.equal(rig.call.state, CallState.Ended);
    assert.equal(local.closed, 1);
  });

  it("the caller's BYE on a bridged call sends BYE to the callee and closes both endpoints' media", async () => {
    const { rig, local } = answered();
    const fork = new FakeFork();
    const media = new FakeMedia();
    const result = rig.call.dial({ media: media.media, forks: [fork.leg], timeoutMs: 30_000 });
    fork.respond(200, OFFER);
    await result;
    await rig.call.hangup('caller', 'normal-clearing');
    assert.equal(fork.byes, 1);
    assert.equal(local.closed, 1);
    assert.equal(media.closed, 1);
    assert.equal(rig.events[rig.events.length - 1]!.record.disposition, 'ANSWERED');
  });
});

describe('Call: pickup', () => {
  it('a ringing call says which extensions it rings; pickedUp() cancels its forks and answers the caller from the given endpoint (Bridged)', async () => {
    const rig = callRig();
    const forks = [new FakeFork(), new FakeFork()];
    const media = new FakeMedia();
    const result = rig.call.dial({ media: media.media, forks: forks.map((f) => f.leg), timeoutMs: 30_000, numbers: ['1002'] });
    forks[0]!.respond(180);
    assert.deepEqual(rig.call.ringing, ['1002']);
    const picker = new FakeLocal();
    assert.equal(rig.call.pickedUp({ media: picker.media, body: OFFER, by: '1003', peer: new FakeLocal('picker').endpoint.handle }), true);
    await result;
    assert.deepEqual(forks.map((f) => f.cancelled), [1, 1]);
    assert.equal(rig.call.state, CallState.Bridged);
    assert.deepEqual(statuses(rig), [180, 200]);
    assert.deepEqual(rig.call.ringing, []);
    assert.equal(rig.call.pickedUp({ media: picker.media, body: OFFER, by: '1004', peer: new FakeLocal('picker').endpoint.handle }), false, 'only a ringing call is picked up');
    await rig.call.hangup('callee', 'normal-clearing');
    await flush();
    assert.equal(picker.closed, 1);
    const trace = rig.events[rig.events.length - 1]!.record.routing!.trace as { result: string }[];
    assert.equal(trace[trace.length - 1]!.result, 'picked-up');
  });
});

describe('runSteps on a call answered here', () => {
  class Step extends BaseHandler {
    readonly name: string;
    readonly #run: () => HandlerOutcome;
    constructor(name: string, run: () => HandlerOutcome) {
      super();
      this.name = name;
      this.#run = run;
    }
    protected async run(): Promise<HandlerOutcome> {
      return this.#run();
    }
  }

  it("a step that fails after the local answer falls through; when the last one fails the caller gets BYE, not a final response", async () => {
    const rig = callRig();
    const ran: string[] = [];
    const steps = [
      new Step('answer', () => (rig.call.answer(new FakeLocal().media, OFFER), { kind: 'next' })),
      new Step('dial-busy', () => (ran.push('dial-busy'), { kind: 'failed', failure: { status: 486, disposition: 'BUSY', cause: 'busy' }, by: 'callee' })),
      new Step('dial-busy-again', () => (ran.push('dial-busy-again'), { kind: 'failed', failure: { status: 486, disposition: 'BUSY', cause: 'busy' }, by: 'callee' })),
    ];
    let i = 0;
    await runSteps({ call: rig.call, steps: steps.map(() => ({ destination: { kind: 'answer' }, argument: '', dialled: '700' })), factory: () => steps[i++]!, request: rig.request, maxForwards: 70, logger: silentLogger });
    await flush();
    assert.deepEqual(ran, ['dial-busy', 'dial-busy-again']);
    assert.deepEqual(statuses(rig), [200]);
    assert.equal(rig.call.state, CallState.Ended);
    assert.equal(rig.sent.filter((r) => r.method === 'BYE').length, 1);
    assert.equal(rig.events[rig.events.length - 1]!.record.hangupCause, 'busy');
  });
});
