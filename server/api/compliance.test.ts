// Issue 14 through the API with a real database file: retention with the clock advanced deletes
// expired recordings and their personal data with an audit row each, a held call survives, WORM
// refuses an early delete even for an admin; tampering with one audit row in the database file
// makes GET /audit/verify name that row; a signed export verifies with the served public key
// (node:crypto's Ed25519, RFC 8032); PII is masked for a supervisor and revealed, audited.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { IvrFlowRepository, KeywordRepository, RetentionRepository, TranscriptsRepository, checkAuditChain, auditRowHash, AUDIT_GENESIS_HASH } from '../store/index.js';
import { callRecordFixture, callLegFixture } from '../store/testing.js';
import { RetentionService } from '../recording/index.js';
import { loadOrCreateAuditSigningKey } from '../security/audit-signing.js';
import { createApiHarness, jsonRequest, loginAs, quietApiLogger, type ApiHarness } from './testing.js';

const DAY = 86_400_000;

/**
 * The retention service's clock runs `later.ms` ahead of the API's, so days can pass for the purge
 * while the test's session (one hour) stays valid.
 */
async function harness(o: { worm: boolean }): Promise<{ h: ApiHarness; dir: string; token: string; auditor: string; service: RetentionService; later: { ms: number } }> {
  const later = { ms: 0 };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hailing-compliance-'));
  const clock = { now: () => h.clock.now + later.ms };
  const lazyAudit = { record: (e: Parameters<ApiHarness['audit']['record']>[0]) => h.audit.record(e) };
  const holder: { service?: RetentionService; repository?: RetentionRepository } = {};
  const h: ApiHarness = await createApiHarness({
    recordingsDir: dir,
    // built once the harness's database exists: the app reads them per request
    retention: {
      get service() {
        return holder.service as RetentionService;
      },
      get repository() {
        return holder.repository as RetentionRepository;
      },
    },
    get auditChain() {
      return { verify: () => checkAuditChain(h.database.db), range: (r: { since?: number; until?: number; limit: number }) => h.auditRepo.range(r), signingKey: loadOrCreateAuditSigningKey(path.join(dir, 'keys', 'audit.pem')) };
    },
  });
  holder.repository = new RetentionRepository({ db: h.database.db, now: clock.now });
  holder.service = new RetentionService({ repository: holder.repository, dir, clock, audit: lazyAudit, worm: o.worm, defaultDays: 0, logger: quietApiLogger });
  const token = await loginAs(h);
  // the audit log is the auditor's (three-way separation of administration)
  const auditor = await loginAs(h, 'aud', 'correct horse', 'auditor');
  return { h, dir, token, auditor, service: holder.service, later };
}

/** an ended, recorded call with its file on disk */
async function recordedCall(h: ApiHarness, dir: string, o: { id: string; endedAt: number; caller?: string }): Promise<string> {
  const rel = `2026/12/01/${o.id}.wav`;
  mkdirSync(path.join(dir, '2026/12/01'), { recursive: true });
  writeFileSync(path.join(dir, rel), 'sealed bytes');
  await h.callRecords.begin(
    callRecordFixture({
      id: o.id,
      startedAt: o.endedAt - 60_000,
      answeredAt: o.endedAt - 50_000,
      endedAt: o.endedAt,
      disposition: 'ANSWERED',
      caller: o.caller ?? '13812345678',
      recordingPath: rel,
      recordingFormat: 'wav',
      legs: [callLegFixture({ id: `${o.id}-a`, role: 'caller', startedAt: o.endedAt - 60_000, uri: `sip:${o.caller ?? '13812345678'}@192.0.2.10` })],
    }),
  );
  return path.join(dir, rel);
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function auditActions(h: ApiHarness, action: string): Promise<string[]> {
  await h.audit.settled();
  return (await h.auditRepo.list({ action, limit: 1000 })).map((e) => e.target ?? '');
}

type Harness = Awaited<ReturnType<typeof harness>>;

/** a harness made before the suite's tests and removed after them; read its fields inside tests */
function harnessPerSuite(o: { worm: boolean }): Harness {
  const box = {} as Harness;
  before(async () => {
    Object.assign(box, await harness(o));
  });
  after(async () => {
    await box.h.cleanup();
    rmSync(box.dir, { recursive: true, force: true });
  });
  return box;
}

describe('retention: purge on the clock, legal hold, audit rows', () => {
  const t = harnessPerSuite({ worm: false });

  it('a 30-day policy: nothing goes before day 30; after it the expired recording and its numbers are gone, audited; a held call survives', async () => {
    const { h, dir, token, later } = t;
    const ended = h.clock.now;
    const expired = await recordedCall(h, dir, { id: 'call-expired', endedAt: ended });
    const held = await recordedCall(h, dir, { id: 'call-held', endedAt: ended });
    const other = await recordedCall(h, dir, { id: 'call-tagged', endedAt: ended });
    // a call that waited in the ACD queue 'sales' (its interaction row names the call)
    const queued = await recordedCall(h, dir, { id: 'call-queued', endedAt: ended });
    await h.database.client.execute({
      sql: "INSERT INTO acd_interactions (id, call_id, queue_id, channel, caller, priority, entered_at, ended_at, wait_ms, outcome, offers, decisions) VALUES ('i-1', 'call-queued', 'sales', 'call', '13812345678', 0, ?, ?, 5000, 'answered', '[]', '[]')",
      args: [ended - 55_000, ended],
    });
    let r = await h.app.request('/api/v1/retention/policies', jsonRequest('POST', { name: 'marketing', retainDays: 30 }, auth(token)));
    assert.equal(r.status, 201);
    r = await h.app.request('/api/v1/retention/policies', jsonRequest('POST', { name: 'insurance', tag: 'insurance', retainDays: 1825 }, auth(token)));
    assert.equal(r.status, 201);
    r = await h.app.request('/api/v1/retention/policies', jsonRequest('POST', { name: 'sales queue', queue: 'sales', retainDays: 365 }, auth(token)));
    assert.equal(r.status, 201);
    assert.equal(((await r.json()) as { queue: string }).queue, 'sales');
    assert.equal((await h.app.request('/api/v1/retention/policies', jsonRequest('POST', { name: 'bad', queue: 'Sales Team', retainDays: 30 }, auth(token)))).status, 400);
    assert.equal((await h.app.request('/api/v1/cdrs/call-tagged/tags', jsonRequest('PUT', { tags: ['insurance'] }, auth(token)))).status, 200);
    assert.equal((await h.app.request('/api/v1/cdrs/call-held/legal-hold', jsonRequest('PUT', { reason: 'litigation 2026-17' }, auth(token)))).status, 200);
    // what was said on the calls: a transcript (post-call and live), a keyword hit, an IVR run's trace
    const transcripts = new TranscriptsRepository({ db: h.database.db });
    const keywords = new KeywordRepository({ db: h.database.db });
    const ivr = new IvrFlowRepository({ db: h.database.db });
    for (const id of ['call-expired', 'call-held']) {
      await transcripts.enqueue(id);
      await transcripts.complete(id, [{ channel: 0, speaker: 'caller', startMs: 1000, endMs: 3000, text: 'my card is 6222 0212 3456 7890', confidence: null }]);
      await transcripts.addLive(id, { channel: 0, speaker: 'caller', startMs: 1000, endMs: 3000, text: '6222 0212', confidence: null });
      await keywords.addHit({ callId: id, leg: 'caller', keyword: 'cancel my card', listId: null, listName: 'churn', atMs: 1500, heardAt: ended });
      await ivr.saveRun({ id, flowId: 1, version: 1, startedAt: ended - 60_000, endedAt: ended - 50_000, outcome: 'enqueue', path: ['start', 'card'], failuresByNode: {}, trace: [{ node: 'card', input: '6222021234567890' }] });
    }

    later.ms = 29 * DAY;
    let purge = (await (await h.app.request('/api/v1/retention/purge', jsonRequest('POST', {}, auth(token)))).json()) as { deleted: number };
    assert.equal(purge.deleted, 0);
    assert.ok(existsSync(expired));

    later.ms = 30 * DAY + 1;
    purge = (await (await h.app.request('/api/v1/retention/purge', jsonRequest('POST', {}, auth(token)))).json()) as { deleted: number; held: number };
    assert.deepEqual(purge, { deleted: 1, held: 1, failed: 0 });
    assert.ok(!existsSync(expired), 'the expired recording is deleted');
    assert.ok(existsSync(held), 'the held recording survives');
    assert.ok(existsSync(other), 'the insurance-tagged recording is kept for 5 years (the longest policy wins)');
    assert.ok(existsSync(queued), "the call that waited in 'sales' is kept for that queue's 365 days");
    assert.deepEqual(await auditActions(h, 'recording.purge'), ['call-expired']);
    const record = (await (await h.app.request('/api/v1/cdrs/call-expired', { headers: auth(token) })).json()) as { caller: string; recordingPath: string | null; legs: { uri: string }[]; retention: { purgedAt: string } };
    assert.equal(record.recordingPath, null);
    assert.equal(record.caller, 'purged', 'the personal data is gone');
    assert.ok(!record.legs[0]!.uri.includes('13812345678'));
    assert.equal(record.retention.purgedAt, new Date(ended + later.ms).toISOString(), 'times are ISO 8601 in the API');
    // the transcripts, their job, the keyword hits and the IVR trace went with it; the held call keeps its own
    const left = async (id: string) => {
      const run = await ivr.run(id);
      return { segments: (await transcripts.segments(id)).length, job: (await transcripts.job(id)) !== undefined, hits: (await keywords.hitsOf(id)).length, trace: run?.trace.length, outcome: run?.outcome };
    };
    assert.deepEqual(await left('call-expired'), { segments: 0, job: false, hits: 0, trace: 0, outcome: 'enqueue' });
    assert.deepEqual(await left('call-held'), { segments: 2, job: true, hits: 1, trace: 1, outcome: 'enqueue' });

    // released from hold, the next purge takes it
    assert.equal((await h.app.request('/api/v1/cdrs/call-held/legal-hold', { method: 'DELETE', headers: auth(token) })).status, 204);
    purge = (await (await h.app.request('/api/v1/retention/purge', jsonRequest('POST', {}, auth(token)))).json()) as { deleted: number };
    assert.equal(purge.deleted, 1);
    assert.ok(!existsSync(held));
  });

  it('an early delete without WORM: allowed for an admin, refused on legal hold', async () => {
    const { h, dir, token, later } = t;
    const file = await recordedCall(h, dir, { id: 'call-early', endedAt: h.clock.now + later.ms });
    assert.equal((await h.app.request('/api/v1/cdrs/call-early/legal-hold', jsonRequest('PUT', { reason: 'dispute' }, auth(token)))).status, 200);
    let r = await h.app.request('/api/v1/cdrs/call-early/recording', { method: 'DELETE', headers: auth(token) });
    assert.equal(r.status, 409);
    assert.match(((await r.json()) as { reason: string }).reason, /legal hold/);
    await h.app.request('/api/v1/cdrs/call-early/legal-hold', { method: 'DELETE', headers: auth(token) });
    r = await h.app.request('/api/v1/cdrs/call-early/recording', { method: 'DELETE', headers: auth(token) });
    assert.equal(r.status, 200);
    assert.ok(!existsSync(file));
    assert.deepEqual(await auditActions(h, 'recording.delete'), ['call-early']);
  });
});

describe('WORM mode', () => {
  const t = harnessPerSuite({ worm: true });

  it('refuses an admin\'s early delete with the date retention ends, and shortening or removing a policy; after retention the delete goes through', async () => {
    const { h, dir, token, later } = t;
    const ended = h.clock.now;
    const file = await recordedCall(h, dir, { id: 'call-worm', endedAt: ended });
    let r = await h.app.request('/api/v1/cdrs/call-worm/recording', { method: 'DELETE', headers: auth(token) });
    assert.equal(r.status, 409);
    assert.match(((await r.json()) as { reason: string }).reason, /WORM: the recording is kept without end/);
    r = await h.app.request('/api/v1/retention/policies', jsonRequest('POST', { name: 'all', retainDays: 90 }, auth(token)));
    const policy = (await r.json()) as { id: number };
    r = await h.app.request('/api/v1/cdrs/call-worm/recording', { method: 'DELETE', headers: auth(token) });
    assert.equal(r.status, 409);
    assert.match(((await r.json()) as { reason: string }).reason, new RegExp(`WORM: retained until ${new Date(ended + 90 * DAY).toISOString()}`));
    assert.ok(existsSync(file));
    assert.equal((await h.app.request(`/api/v1/retention/policies/${policy.id}`, jsonRequest('PUT', { name: 'all', retainDays: 10 }, auth(token)))).status, 409);
    assert.equal((await h.app.request(`/api/v1/retention/policies/${policy.id}`, { method: 'DELETE', headers: auth(token) })).status, 409);
    assert.equal((await h.app.request(`/api/v1/retention/policies/${policy.id}`, jsonRequest('PUT', { name: 'all', retainDays: 120 }, auth(token)))).status, 200);
    assert.deepEqual(await auditActions(h, 'recording.delete.refused'), ['call-worm', 'call-worm']);
    later.ms = 120 * DAY;
    r = await h.app.request('/api/v1/cdrs/call-worm/recording', { method: 'DELETE', headers: auth(token) });
    assert.equal(r.status, 200);
    assert.ok(!existsSync(file));
  });
});

describe('audit log: verification, tampering, signed export', () => {
  const t = harnessPerSuite({ worm: false });

  it('an intact chain verifies; one row edited in the database file is named by GET /audit/verify', async () => {
    const { h, auditor: token } = t;
    for (let i = 0; i < 20; i++) h.audit.record({ actor: 'system', action: 'test.row', target: `t${i}` });
    await h.audit.settled();
    let report = (await (await h.app.request('/api/v1/audit/verify', { headers: auth(token) })).json()) as { ok: boolean; checked: number; firstBrokenId?: number; reason?: string };
    assert.equal(report.ok, true);
    await h.audit.settled();
    const victim = (await h.auditRepo.list({ target: 't7' }))[0]!;
    // another connection to the same file, as someone with the file would edit it
    const raw = createClient({ url: `file:${h.databaseFile}` });
    await raw.execute({ sql: 'UPDATE audit_log SET target = ? WHERE id = ?', args: ['t7-edited', victim.id] });
    raw.close();
    report = (await (await h.app.request('/api/v1/audit/verify', { headers: auth(token) })).json()) as typeof report;
    assert.equal(report.ok, false);
    assert.equal(report.firstBrokenId, victim.id);
    assert.equal(report.reason, 'hash-mismatch');
  });

  it('a signed export verifies with the served Ed25519 key, and its rows chain by the documented hash', async () => {
    const { h, auditor: token } = t;
    const key = (await (await h.app.request('/api/v1/audit/signing-key', { headers: auth(token) })).json()) as { publicKey: string };
    const exported = (await (await h.app.request('/api/v1/audit/export', { headers: auth(token) })).json()) as { payload: string; signature: { value: string } };
    assert.ok(verify(null, Buffer.from(exported.payload), createPublicKey(key.publicKey), Buffer.from(exported.signature.value, 'base64')));
    assert.ok(!verify(null, Buffer.from(exported.payload.replace('test.row', 'test.rox')), createPublicKey(key.publicKey), Buffer.from(exported.signature.value, 'base64')));
    const rows = (JSON.parse(exported.payload) as { rows: { id: number; at: number; actor: string; action: string; target: string | null; source: string | null; detail: string | null; prevHash: string; hash: string }[] }).rows;
    assert.equal(rows[0]!.prevHash, AUDIT_GENESIS_HASH);
    const first = rows[0]!;
    assert.equal(auditRowHash(first.prevHash, first), first.hash);
    await h.audit.settled();
    assert.ok((await h.auditRepo.list({ action: 'audit.export' })).length >= 1, 'the export is audited');
  });

  it('audit retention: rows purged from the start still verify, anchored by the audit.purge row', async () => {
    const { h } = t;
    const fresh = await createApiHarness();
    try {
      for (let i = 0; i < 5; i++) await fresh.auditRepo.append({ actor: 'system', action: 'old', at: 1000 + i });
      fresh.clock.now += 200 * DAY;
      for (let i = 0; i < 3; i++) fresh.audit.record({ actor: 'system', action: 'new' });
      await fresh.audit.settled();
      assert.equal(await fresh.auditRepo.purgeBefore(fresh.clock.now - 180 * DAY), 5);
      const report = await checkAuditChain(fresh.database.db);
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.equal(report.startsAfter, 5);
    } finally {
      await fresh.cleanup();
    }
    assert.ok(h);
  });
});

describe('PII masking in call-record output, reveal audited', () => {
  const t = harnessPerSuite({ worm: false });

  it('a supervisor sees 138****5678; revealing with a reason gives the number and writes pii.reveal', async () => {
    const { h, dir } = t;
    await recordedCall(h, dir, { id: 'call-pii', endedAt: h.clock.now, caller: '13812345678' });
    const sup = await loginAs(h, 'sup', 'correct horse', 'supervisor');
    const masked = (await (await h.app.request('/api/v1/cdrs/call-pii', { headers: auth(sup) })).json()) as { caller: string; legs: { uri: string }[] };
    assert.equal(masked.caller, '138****5678');
    assert.equal(masked.legs[0]!.uri, 'sip:138****5678@192.0.2.10');
    const r = await h.app.request('/api/v1/cdrs/call-pii/reveal', jsonRequest('POST', { reason: 'customer complaint 4411' }, auth(sup)));
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { caller: string }).caller, '13812345678');
    assert.deepEqual(await auditActions(h, 'pii.reveal'), ['call-pii']);
  });
});

describe('PCI: recording pause/resume by API', () => {
  it('pauses and resumes a recorded call (audited); a call not being recorded is 404', async () => {
    const states: [string, boolean][] = [];
    const h = await createApiHarness({ calls: { pauseRecording: (id, paused) => (id === 'live-call' ? (states.push([id, paused]), true) : false) } });
    try {
      const token = await loginAs(h);
      let r = await h.app.request('/api/v1/calls/live-call/recording/pause', { method: 'POST', headers: auth(token) });
      assert.deepEqual(await r.json(), { callId: 'live-call', paused: true });
      r = await h.app.request('/api/v1/calls/live-call/recording/resume', { method: 'POST', headers: auth(token) });
      assert.deepEqual(await r.json(), { callId: 'live-call', paused: false });
      assert.equal((await h.app.request('/api/v1/calls/other/recording/pause', { method: 'POST', headers: auth(token) })).status, 404);
      assert.deepEqual(states, [['live-call', true], ['live-call', false]]);
      assert.deepEqual(await auditActions(h, 'recording.pause'), ['live-call']);
    } finally {
      await h.cleanup();
    }
  });
});
