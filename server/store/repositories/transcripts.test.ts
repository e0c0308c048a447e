import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../database.js';
import { openTempDatabase, quietStoreLogger } from '../testing.js';
import { TranscriptsRepository } from './transcripts.js';

describe('transcription jobs and transcript segments (real database file)', () => {
  it('a job running when the process died is queued again after a reopen, and is claimed only once at a time', async () => {
    const { database, dir, cleanup } = await openTempDatabase();
    let now = 1_000;
    try {
      const repo = new TranscriptsRepository({ db: database.db, now: () => now });
      await repo.enqueue('call-a');
      await repo.enqueue('call-a'); // queued twice: one job
      const job = await repo.claim();
      assert.equal(job?.callId, 'call-a');
      assert.equal(job?.state, 'running');
      assert.equal(job?.attempts, 1);
      assert.equal(await repo.claim(), undefined, 'a running job is not claimed again');
      database.close();
      // the process died with the job running: a new one opens the same file
      const reopened = await openDatabase({ dataDir: dir, logger: quietStoreLogger });
      try {
        const again = new TranscriptsRepository({ db: reopened.db, now: () => now });
        assert.equal(await again.requeueRunning(), 1);
        now += 10;
        const second = await again.claim();
        assert.equal(second?.callId, 'call-a');
        assert.equal(second?.attempts, 2);
        await again.complete('call-a', [{ channel: 0, speaker: 'caller', startMs: 500, endMs: 1500, text: '4821', confidence: null }]);
        assert.equal((await again.job('call-a'))?.state, 'done');
        assert.deepEqual((await again.segments('call-a')).map((s) => s.text), ['4821']);
      } finally {
        reopened.close();
      }
    } finally {
      await cleanup().catch(() => undefined);
    }
  });

  it('live segments stored during the call stay when the post-call job completes; each row says which it is', async () => {
    const { database, cleanup } = await openTempDatabase();
    try {
      const repo = new TranscriptsRepository({ db: database.db, now: () => 1_000 });
      await repo.addLive('call-l', { channel: 0, speaker: 'caller', startMs: 2500, endMs: 4000, text: '48215', confidence: null });
      await repo.enqueue('call-l');
      await repo.claim();
      await repo.complete('call-l', [{ channel: 0, speaker: 'caller', startMs: 1200, endMs: 2700, text: '4821', confidence: null }]);
      // a retried job replaces its own rows only
      await repo.complete('call-l', [{ channel: 0, speaker: 'caller', startMs: 1200, endMs: 2700, text: '48215', confidence: null }]);
      assert.deepEqual(
        (await repo.segments('call-l')).map((s) => [s.source, s.text]),
        [
          ['post-call', '48215'],
          ['live', '48215'],
        ],
      );
    } finally {
      await cleanup().catch(() => undefined);
    }
  });

  it('a failing job is retried after the delay and ends failed, with the last reason, after the bounded attempts', async () => {
    const { database, cleanup } = await openTempDatabase();
    let now = 1_000;
    try {
      const repo = new TranscriptsRepository({ db: database.db, now: () => now });
      await repo.enqueue('call-b');
      for (let attempt = 1; attempt <= 3; attempt++) {
        const job = await repo.claim();
        assert.equal(job?.attempts, attempt);
        await repo.fail(job!, `model refused (${attempt})`, { maxAttempts: 3, retryInMs: 30_000 });
        if (attempt < 3) {
          assert.equal(await repo.claim(), undefined, 'not before the retry delay');
          now += 30_000;
        }
      }
      const final = await repo.job('call-b');
      assert.equal(final?.state, 'failed');
      assert.equal(final?.lastError, 'model refused (3)');
      now += 1_000_000;
      assert.equal(await repo.claim(), undefined, 'a failed job is never taken again');
    } finally {
      await cleanup();
    }
  });

  it('search finds segments by substring; % and _ in the query match only themselves', async () => {
    const { database, cleanup } = await openTempDatabase();
    try {
      const repo = new TranscriptsRepository({ db: database.db });
      await repo.enqueue('c1');
      await repo.complete('c1', [
        { channel: 0, speaker: 'caller', startMs: 0, endMs: 900, text: '13812345678', confidence: null },
        { channel: 1, speaker: 'callee', startMs: 1000, endMs: 1900, text: '50% off', confidence: 0.9 },
      ]);
      assert.deepEqual((await repo.search({ q: '1234', limit: 10, offset: 0 })).items.map((s) => s.callId), ['c1']);
      assert.equal((await repo.search({ q: '%', limit: 10, offset: 0 })).total, 1);
      assert.equal((await repo.search({ q: '_', limit: 10, offset: 0 })).total, 0);
      assert.equal((await repo.search({ q: '999', limit: 10, offset: 0 })).total, 0);
    } finally {
      await cleanup();
    }
  });
});
