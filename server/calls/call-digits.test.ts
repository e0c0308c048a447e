// Call.collectDigits() and Call.record() on the fake clock: digits from the caller's endpoint (RFC
// 4733, in-band) and SIP INFO alike, each way collection ends; a recording the call starts and
// stops itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordingHandle, RecordingResult } from '../../media/index.js';
import type { CallRecorder } from './call-recording.js';
import { callRig, FakeFork, FakeLocal, FakeMedia, flush, OFFER } from './test-support.js';

function answeredHere(o: { recorder?: CallRecorder } = {}) {
  const rig = callRig(o);
  const local = new FakeLocal();
  assert.equal(rig.call.answer(local.media, OFFER), true);
  const press = (digits: string, side: 'caller' | 'callee' = 'caller') => {
    for (const digit of digits) {
      if (side === 'caller') local.endpoint.emit('dtmf', { digit, durationMs: 100, method: 'rfc4733' });
      else rig.call.dtmf('callee', digit, 100, 'info');
    }
  };
  return { rig, local, press };
}

const OPTIONS = { max: 4, firstDigitTimeoutMs: 5000, interDigitTimeoutMs: 3000 };

describe('Call.collectDigits()', () => {
  it('ends on a terminator (# by default), which is not part of the digits', async () => {
    const { rig, press } = answeredHere();
    const collected = rig.call.collectDigits(OPTIONS);
    press('12#');
    assert.deepEqual(await collected, { digits: '12', reason: 'terminator', terminator: '#' });
  });

  it('ends at max digits; digits from SIP INFO (RFC 6086) count like RFC 4733 events', async () => {
    const { rig, press } = answeredHere();
    const collected = rig.call.collectDigits({ ...OPTIONS, terminators: '*' });
    press('9#');
    rig.call.dtmf('caller', '8', 160, 'info');
    press('7');
    assert.deepEqual(await collected, { digits: '9#87', reason: 'max' });
  });

  it("no first digit within firstDigitTimeoutMs: first-digit-timeout; the callee's digits are not the caller's", async () => {
    const { rig, press } = answeredHere();
    const collected = rig.call.collectDigits(OPTIONS);
    press('5', 'callee');
    rig.clock.advance(4999);
    await flush();
    rig.clock.advance(1);
    assert.deepEqual(await collected, { digits: '', reason: 'first-digit-timeout' });
  });

  it('a pause longer than interDigitTimeoutMs after a digit ends it with what came so far', async () => {
    const { rig, press } = answeredHere();
    const collected = rig.call.collectDigits(OPTIONS);
    rig.clock.advance(4000);
    press('3');
    rig.clock.advance(2999);
    press('4');
    rig.clock.advance(3000);
    assert.deepEqual(await collected, { digits: '34', reason: 'inter-digit-timeout' });
  });

  it("the call's end ends collection", async () => {
    const { rig, press } = answeredHere();
    const collected = rig.call.collectDigits(OPTIONS);
    press('1');
    await rig.call.hangup('caller', 'normal-clearing');
    assert.deepEqual(await collected, { digits: '1', reason: 'call-ended' });
    assert.deepEqual(await rig.call.collectDigits(OPTIONS), { digits: '', reason: 'call-ended' });
  });
});

/** a recorder whose recordings say when they were stopped */
function fakeRecorder() {
  const started: { left: string; right: string | undefined; format: string | undefined }[] = [];
  const stopped: string[] = [];
  const recorder: CallRecorder = {
    async start(o) {
      started.push({ left: o.left.id, right: o.right?.id, format: o.format });
      const path = `2026/12/07/${o.callId}.${o.format ?? 'wav'}`;
      const result: RecordingResult = { path, format: o.format ?? 'wav', durationMs: 1000, bytes: 100, pauses: [], droppedFrames: 0 };
      const handle: RecordingHandle = { id: 'rec1', pause() {}, resume() {}, attach() {}, stop: async () => (stopped.push(path), result) };
      return { handle, path, format: o.format ?? 'wav' };
    },
  };
  return { recorder, started, stopped };
}

describe('Call.record()', () => {
  it('records the caller alone while answered here, in stereo once bridged; the record names the file; it stops when the call closes', async () => {
    const { recorder, started, stopped } = fakeRecorder();
    const { rig, local } = answeredHere({ recorder });
    const alone = await rig.call.record({ format: 'ogg' });
    assert.ok(alone);
    assert.deepEqual(started[0], { left: local.endpoint.id, right: undefined, format: 'ogg' });
    await alone.stop();
    const fork = new FakeFork();
    const bridge = new FakeMedia({ anchor: local.endpoint });
    const dialled = rig.call.dial({ media: bridge.media, forks: [fork.leg], timeoutMs: 30_000 });
    fork.respond(200, OFFER);
    await dialled;
    const both = await rig.call.record();
    assert.ok(both);
    assert.deepEqual(started[1], { left: local.endpoint.id, right: bridge.callee.id, format: undefined });
    assert.equal(rig.call.snapshot().recordingPath, both.path);
    await rig.call.hangup('caller', 'normal-clearing');
    assert.equal(stopped.length, 2, 'the call closing stops its recording');
    assert.equal((await both.ended)?.durationMs, 1000);
  });

  it('stops by itself after maxS', async () => {
    const { recorder, stopped } = fakeRecorder();
    const { rig } = answeredHere({ recorder });
    const recording = await rig.call.record({ maxS: 10 });
    rig.clock.advance(9_999);
    assert.equal(stopped.length, 0);
    rig.clock.advance(1);
    await flush();
    assert.equal(stopped.length, 1);
    assert.equal(recording?.stopped, true);
  });

  it('nothing to record before an answer, or without a recorder', async () => {
    assert.equal(await callRig({ recorder: fakeRecorder().recorder }).call.record(), null);
    assert.equal(await answeredHere().rig.call.record(), null);
  });
});
