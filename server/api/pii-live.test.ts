// Issue 14: a role without pii.unmasked sees callers' and callees' numbers masked everywhere, not only
// in call records: live calls, the ACD floor (GET /acd/live, which the wallboard reads, and the
// stream's acd snapshot), the calls topic, ACD interaction records, voicemail messages and the
// agent's screen-pop (its own call included, and the caller's recent calls). The admin (pii.unmasked)
// sees the numbers as they are. Over real HTTP and a real WebSocket against the API harness, with
// the real ACD on a fake call driver and clock, and a real database.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { FakeClock, silentLogger } from '../sip/index.js';
import { AcdRepository, VoicemailRepository } from '../store/index.js';
import { callRecordFixture, openTempDatabase } from '../store/testing.js';
import { AcdService } from '../acd/service.js';
import { FakeDriver, testPins } from '../acd/testing.js';
import type { LiveCallView } from '../calls/index.js';
import { CallState } from '../calls/call-state.js';
import { createApiHarness, loginAs, quietApiLogger, signIn, withApiExtensions } from './testing.js';
import { createCallEventsEndpoint } from './events.js';
import { startHttpServer } from './server.js';
import type { LiveCallControl } from './types.js';

type Body = Record<string, unknown> & { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// mainland numbers (server/security/pii.ts masks these; extensions such as 1001 are never masked)
const CALLER = '13812345678';
const CALLER_MASKED = '138****5678';
const WAITING = '13987654321';
const WAITING_MASKED = '139****4321';
const DIALLED = '01088886666';
const DIALLED_MASKED = '010****6666';

const unused = async () => ({ ok: false as const, status: 409 as const, reason: 'not used here' });

describe('phone numbers masked for roles without pii.unmasked beyond call records', () => {
  it('live calls, /acd/live, interactions, the calls and acd topics, voicemail messages and the screen-pop', { timeout: 60_000 }, async () => {
    const clock = new FakeClock(1_800_000_000_000);
    const driver = new FakeDriver();
    const acdDb = await openTempDatabase();
    const acd = await AcdService.open({ repository: new AcdRepository({ db: acdDb.database.db, now: () => clock.now() }), clock, random: () => 0, logger: silentLogger, queueLogPath: null, driver, pins: testPins() });
    const liveCallId = randomUUID();
    const live: LiveCallView = { id: liveCallId, caller: CALLER, callerName: null, callee: '1001', state: CallState.Answered, startedAt: clock.now(), held: false, holding: [], recording: false, recordingPaused: false };
    const liveCalls: LiveCallControl = { list: () => [live], hangup: unused, hold: unused, resume: unused, startRecording: unused, stopRecording: () => ({ ok: false, status: 409, reason: 'not used' }), transfer: () => ({ ok: false, status: 409, reason: 'not used' }), join: unused, dtmf: () => ({ ok: false, status: 409, reason: 'not used' }) };
    const h = await createApiHarness({ acd, liveCalls });
    const endpoint = createCallEventsEndpoint({ access: h.deps.access ?? assert.fail('shared access'), callEvents: h.callEvents, acdEvents: acd, logger: quietApiLogger });
    const server = await startHttpServer({ app: h.app, port: 0, address: '127.0.0.1', logger: quietApiLogger, upgrade: endpoint });
    const sockets: WebSocket[] = [];
    try {
      const client = (token: string) => async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`http://127.0.0.1:${server.port}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        const text = await res.text();
        return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Body };
      };
      const admin = client(await loginAs(h, 'boss', 'correct horse', 'admin'));
      const user = async (username: string, roles: ('agent' | 'supervisor' | 'admin')[], extensions: string[]) => {
        await h.users.create({ username, password: 'correct horse', roles, extensions });
        return signIn(h, username, 'correct horse');
      };
      const anaToken = await user('ana', ['agent'], ['1001']);
      const ana = client(anaToken);
      const sue = client(await user('sue', ['supervisor'], []));
      // an admin linked to ana's extension: the same screen-pop, unmasked
      const root = client(await user('root', ['admin'], ['1001']));

      assert.equal((await admin('POST', '/api/v1/acd/queues', { id: 'sales', name: 'Sales' })).status, 201);
      assert.equal((await admin('POST', '/api/v1/acd/agents', { id: 'ana', name: 'Ana', extension: '1001', pin: '1234' })).status, 201);
      assert.equal((await admin('POST', '/api/v1/acd/memberships', { agentId: 'ana', queueId: 'sales' })).status, 201);
      assert.equal((await ana('POST', '/api/v1/acd/agents/ana/state', { action: 'login' })).status, 200);

      // the caller rang before (to a Beijing number): the screen-pop lists that call
      await h.callRecords.begin(callRecordFixture({ id: 'call-0', caller: CALLER, callee: DIALLED, startedAt: clock.now() - 86_400_000, disposition: 'ANSWERED', durationS: 42 }));
      await h.writer.flush();
      const first = acd.acd.enqueue({ queueId: 'sales', callId: liveCallId, caller: CALLER });
      assert.ok(first.ok);
      assert.ok(driver.answer(acd.acd, 'ana'));
      // a second caller waits: ana is busy
      assert.ok(acd.acd.enqueue({ queueId: 'sales', callId: randomUUID(), caller: WAITING }).ok);

      // GET /api/v1/calls: the supervisor masked, the admin as is
      assert.deepEqual((await sue('GET', '/api/v1/calls')).body.items.map((c: Body) => [c.caller, c.callee]), [[CALLER_MASKED, '1001']]);
      assert.deepEqual((await admin('GET', '/api/v1/calls')).body.items.map((c: Body) => [c.caller, c.callee]), [[CALLER, '1001']]);

      // GET /api/v1/acd/live (the wallboard's data): the waiting caller and ana's call in progress
      const floor = (b: Body) => [b.queues[0].callers.map((c: Body) => c.caller), b.agents[0].work.map((w: Body) => w.caller)];
      assert.deepEqual(floor((await ana('GET', '/api/v1/acd/live')).body), [[WAITING_MASKED], [CALLER_MASKED]]);
      assert.deepEqual(floor((await sue('GET', '/api/v1/acd/live')).body), [[WAITING_MASKED], [CALLER_MASKED]]);
      assert.deepEqual(floor((await admin('GET', '/api/v1/acd/live')).body), [[WAITING], [CALLER]]);

      // the agent's own screen-pop: masked for the agent role (no rule exempts its own call), the
      // recent calls still found by the real number; the admin on the same extension sees it as is
      const mine = (await ana('GET', '/api/v1/acd/me')).body;
      assert.deepEqual([mine.current.caller, mine.current.recentCalls.map((r: Body) => [r.id, r.callee])], [CALLER_MASKED, [['call-0', DIALLED_MASKED]]]);
      const rootMe = (await root('GET', '/api/v1/acd/me')).body;
      assert.deepEqual([rootMe.current.caller, rootMe.current.recentCalls.map((r: Body) => [r.id, r.callee])], [CALLER, [['call-0', DIALLED]]]);

      // the event stream: the acd snapshot on connect, then a call event, per client
      const stream = async (token: string) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
        sockets.push(ws);
        const frames: Body[] = [];
        ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as Body));
        await once(ws, 'open');
        return frames;
      };
      const anaFrames = await stream(anaToken);
      const adminFrames = await stream(await signIn(h, 'root', 'correct horse'));
      h.callEvents.publish({ type: 'transfer', callId: liveCallId, at: new Date(clock.now()).toISOString(), caller: CALLER, callee: '1001', target: DIALLED, result: 'started', by: 'api' });
      const heard = async (frames: Body[]) => {
        while (!frames.some((f) => f.type === 'transfer')) await new Promise((r) => setTimeout(r, 20));
        const snap = frames.find((f) => f.type === 'acd.snapshot') ?? assert.fail('no acd snapshot');
        const call = frames.find((f) => f.type === 'transfer')!;
        return [floor(snap), call.caller, call.target];
      };
      assert.deepEqual(await heard(anaFrames), [[[WAITING_MASKED], [CALLER_MASKED]], CALLER_MASKED, DIALLED_MASKED]);
      assert.deepEqual(await heard(adminFrames), [[[WAITING], [CALLER]], CALLER, DIALLED]);

      // the interaction records, once the call ended; ana, free again, is offered the waiting caller
      acd.acd.hangup({ interactionId: first.interaction.id, by: 'caller' });
      await acd.settled();
      const offered = async (frames: Body[]) => {
        while (!frames.some((f) => f.type === 'acd.offer')) await new Promise((r) => setTimeout(r, 20));
        const offer = frames.find((f) => f.type === 'acd.offer')!;
        const queueDelta = frames.filter((f) => f.type === 'acd.queue').at(-1) ?? assert.fail('no queue delta');
        return [offer.caller, offer.queue, queueDelta.queue.id];
      };
      assert.deepEqual(await offered(anaFrames), [WAITING_MASKED, 'sales', 'sales']);
      assert.deepEqual(await offered(adminFrames), [WAITING, 'sales', 'sales']);
      const recorded = async (call: typeof sue) => (await call('GET', `/api/v1/acd/interactions?callId=${liveCallId}`)).body.items.map((i: Body) => i.caller);
      assert.deepEqual(await recorded(sue), [CALLER_MASKED]);
      assert.deepEqual(await recorded(admin), [CALLER]);

      // voicemail: the message list and one message
      await withApiExtensions(h, ['1002']);
      assert.equal((await admin('PUT', '/api/v1/extensions/1002/mailbox', { enabled: true })).status, 200);
      const messageId = randomUUID();
      await new VoicemailRepository({ db: h.database.db }).addMessage({ id: messageId, mailbox: '1002', caller: CALLER, callerName: `call me on ${WAITING}`, callId: liveCallId, createdAt: clock.now(), durationMs: 3000, path: 'none.wav', readAt: null });
      const messages = async (call: typeof sue) => (await call('GET', '/api/v1/extensions/1002/mailbox/messages')).body.items.map((m: Body) => [m.caller, m.callerName]);
      assert.deepEqual(await messages(sue), [[CALLER_MASKED, `call me on ${WAITING_MASKED}`]]);
      assert.deepEqual(await messages(admin), [[CALLER, `call me on ${WAITING}`]]);
      const marked = await sue('PATCH', `/api/v1/voicemail/messages/${messageId}`, { read: true });
      assert.deepEqual([marked.status, marked.body.caller], [200, CALLER_MASKED]);
      assert.equal((await admin('PATCH', `/api/v1/voicemail/messages/${messageId}`, { read: true })).body.caller, CALLER);
    } finally {
      for (const ws of sockets) ws.terminate();
      await endpoint.close();
      await server.close();
      await acd.close();
      await h.cleanup();
      await acdDb.cleanup();
    }
  });
});
