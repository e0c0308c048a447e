// Voicemail messages follow their call's retention rules (issue 12 / issue 14), over a real
// database file: while the call is on legal hold, or with WORM before its retention ends, a
// person's delete (the API route, the phone menu) is refused and the message kept (the phone marks
// it heard); after retention the purge deletes message and audio with an audit row, and a held
// call's message survives it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiHarness, quietApiLogger, withApiExtensions, type ApiHarness } from '../api/testing.js';
import { RetentionService } from '../recording/index.js';
import { RecordingVault } from '../recording/index.js';
import { RetentionRepository, VoicemailRepository } from '../store/index.js';
import { callRecordFixture } from '../store/testing.js';
import { FakeClock, silentLogger } from '../sip/index.js';
import { VoicemailService } from './service.js';

const DAY = 86_400_000;

async function rig(o: { worm: boolean }) {
  const h: ApiHarness = await createApiHarness();
  const dir = mkdtempSync(join(tmpdir(), 'hailing-vm-retention-'));
  const clock = new FakeClock(h.clock.now);
  const audit: Array<{ action: string; target?: string }> = [];
  const retentionRepo = new RetentionRepository({ db: h.database.db, now: () => clock.now() });
  const retention = new RetentionService({ repository: retentionRepo, dir, clock, audit: { record: (e) => audit.push(e) }, worm: o.worm, defaultDays: 0, logger: quietApiLogger });
  const repository = new VoicemailRepository({ db: h.database.db, now: () => clock.now() });
  const vm = new VoicemailService({
    repository,
    engine: { startRecording: () => { throw new Error('no media engine here'); } },
    vault: new RecordingVault({ encryption: 'off', keyring: null }),
    dir,
    clock,
    logger: silentLogger,
    deleteRefusal: (callId) => retention.deleteRefusal(callId),
  });
  await withApiExtensions(h, ['1002']);
  await repository.saveMailbox('1002', { enabled: true });
  /** a message left by call `callId`, which ended now, its audio on disk */
  const message = async (id: string, callId: string): Promise<string> => {
    const ended = clock.now();
    await h.callRecords.begin(callRecordFixture({ id: callId, startedAt: ended - 60_000, answeredAt: ended - 50_000, endedAt: ended, disposition: 'ANSWERED', callee: '1002' }));
    await h.writer.flush?.();
    const path = await vm.files.writeSealed({ mailbox: '1002', name: `${id}.wav`, bytes: Buffer.from('RIFF audio') });
    await repository.addMessage({ id, mailbox: '1002', caller: '13812345678', callerName: null, callId, createdAt: ended - 30_000, durationMs: 20_000, path, readAt: null });
    return join(dir, path);
  };
  return { h, dir, clock, audit, retention, retentionRepo, vm, message, cleanup: async () => { await h.cleanup(); rmSync(dir, { recursive: true, force: true }); } };
}

describe('voicemail messages follow their call’s retention', () => {
  it('WORM: a person’s delete before the 30-day policy ends is refused (the phone keeps it, marked heard); after it the purge deletes it, audited', async () => {
    const r = await rig({ worm: true });
    try {
      await r.retentionRepo.createPolicy({ name: 'all', retainDays: 30, direction: null, disposition: null, tag: null, queue: null });
      const audio = await r.message('m1', 'call-1');
      const refused = await r.vm.deleteByPerson('m1');
      assert.equal(refused.ok, false);
      assert.match(!refused.ok ? refused.reason : '', /^WORM: retained until /);
      await r.vm.remove('m1');
      assert.ok((await r.vm.message('m1'))?.readAt, 'the phone’s delete kept the message and marked it heard');
      assert.ok(existsSync(audio));
      r.clock.advance(29 * DAY);
      assert.equal(await r.retention.purgeVoicemail(r.vm.retention), 0);
      r.clock.advance(2 * DAY);
      assert.equal(await r.retention.purgeVoicemail(r.vm.retention), 1);
      assert.equal(await r.vm.message('m1'), undefined);
      assert.ok(!existsSync(audio), 'the audio is deleted with the message');
      assert.deepEqual(r.audit.filter((e) => e.action === 'voicemail.purge').map((e) => e.target), ['m1']);
    } finally {
      await r.cleanup();
    }
  });

  it('without WORM a person may delete, except while the call is on legal hold; the purge keeps a held call’s message', async () => {
    const r = await rig({ worm: false });
    try {
      await r.retentionRepo.createPolicy({ name: 'all', retainDays: 30, direction: null, disposition: null, tag: null, queue: null });
      await r.message('free', 'call-free');
      const heldAudio = await r.message('held', 'call-held');
      assert.ok(await r.retentionRepo.setLegalHold({ id: 'call-held', hold: { reason: 'litigation 2026-17', by: 'sec' } }));
      assert.deepEqual(await r.vm.deleteByPerson('free'), { ok: true });
      assert.deepEqual(await r.vm.deleteByPerson('held'), { ok: false, status: 409, reason: 'the call is on legal hold' });
      assert.deepEqual(await r.vm.deleteByPerson('nope'), { ok: false, status: 404, reason: 'message not found' });
      r.clock.advance(40 * DAY);
      assert.equal(await r.retention.purgeVoicemail(r.vm.retention), 0);
      assert.ok(existsSync(heldAudio));
    } finally {
      await r.cleanup();
    }
  });
});
