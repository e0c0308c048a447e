// HAILING_RECORD_CALLS=all through Call.record(): every answered conversation is recorded,
// including a picked-up call and a call bridged from a local answer (they had no two-party
// media of the old kind and were left unrecorded).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingOptions } from '../../media/index.js';
import { CallRecordings } from './recordings.js';
import { callRig, FakeFork, FakeLocal, FakeMedia, flush, OFFER, silentLogger } from './test-support.js';
import type { CallRecord } from './types.js';

function recordings() {
  const dir = mkdtempSync(join(tmpdir(), 'hailing-rec-'));
  const started: RecordingOptions[] = [];
  const done: CallRecord[] = [];
  let stops = 0;
  const engine = {
    startRecording: (o: RecordingOptions) => {
      started.push(o);
      return { id: 'rec', pause() {}, resume() {}, attach() {}, stop: async () => (stops++, { path: o.path, format: o.format, durationMs: 2000, bytes: 1, pauses: [], droppedFrames: 0 }) };
    },
  };
  const r = new CallRecordings({ engine, dir, format: 'wav', logger: silentLogger, started: () => {}, done: (record) => void done.push(record) });
  return { r, started, done, stops: () => stops, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('HAILING_RECORD_CALLS=all', () => {
  it('records a picked-up call in stereo: its caller left, the picker right; the final record names the file', async () => {
    const rec = recordings();
    const rig = callRig({ recorder: rec.r });
    const ringing = rig.call.dial({ media: new FakeMedia().media, forks: [new FakeFork().leg], timeoutMs: 30_000, numbers: ['1002'] });
    const picker = new FakeLocal('picker');
    rig.call.pickedUp({ media: new FakeLocal('picked-caller').media, body: OFFER, by: '1003', peer: picker.endpoint.handle });
    await ringing;
    await rec.r.recordAll(rig.call);
    assert.deepEqual([rec.started[0]?.left.id, rec.started[0]?.right?.id], ['picked-caller', 'picker']);
    await rig.call.hangup('caller', 'normal-clearing');
    await flush();
    assert.equal(rec.stops(), 1);
    assert.equal(rec.done[0]?.recordingDurationMs, 2000);
    assert.match(rec.done[0]?.recordingPath ?? '', new RegExp(`/${rig.call.id}\\.wav$`));
    rec.cleanup();
  });

  it('records a call bridged from a local answer: the anchored caller endpoint left, the callee right', async () => {
    const rec = recordings();
    const rig = callRig({ recorder: rec.r });
    const local = new FakeLocal();
    rig.call.answer(local.media, OFFER);
    const fork = new FakeFork();
    const bridge = new FakeMedia({ anchor: local.endpoint });
    const dialled = rig.call.dial({ media: bridge.media, forks: [fork.leg], timeoutMs: 30_000 });
    fork.respond(200, OFFER);
    await dialled;
    await rec.r.recordAll(rig.call);
    assert.deepEqual([rec.started[0]?.left.id, rec.started[0]?.right?.id], [local.endpoint.id, bridge.callee.id]);
    assert.equal(rec.r.pause(rig.call.id, true), true);
    await rig.call.hangup('caller', 'normal-clearing');
    rec.cleanup();
  });
});
