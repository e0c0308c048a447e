// Unit tests of the anchored call's surface on the fake clock: unbridge, hold/resume, the callee's
// BYE on a bridge, offers in the dialogs of anchored parties (RFC 3264 §8, RFC 3261 §14.2), CANCEL
// once answered here, and the endpoints' own events. Fake endpoints record what they were told.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallState } from './call.js';
import type { Call } from './call.js';
import { BaseHandler, runSteps, type HandlerOutcome } from './handlers/handler.js';
import { handleInDialog } from './in-dialog.js';
import type { MediaChange } from './call-events.js';
import { callerInvite, callRig, FakeFork, FakeLocal, FakeMedia, flush, OFFER, silentLogger } from './test-support.js';

const statuses = (replies: readonly { status: number }[]): number[] => replies.map((r) => r.status);
const lastRecord = (rig: ReturnType<typeof callRig>) => rig.events[rig.events.length - 1]!.record;
const CONTACT = '<sip:hailing@127.0.0.1>';

/** a call answered here and bridged to a callee that answered, as the anchored dial plan makes it */
async function bridged() {
  const rig = callRig();
  const local = new FakeLocal();
  const media: MediaChange[] = [];
  rig.call.on('media', (e) => void media.push(e));
  assert.equal(rig.call.answer(local.media, OFFER), true);
  const fork = new FakeFork();
  const bridge = new FakeMedia({ anchor: local.endpoint });
  const result = rig.call.dial({ media: bridge.media, forks: [fork.leg], timeoutMs: 30_000 });
  fork.respond(200, OFFER);
  assert.equal((await result).answered, true);
  return { rig, local, fork, bridge, media };
}

/** the handler that bridged, as dialNumbers does it on a call answered here: it runs until the bridge ends */
class Bridging extends BaseHandler {
  readonly name = 'bridging';
  readonly #fork: FakeFork;
  readonly #local: FakeLocal;
  constructor(fork: FakeFork, local: FakeLocal) {
    super();
    this.#fork = fork;
    this.#local = local;
  }
  protected async run(call: Call): Promise<HandlerOutcome> {
    const result = call.dial({ media: new FakeMedia({ anchor: this.#local.endpoint }).media, forks: [this.#fork.leg], timeoutMs: 30_000 });
    this.#fork.respond(200, OFFER);
    if (!(await result).answered) return { kind: 'failed', failure: { status: 480, disposition: 'NO ANSWER', cause: 'no-answer' }, by: 'system' };
    const end = await call.bridgeEnded();
    if (end === 'transferred') return { kind: 'answered' };
    return end === 'call-ended' ? { kind: 'killed', reason: end } : { kind: 'unbridged', reason: end };
  }
}

/** answer, then a Bridging step, run by runSteps as the dial plan would */
async function planned() {
  const rig = callRig();
  const local = new FakeLocal();
  const fork = new FakeFork();
  const handler = new Bridging(fork, local);
  const steps = [{ destination: { kind: 'extension' as const }, argument: '', dialled: '1002' }];
  assert.equal(rig.call.answer(local.media, OFFER), true);
  const chain = runSteps({ call: rig.call, steps, factory: () => handler, request: rig.request, maxForwards: 70, logger: silentLogger });
  await flush();
  assert.equal(rig.call.state, CallState.Bridged);
  return { rig, local, fork, handler, chain };
}

describe('Call.unbridge()', () => {
  it("releases the callee (BYE), closes its endpoint and disconnects the caller's, which stays answered here", async () => {
    const { rig, local, fork, bridge, media } = await bridged();
    assert.equal(local.endpoint.connectedTo, bridge.callee, 'bridged: the two endpoints are connected');
    assert.equal(bridge.callee.listeners('dtmf'), 1, "the call hears the callee endpoint's events");
    assert.equal(rig.call.unbridge(), true);
    assert.equal(rig.call.state, CallState.AnsweredLocally);
    assert.equal(fork.byes, 1, 'RFC 3261 §15.1.1: the released callee gets BYE');
    assert.equal(bridge.callee.closed, 1, "the callee's endpoint is released");
    assert.equal(local.endpoint.connectedTo, undefined, "the caller's endpoint is disconnected");
    assert.equal(local.endpoint.closed, 0, "the caller's endpoint stays: the call goes on");
    assert.equal(bridge.callee.listeners('dtmf'), 0, "the released endpoint's events no longer reach the call");
    assert.equal(rig.call.bridge, undefined);
    assert.deepEqual(media.map((m) => m.kind), ['bridged', 'unbridged']);
    assert.deepEqual(statuses(rig.request.replies), [200], 'the caller is sent nothing: its SDP did not change');
    assert.equal(rig.call.unbridge(), false, 'only a bridged call unbridges');
    // the caller can be bridged again, and the call's end closes its own endpoint
    const again = new FakeFork();
    const second = rig.call.dial({ media: new FakeMedia({ anchor: local.endpoint }).media, forks: [again.leg], timeoutMs: 30_000 });
    again.respond(200, OFFER);
    assert.equal((await second).answered, true);
    await rig.call.hangup('caller', 'normal-clearing');
    assert.equal(local.endpoint.closed, 1);
    assert.equal(again.byes, 1);
  });

  it('is refused on a two-party call answered by a callee (nothing of the caller is anchored here)', async () => {
    const rig = callRig();
    const fork = new FakeFork();
    const result = rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 30_000 });
    fork.respond(200, OFFER);
    await result;
    assert.equal(rig.call.unbridge(), false);
    assert.equal(rig.call.hold(), false);
    assert.equal(rig.call.state, CallState.Answered);
  });
});

describe('Call.hold() / resume()', () => {
  it('hold stops the relay both ways and plays what each party should hear; resume stops it and reconnects', async () => {
    const { rig, local, bridge, media } = await bridged();
    assert.equal(rig.call.resume(), false, 'nothing to resume');
    assert.equal(rig.call.hold({ callerHears: { file: '/prompts/moh.wav', loop: true } }), true);
    assert.equal(rig.call.state, CallState.Held);
    assert.equal(local.endpoint.connectedTo, undefined, 'no relay while held');
    assert.equal(bridge.callee.connectedTo, undefined);
    assert.deepEqual(local.endpoint.played.at(-1)?.item, { file: '/prompts/moh.wav', loop: true }, 'the caller hears the music');
    assert.equal(bridge.callee.played.length, 0, 'the callee hears silence');
    assert.equal(rig.call.hold(), false, 'already held');
    assert.equal(rig.call.resume(), true);
    assert.equal(rig.call.state, CallState.Bridged);
    assert.ok(local.endpoint.stops >= 1 && bridge.callee.stops >= 1, 'the music stops');
    assert.equal(local.endpoint.connectedTo, bridge.callee, 'the relay is back');
    assert.deepEqual(media.map((m) => m.kind), ['bridged', 'held', 'resumed']);
    assert.equal(rig.sent.length + bridge.callee.remotes.length, 0, 'no re-INVITE to either phone, no address change');
  });

  it('a held call unbridges and ends like a bridged one', async () => {
    const { rig, fork, bridge } = await bridged();
    rig.call.hold();
    assert.equal(rig.call.unbridge(), true);
    assert.equal(fork.byes, 1);
    assert.equal(bridge.callee.closed, 1);
    await rig.call.hangup('caller', 'normal-clearing');
    assert.equal(lastRecord(rig).disposition, 'ANSWERED');
  });
});

describe("the callee's BYE on a call bridged from a local answer", () => {
  it("ends the bridge with 'peer-hangup', which the running handler sees; the default plan then ends the call with BYE to the caller", async () => {
    const { rig, local, fork, handler, chain } = await planned();
    const bye = callerInvite(new Uint8Array(), { cseq: 2, method: 'BYE' });
    let stored = false;
    await handleInDialog({ call: rig.call, side: 'callee', request: bye, contact: CONTACT, observer: { ended: async () => void (stored = true) } });
    assert.deepEqual(await handler.done, { kind: 'unbridged', reason: 'peer-hangup' });
    await chain;
    assert.deepEqual(statuses(bye.replies), [200]);
    assert.equal(stored, true, "the call's end is stored before the 200");
    assert.equal(fork.byes, 0, 'no BYE back to the callee that sent one');
    assert.equal(rig.sent.filter((r) => r.method === 'BYE').length, 1, 'the caller gets BYE');
    assert.equal(rig.call.state, CallState.Ended);
    assert.equal(lastRecord(rig).hangupCause, 'normal-clearing');
    assert.equal(lastRecord(rig).hangupBy, 'callee');
    assert.equal(local.endpoint.closed, 1);
  });

  it('without a plan waiting on it, the caller stays answered here and can be played to', async () => {
    const { rig, local, fork } = await bridged();
    const bye = callerInvite(new Uint8Array(), { cseq: 2, method: 'BYE' });
    await handleInDialog({ call: rig.call, side: 'callee', request: bye, contact: CONTACT, observer: { ended: async () => {} } });
    assert.deepEqual(statuses(bye.replies), [200]);
    assert.equal(rig.call.state, CallState.AnsweredLocally);
    assert.equal(fork.byes, 0);
    void rig.call.play({ tone: 'busy' });
    assert.deepEqual(local.endpoint.played.at(-1)?.item, { tone: 'busy' });
  });
});

describe('Call handlers on a bridged call', () => {
  it("the caller's BYE kills the handler that bridged (its completion says killed) and BYEs the callee", async () => {
    const { rig, fork, handler, chain } = await planned();
    const bye = callerInvite(new Uint8Array(), { cseq: 2, method: 'BYE' });
    await handleInDialog({ call: rig.call, side: 'caller', request: bye, contact: CONTACT, observer: { ended: async () => {} } });
    await chain;
    assert.deepEqual(await handler.done, { kind: 'killed', reason: 'normal-clearing' });
    assert.equal(fork.byes, 1);
    assert.deepEqual(statuses(bye.replies), [200]);
  });
});

describe('Call: CANCEL (RFC 3261 §9.2) once answered here', () => {
  for (const state of [CallState.AnsweredLocally, CallState.Bridging, CallState.Bridged, CallState.Held]) {
    it(`while ${state}: too late (the 2xx was sent), the call stays up and no 487 goes out`, async () => {
      const rig = callRig();
      const local = new FakeLocal();
      rig.call.answer(local.media, OFFER);
      const fork = new FakeFork();
      if (state !== CallState.AnsweredLocally) {
        const result = rig.call.dial({ media: new FakeMedia({ anchor: local.endpoint }).media, forks: [fork.leg], timeoutMs: 30_000 });
        if (state === CallState.Bridged || state === CallState.Held) {
          fork.respond(200, OFFER);
          await result;
        }
        if (state === CallState.Held) assert.equal(rig.call.hold(), true);
      }
      assert.equal(rig.call.state, state);
      rig.request.cancel();
      await flush();
      assert.equal(rig.call.state, state);
      assert.equal(fork.cancelled, 0);
      assert.deepEqual(statuses(rig.request.replies), [200]);
    });
  }
});

describe('Call.answer(): the 2xx without ACK (RFC 3261 §13.3.1.4)', () => {
  it('with no ACK after 64*T1 the call answered here ends with BYE to the caller and the bridged callee (cause ack-timeout)', async () => {
    const { rig, fork, local } = await bridged();
    rig.clock.advance(64 * 500 - 1);
    await flush();
    assert.equal(rig.call.state, CallState.Bridged);
    assert.ok(statuses(rig.request.replies).length > 1, 'the 2xx is retransmitted meanwhile');
    rig.clock.advance(1);
    await flush();
    assert.equal(rig.call.state, CallState.Ended);
    assert.equal(lastRecord(rig).hangupCause, 'ack-timeout');
    assert.equal(fork.byes, 1);
    assert.equal(rig.sent.filter((r) => r.method === 'BYE').length, 1);
    assert.equal(local.endpoint.closed, 1);
  });
});

describe('offers in the dialog of an anchored party (RFC 3264 §8)', () => {
  const HOLD = new TextEncoder().encode('v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendonly\r\n');

  it("the caller's hold re-INVITE on a bridged call is answered 200 by its own endpoint; nothing reaches the callee", async () => {
    const { rig, local, fork, media } = await bridged();
    const reinvite = callerInvite(HOLD, { cseq: 2 });
    await handleInDialog({ call: rig.call, side: 'caller', request: reinvite, contact: CONTACT, observer: { ended: async () => {} } });
    assert.deepEqual(statuses(reinvite.replies), [200]);
    assert.ok(reinvite.replies[0]!.body && reinvite.replies[0]!.body.length > 0, 'the 200 carries our answer');
    assert.deepEqual(local.answers, [HOLD]);
    assert.equal(fork.requests.length, 0, 'not relayed');
    assert.equal(media.at(-1)?.kind, 'direction');
  });

  it("the callee's re-INVITE on a bridged call is answered 200 by the callee's endpoint; the caller is sent nothing", async () => {
    const { rig } = await bridged();
    const reinvite = callerInvite(HOLD, { cseq: 2 });
    await handleInDialog({ call: rig.call, side: 'callee', request: reinvite, contact: CONTACT, observer: { ended: async () => {} } });
    assert.deepEqual(statuses(reinvite.replies), [200]);
    assert.equal(rig.sent.length, 0);
  });

  it("a re-INVITE on a picked-up call is answered by the caller's endpoint", async () => {
    const rig = callRig();
    const fork = new FakeFork();
    const result = rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 30_000, numbers: ['1002'] });
    const theirs = new FakeLocal();
    assert.equal(rig.call.pickedUp({ media: theirs.media, body: OFFER, by: '1003', peer: new FakeLocal('picker').endpoint.handle }), true);
    await result;
    const reinvite = callerInvite(HOLD, { cseq: 2 });
    await handleInDialog({ call: rig.call, side: 'caller', request: reinvite, contact: CONTACT, observer: { ended: async () => {} } });
    assert.deepEqual(statuses(reinvite.replies), [200]);
    assert.deepEqual(theirs.answers, [HOLD]);
  });

  it('RFC 3261 §14.2: an offer while our offer (in the 2xx to an offerless re-INVITE) awaits its ACK gets 491; after the ACK it is answered', async () => {
    const { rig } = await bridged();
    const offerless = callerInvite(new Uint8Array(), { cseq: 2 });
    await handleInDialog({ call: rig.call, side: 'caller', request: offerless, contact: CONTACT, observer: { ended: async () => {} } });
    assert.deepEqual(statuses(offerless.replies), [200]);
    assert.ok(offerless.replies[0]!.body!.length > 0, 'our 2xx carries the offer (the session as it stands)');
    // a late ACK of the first INVITE's 2xx (CSeq 1) is not the answer to our offer
    await handleInDialog({ call: rig.call, side: 'caller', request: callerInvite(new Uint8Array(), { cseq: 1, method: 'ACK' }), contact: CONTACT, observer: { ended: async () => {} } });
    const early = callerInvite(HOLD, { cseq: 3 });
    await handleInDialog({ call: rig.call, side: 'caller', request: early, contact: CONTACT, observer: { ended: async () => {} } });
    assert.deepEqual(statuses(early.replies), [491]);
    // the callee's dialog has no offer of ours outstanding
    const other = callerInvite(HOLD, { cseq: 2 });
    await handleInDialog({ call: rig.call, side: 'callee', request: other, contact: CONTACT, observer: { ended: async () => {} } });
    assert.deepEqual(statuses(other.replies), [200]);
    const ack = callerInvite(OFFER, { cseq: 2, method: 'ACK' });
    await handleInDialog({ call: rig.call, side: 'caller', request: ack, contact: CONTACT, observer: { ended: async () => {} } });
    const later = callerInvite(HOLD, { cseq: 4 });
    await handleInDialog({ call: rig.call, side: 'caller', request: later, contact: CONTACT, observer: { ended: async () => {} } });
    assert.deepEqual(statuses(later.replies), [200]);
  });
});

describe("the endpoints' own events", () => {
  it('a media timeout on the caller endpoint ends the call (BYE both ways, cause media-timeout); then the call stops listening', async () => {
    const { rig, local, fork } = await bridged();
    local.endpoint.emit('timeout', { idleMs: 30_000 });
    await flush();
    assert.equal(rig.call.state, CallState.Ended);
    assert.equal(lastRecord(rig).hangupCause, 'media-timeout');
    assert.equal(fork.byes, 1);
    assert.equal(local.endpoint.listeners('timeout'), 0);
  });

  it("a bridged callee's endpoint lost with its worker ends the call as a media failure", async () => {
    const { rig, bridge } = await bridged();
    bridge.callee.emit('closed', { reason: 'worker-crashed' });
    await flush();
    assert.equal(lastRecord(rig).hangupCause, 'media-failure');
  });

  it("digits from each endpoint are the call's dtmf events with the party that sent them", async () => {
    const { rig, local, bridge } = await bridged();
    const heard: string[] = [];
    rig.call.on('dtmf', (e) => void heard.push(`${e.side}:${e.digit}`));
    local.endpoint.emit('dtmf', { digit: '1', durationMs: 100, method: 'rfc4733' });
    bridge.callee.emit('dtmf', { digit: '2', durationMs: 100, method: 'rfc4733' });
    assert.deepEqual(heard, ['caller:1', 'callee:2']);
  });
});
