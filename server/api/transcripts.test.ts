// GET /api/v1/cdrs/{id}/transcript and GET /api/v1/transcripts?q=: personal data in transcripts is
// masked like call records for roles without pii.unmasked, and a masked viewer cannot find a
// number by searching for it; bad input is a 400 naming the field.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TranscriptsRepository } from '../store/index.js';
import { callRecordFixture } from '../store/testing.js';
import { apiClient, createApiHarness } from './testing.js';

describe('transcript routes', () => {
  it('the transcript is masked for a supervisor and plain for an admin; search by the number finds it only unmasked', async () => {
    const h = await createApiHarness();
    try {
      const transcripts = new TranscriptsRepository({ db: h.database.db });
      await h.callRecords.begin(callRecordFixture({ id: 'call-t', startedAt: h.clock.now - 60_000, endedAt: h.clock.now, disposition: 'ANSWERED' }));
      await h.writer.flush();
      await transcripts.enqueue('call-t');
      await transcripts.claim();
      await transcripts.complete('call-t', [{ channel: 0, speaker: 'caller', startMs: 1000, endMs: 3000, text: 'my number is 13812345678', confidence: null }]);
      const { createApiApp } = await import('./app.js');
      const app = createApiApp({ ...h.deps, transcripts });
      const harness = { ...h, app };
      const admin = await apiClient(harness, 'admin');
      const sup = await apiClient(harness, 'supervisor');

      const plain = await admin('GET', '/api/v1/cdrs/call-t/transcript');
      assert.equal(plain.status, 200, JSON.stringify(plain.body));
      assert.equal(plain.body?.['state'], 'done');
      assert.deepEqual((plain.body?.['segments'] as { text: string }[]).map((s) => s.text), ['my number is 13812345678']);
      const masked = await sup('GET', '/api/v1/cdrs/call-t/transcript');
      assert.deepEqual((masked.body?.['segments'] as { text: string }[]).map((s) => s.text), ['my number is 138****5678']);

      assert.equal(((await admin('GET', '/api/v1/transcripts?q=12345')).body?.['total']), 1);
      assert.equal(((await sup('GET', '/api/v1/transcripts?q=12345')).body?.['total']), 0, 'a masked viewer cannot find the number');
      const found = await sup('GET', '/api/v1/transcripts?q=my%20number');
      assert.deepEqual((found.body?.['items'] as { text: string; callId: string }[]).map((s) => [s.callId, s.text]), [['call-t', 'my number is 138****5678']]);

      const noQ = await admin('GET', '/api/v1/transcripts');
      assert.equal(noQ.status, 400);
      assert.match(JSON.stringify(noQ.body), /\bq\b/);
      assert.equal((await admin('GET', '/api/v1/cdrs/no-such-call/transcript')).status, 404);
      const none = await admin('GET', '/api/v1/transcripts?q=x&limit=0');
      assert.equal(none.status, 400);
      assert.match(JSON.stringify(none.body), /limit/);
    } finally {
      await h.cleanup();
    }
  });
});
