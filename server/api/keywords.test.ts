// /api/v1/keyword-lists, GET /api/v1/cdrs/{id}/keyword-hits and GET /api/v1/keyword-hits: lists are
// words and phrases, checked against the live model's tokens (here the digit fixture's tokens.txt,
// as the harness sets it up): one it cannot spell is refused naming the phrase's place and the
// missing unit; bad input is a 400 naming the field; stored hits come back per call and by keyword
// and period, masked for roles without pii.unmasked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callRecordFixture } from '../store/testing.js';
import { apiClient, createApiHarness } from './testing.js';

type Issues = { issues: { path: string; message: string }[] };

describe('keyword routes', () => {
  it('a supervisor creates, edits and deletes a list; unspellable phrases and bad fields are refused by name', async () => {
    const h = await createApiHarness();
    try {
      const sup = await apiClient(h, 'supervisor');
      const made = await sup('POST', '/api/v1/keyword-lists', { name: 'fraud', phrases: ['four eight', '999'], numbers: ['1002'] });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.deepEqual({ ...made.body, createdAt: undefined, updatedAt: undefined }, { id: 1, name: 'fraud', phrases: ['four eight', '999'], numbers: ['1002'], enabled: true, createdAt: undefined, updatedAt: undefined });

      const refused = await sup('POST', '/api/v1/keyword-lists', { name: 'bank', phrases: ['48', 'cancel my card'] });
      assert.equal(refused.status, 400);
      const issues = (refused.body as unknown as Issues).issues;
      assert.equal(issues.length, 1, JSON.stringify(issues));
      assert.equal(issues[0]!.path, 'phrases.1');
      assert.match(issues[0]!.message, /'cancel my card'.*digits-transducer.*no token for 'c'/);

      for (const [body, field] of [
        [{ phrases: ['48'] }, 'name'],
        [{ name: 'x', phrases: [] }, 'phrases'],
        [{ name: 'x', phrases: ['  '] }, 'phrases'],
        [{ name: 'x', phrases: ['48'], numbers: ['12ab'] }, 'numbers'],
        [{ name: 'x', phrases: ['48'], enabled: 'yes' }, 'enabled'],
      ] as const) {
        const r = await sup('POST', '/api/v1/keyword-lists', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.ok((r.body as unknown as Issues).issues.some((i) => i.path.startsWith(field)), `${field}: ${JSON.stringify(r.body)}`);
      }
      assert.equal((await sup('POST', '/api/v1/keyword-lists', { name: 'fraud', phrases: ['1'] })).status, 409);

      const edited = await sup('PUT', '/api/v1/keyword-lists/1', { name: 'fraud', phrases: ['四八', '4 8', '4 8'], numbers: [], enabled: false });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.deepEqual([edited.body?.['phrases'], edited.body?.['numbers'], edited.body?.['enabled']], [['四八', '4 8'], [], false]);
      const all = await sup('GET', '/api/v1/keyword-lists');
      assert.deepEqual([(all.body?.['items'] as unknown[]).length, all.body?.['spotting']], [1, true]);
      assert.equal((await sup('PUT', '/api/v1/keyword-lists/9', { name: 'y', phrases: ['1'] })).status, 404);
      assert.equal((await sup('DELETE', '/api/v1/keyword-lists/1')).status, 204);
      assert.equal((await sup('GET', '/api/v1/keyword-lists/1')).status, 404);
      assert.equal((await sup('GET', '/api/v1/keyword-lists/abc')).status, 400);
    } finally {
      await h.cleanup();
    }
  });

  it("a call's hits in order; the search by keyword and period; a masked viewer cannot find a number", async () => {
    const h = await createApiHarness();
    try {
      const repo = h.deps.keywords!.repository;
      const t0 = h.clock.now;
      for (const id of ['call-a', 'call-b']) await h.callRecords.begin(callRecordFixture({ id, startedAt: t0 - 60_000, endedAt: t0, disposition: 'ANSWERED' }));
      await h.writer.flush();
      await repo.addHit({ callId: 'call-a', leg: 'caller', keyword: 'cancel my card', listId: 1, listName: 'bank', atMs: 5200, heardAt: t0 - 50_000 });
      await repo.addHit({ callId: 'call-a', leg: 'callee', keyword: '投诉', listId: 2, listName: 'complaints', atMs: 1200, heardAt: t0 - 54_000 });
      await repo.addHit({ callId: 'call-b', leg: 'caller', keyword: 'Cancel my card', listId: 1, listName: 'bank', atMs: 800, heardAt: t0 - 10_000 });
      await repo.addHit({ callId: 'call-b', leg: 'caller', keyword: '13812345678', listId: null, listName: 'HAILING_LIVE_KEYWORDS', atMs: 900, heardAt: t0 - 9_000 });
      const admin = await apiClient(h, 'admin');
      const sup = await apiClient(h, 'supervisor');

      const a = await admin('GET', '/api/v1/cdrs/call-a/keyword-hits');
      assert.equal(a.status, 200, JSON.stringify(a.body));
      assert.deepEqual((a.body?.['items'] as { keyword: string; leg: string; list: string; atMs: number }[]).map((x) => [x.keyword, x.leg, x.list, x.atMs]), [
        ['投诉', 'callee', 'complaints', 1200],
        ['cancel my card', 'caller', 'bank', 5200],
      ]);
      assert.equal((await admin('GET', '/api/v1/cdrs/nope/keyword-hits')).status, 404);

      const iso = (ms: number) => new Date(ms).toISOString();
      const found = await admin('GET', `/api/v1/keyword-hits?keyword=${encodeURIComponent('cancel my card')}&from=${encodeURIComponent(iso(t0 - 20_000))}&to=${encodeURIComponent(iso(t0))}`);
      assert.equal(found.status, 200, JSON.stringify(found.body));
      assert.deepEqual((found.body?.['items'] as { callId: string }[]).map((x) => x.callId), ['call-b']);
      const both = await admin('GET', `/api/v1/keyword-hits?keyword=CANCEL%20MY%20CARD`);
      assert.deepEqual((both.body?.['items'] as { callId: string }[]).map((x) => x.callId), ['call-b', 'call-a']);

      assert.equal((await admin('GET', '/api/v1/keyword-hits?keyword=13812345678')).body?.['total'], 1);
      assert.equal((await sup('GET', '/api/v1/keyword-hits?keyword=13812345678')).body?.['total'], 0, 'a masked viewer cannot find the number');
      const b = await sup('GET', '/api/v1/cdrs/call-b/keyword-hits');
      assert.deepEqual((b.body?.['items'] as { keyword: string }[]).map((x) => x.keyword), ['Cancel my card', '138****5678']);

      const bad = await admin('GET', '/api/v1/keyword-hits?from=yesterday');
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /from/);
    } finally {
      await h.cleanup();
    }
  });
});
