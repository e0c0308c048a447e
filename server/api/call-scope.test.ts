// Issue 14: a supervisor given queues or teams sees only the call records and live calls that touched
// them: waited in one of its queues, were handled by one of its agents, or were made or taken by one
// of those agents' extensions. Everything else is absent from the lists (records, the transcript
// search, live calls) and the event stream, and 403 when asked for by id (the record, its
// recording and transcript, a live call's controls).
// A supervisor given neither, and the admin, see every call.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import type { CallRecordInput } from '../store/index.js';
import { AcdRepository, TranscriptsRepository } from '../store/index.js';
import type { LiveCallView } from '../calls/index.js';
import { CallState } from '../calls/call-state.js';
import { clientFor, type AcdCall } from './acd-testing.js';
import { createApiHarness, loginAs, quietApiLogger, signIn, type ApiHarness } from './testing.js';
import { createCallEventsEndpoint } from './events.js';
import { createApiApp } from './app.js';
import { startHttpServer } from './server.js';
import type { CallEventJson, LiveCallControl, TranscriptEventJson } from './types.js';

const T = Date.UTC(2026, 0, 15, 10, 0, 0);

const record = (id: string, caller: string, callee: string): CallRecordInput => ({
  id, caller, callerName: null, callee, startedAt: T, answeredAt: T + 1_000, endedAt: T + 60_000, durationS: 60, billableS: 59,
  disposition: 'ANSWERED', hangupCause: 'normal-clearing', sipStatus: 200, hangupBy: 'caller', codec: 'PCMU',
  recordingPath: null, recordingFormat: null, recordingDurationMs: null, recordingPauses: [], direction: 'inbound', legs: [],
});

/** an interaction the ACD recorded for a call (what acd_interactions holds once a queue call ends) */
const interaction = (callId: string, queueId: string, agentId: string | null) => ({
  id: randomUUID(), callId, queueId, channel: 'call', caller: '+4930555', priority: 0, enteredAt: T, endedAt: T + 60_000, waitMs: 1_000,
  outcome: agentId === null ? 'abandoned' : 'answered', agentId, answeredAt: agentId === null ? null : T + 1_000, talkMs: null, wrapUpMs: null,
  wrapUpCode: null, endedBy: 'caller', overflowTo: null, offers: [], decisions: [],
});

const live = (id: string, caller: string, callee: string): LiveCallView => ({ id, caller, callerName: null, callee, state: CallState.Answered, startedAt: T, held: false, holding: [], recording: false, recordingPaused: false });

/** calls in progress as server/calls' LiveCalls reports them; each control that reaches it is noted */
function liveCallsOf(calls: LiveCallView[], seen: string[]): LiveCallControl {
  const done = (what: string) => async (id: string) => (seen.push(`${what} ${id}`), { ok: true as const });
  return {
    list: () => calls,
    hangup: done('hangup'), hold: done('hold'), resume: done('resume'), startRecording: done('record'),
    stopRecording: (id) => (seen.push(`unrecord ${id}`), { ok: true }),
    transfer: (id, target) => (seen.push(`transfer ${id} ${target}`), { ok: true }),
    join: async (id, other) => (seen.push(`join ${id} ${other}`), { ok: true }),
    dtmf: (id) => (seen.push(`dtmf ${id}`), { ok: true }),
  };
}

const ids = (body: Record<string, unknown> | undefined) => ((body?.['items'] ?? []) as { id: string }[]).map((x) => x.id).sort();

describe('call records and live calls: a supervisor sees the calls of its queues and agents only', () => {
  it('lists, one record and its recording/transcript, live calls, their controls and the calls topic', async () => {
    const calls = { sales: randomUUID(), support: randomUUID(), anaOut: randomUUID(), toCy: randomUUID(), elsewhere: randomUUID() };
    const liveIds = { sales: randomUUID(), support: randomUUID(), ana: randomUUID() };
    const seen: string[] = [];
    const liveCalls = liveCallsOf([live(liveIds.sales, '+4930111', '600'), live(liveIds.support, '+4930222', '601'), live(liveIds.ana, '1001', '+4930333')], seen);
    const base: ApiHarness = await createApiHarness({ liveCalls });
    // with transcription on (its table in the harness's database)
    const transcripts = new TranscriptsRepository({ db: base.database.db });
    const h: ApiHarness = { ...base, app: createApiApp({ ...base.deps, transcripts }) };
    const acd = h.deps.acd ?? assert.fail('the harness runs an ACD');
    try {
      const admin = clientFor(h, await loginAs(h, 'boss', 'correct horse', 'admin'));
      for (const q of ['sales', 'support']) assert.equal((await admin('POST', '/api/v1/acd/queues', { id: q, name: q })).status, 201);
      for (const [id, extension, team] of [['ana', '1001', null], ['bo', '1002', null], ['cy', '1003', 'night']] as const) {
        assert.equal((await admin('POST', '/api/v1/acd/agents', { id, name: id, extension, pin: '1234', team })).status, 201);
      }
      await admin('POST', '/api/v1/acd/memberships', { agentId: 'ana', queueId: 'sales' });
      await admin('POST', '/api/v1/acd/memberships', { agentId: 'bo', queueId: 'support' });

      // call records: one through each queue, ana's own outbound call, one to cy, one touching nobody overseen
      await Promise.all([
        h.callRecords.begin(record(calls.sales, '+4930111', '600')),
        h.callRecords.begin(record(calls.support, '+4930222', '601')),
        h.callRecords.begin(record(calls.anaOut, '1001', '+4930999')),
        h.callRecords.begin(record(calls.toCy, '+4930444', '1003')),
        h.callRecords.begin(record(calls.elsewhere, '1002', '+4930888')),
      ]);
      await h.writer.flush();
      for (const [id, text] of [[calls.sales, 'I would like a refund'], [calls.support, 'a refund for my order']] as const) {
        await transcripts.enqueue(id);
        await transcripts.claim();
        await transcripts.complete(id, [{ channel: 0, speaker: 'caller', startMs: 0, endMs: 2000, text, confidence: null }]);
      }
      const interactions = new AcdRepository({ db: h.database.db, now: () => T });
      await interactions.addInteraction(interaction(calls.sales, 'sales', null));
      await interactions.addInteraction(interaction(calls.support, 'support', 'bo'));
      // live: the ACD holds the first two callers in their queues now
      assert.ok(acd.acd.enqueue({ queueId: 'sales', callId: liveIds.sales, caller: '+4930111' }).ok);
      assert.ok(acd.acd.enqueue({ queueId: 'support', callId: liveIds.support, caller: '+4930222' }).ok);

      const supervisor = async (username: string, scope: { queues?: string[]; teams?: string[] }): Promise<AcdCall> => {
        await h.users.create({ username, password: 'correct horse', roles: ['supervisor'], ...scope });
        return clientFor(h, await signIn(h, username, 'correct horse'));
      };
      const sue = await supervisor('sue', { queues: ['sales'] });
      const ted = await supervisor('ted', { teams: ['night'] });
      const una = await supervisor('una', {});

      // lists: the queue's call and its agent's own call; a team's agent's call; everything
      assert.deepEqual(ids((await sue('GET', '/api/v1/cdrs')).body), [calls.sales, calls.anaOut].sort());
      assert.equal((await sue('GET', '/api/v1/cdrs')).body!['total'], 2);
      assert.deepEqual(ids((await ted('GET', '/api/v1/cdrs')).body), [calls.toCy]);
      for (const whole of [una, admin]) assert.equal(ids((await whole('GET', '/api/v1/cdrs')).body).length, 5);
      const csv = await h.app.request('/api/v1/cdrs.csv', { headers: { authorization: `Bearer ${await signIn(h, 'sue', 'correct horse')}` } });
      assert.equal(csv.headers.get('x-total-count'), '2');
      assert.ok(!(await csv.text()).includes(calls.support));

      // the transcript search finds the overseen call only
      const found = (c: AcdCall) => c('GET', '/api/v1/transcripts?q=refund').then((r) => ((r.body?.['items'] ?? []) as { callId: string }[]).map((x) => x.callId).sort());
      assert.deepEqual(await found(sue), [calls.sales]);
      assert.deepEqual(await found(una), [calls.sales, calls.support].sort());
      // and so does the keyword hit search
      const hits = h.deps.keywords?.repository ?? assert.fail('the harness keeps keyword lists');
      for (const id of [calls.sales, calls.support]) await hits.addHit({ callId: id, leg: 'caller', keyword: 'refund', listId: null, listName: 'complaints', atMs: 500, heardAt: T + 1_500 });
      const hitCalls = (c: AcdCall) => c('GET', '/api/v1/keyword-hits?keyword=refund').then((r) => ((r.body?.['items'] ?? []) as { callId: string }[]).map((x) => x.callId).sort());
      assert.deepEqual(await hitCalls(sue), [calls.sales]);
      assert.deepEqual(await hitCalls(una), [calls.sales, calls.support].sort());

      // one record and what hangs off it
      assert.equal((await sue('GET', `/api/v1/cdrs/${calls.sales}`)).status, 200);
      for (const path of ['', '/recording', '/transcript', '/keyword-hits', '/trunk-attempts']) {
        const refused = await sue('GET', `/api/v1/cdrs/${calls.support}${path}`);
        assert.equal(refused.status, 403, path);
        assert.match(String(refused.body!['reason']), new RegExp(`call record ${calls.support} is not one you oversee`));
      }
      assert.equal((await sue('PUT', `/api/v1/cdrs/${calls.elsewhere}/tags`, { tags: ['x'] })).status, 403);
      assert.equal((await sue('GET', `/api/v1/cdrs/${randomUUID()}`)).status, 404, 'an unknown record is 404 as for everyone');
      assert.equal((await una('GET', `/api/v1/cdrs/${calls.support}`)).status, 200);

      // live calls: the caller waiting in sales and ana's call; the support caller is absent and refused
      assert.deepEqual(ids((await sue('GET', '/api/v1/calls')).body), [liveIds.sales, liveIds.ana].sort());
      assert.deepEqual(ids((await ted('GET', '/api/v1/calls')).body), []);
      assert.equal(ids((await una('GET', '/api/v1/calls')).body).length, 3);
      assert.equal((await sue('POST', `/api/v1/calls/${liveIds.support}/hangup`)).status, 403);
      assert.equal((await sue('POST', `/api/v1/calls/${liveIds.support}/transfer`, { target: '1001' })).status, 403);
      assert.equal((await sue('POST', `/api/v1/calls/${liveIds.sales}/join`, { call: liveIds.support })).status, 403, 'joining a call it does not oversee');
      assert.equal((await sue('POST', `/api/v1/calls/${liveIds.sales}/hold`)).status, 200);
      assert.deepEqual(seen, [`hold ${liveIds.sales}`], 'only the overseen call was acted on');

      // the calls topic: sue hears the sales caller's events and not the support caller's
      await streamHears(h, await signIn(h, 'sue', 'correct horse'), [
        { callId: liveIds.support, caller: '+4930222', callee: '601' },
        { callId: liveIds.sales, caller: '+4930111', callee: '600' },
      ], liveIds.sales);
    } finally {
      await base.cleanup();
    }
  });
});

/** publishes each call's hangup on the stream; the first frame the client gets must be `expected`'s */
async function streamHears(h: ApiHarness, token: string, events: { callId: string; caller: string; callee: string }[], expected: string): Promise<void> {
  const endpoint = createCallEventsEndpoint({ access: h.deps.access ?? assert.fail('shared access'), callEvents: h.callEvents, acdEvents: h.deps.acd, logger: quietApiLogger });
  const server = await startHttpServer({ app: h.app, port: 0, address: '127.0.0.1', logger: quietApiLogger, upgrade: endpoint });
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
  try {
    const frames: { type: string; callId?: string }[] = [];
    ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as { type: string; callId?: string }));
    await once(ws, 'open');
    // what was said in each call (live transcription), then its hangup: the stream keeps their order
    for (const e of events) {
      const said: TranscriptEventJson = { type: 'transcript.final', at: new Date(T).toISOString(), ...e, leg: 'caller', startMs: 1000, endMs: 2000, text: 'hello' };
      h.callEvents.publish(said as unknown as CallEventJson);
    }
    for (const e of events) h.callEvents.publish({ type: 'hangup', at: new Date(T).toISOString(), ...e });
    while (!frames.some((f) => f.type === 'hangup')) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(frames.filter((f) => f.type === 'hangup').map((f) => f.callId), [expected]);
    assert.deepEqual(frames.filter((f) => f.type === 'transcript.final').map((f) => f.callId), [expected], 'transcripts of calls it does not oversee are not sent');
  } finally {
    ws.terminate();
    await endpoint.close();
    await server.close();
  }
}
