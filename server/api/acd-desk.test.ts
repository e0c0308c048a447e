// The agent workspace's API (issue 16) over a real temporary database and the real ACD on a fake
// clock: GET /acd/me with the screen-pop of an offered call (caller, IVR context, the caller's
// earlier calls), the agent choosing its queues, the wrap-up with code and notes landing on the
// call record, and an agent-role user refused (403) on any agent but its own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, silentLogger } from '../sip/index.js';
import { AcdRepository, RetentionRepository } from '../store/index.js';
import { callRecordFixture, openTempDatabase } from '../store/testing.js';
import { AcdService } from '../acd/service.js';
import { FakeDriver, testPins } from '../acd/testing.js';
import { SoftphoneCredentials } from '../acd/softphone-credentials.js';
import { computeHa1 } from '../sip/index.js';
import { createApiHarness, jsonRequest, loginAs, signIn, type ApiHarness } from './testing.js';

type Body = Record<string, unknown> & { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

async function rig() {
  const clock = new FakeClock(1_800_000_000_000);
  const driver = new FakeDriver();
  // the ACD keeps its tables in a database of its own here; the call records are the harness's
  const acdDb = await openTempDatabase();
  const acd = await AcdService.open({ repository: new AcdRepository({ db: acdDb.database.db, now: () => clock.now() }), clock, random: () => 0, logger: silentLogger, queueLogPath: null, driver, pins: testPins(), heartbeatTimeoutMs: 60_000 });
  const box: { retention?: RetentionRepository } = {};
  const softphoneCredentials = new SoftphoneCredentials({ clock, realm: 'pbx.test', ttlMs: 3_600_000 });
  const h: ApiHarness = await createApiHarness({
    acd,
    // built once the harness's database exists: the routes read it per request
    retention: {
      get service(): never {
        throw new Error('not used here');
      },
      get repository() {
        return box.retention as RetentionRepository;
      },
    },
    softphone: () => ({ sipDomain: 'pbx.test', webSockets: [{ transport: 'ws', port: 5066 }] }),
    softphoneCredentials,
  });
  box.retention = new RetentionRepository({ db: h.database.db, now: () => clock.now() });
  const client = (token: string) => async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = body === undefined ? { method, headers: { authorization: `Bearer ${token}` } } : jsonRequest(method, body, { authorization: `Bearer ${token}` });
    const res = await h.app.request(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Body };
  };
  const admin = client(await loginAs(h, 'boss', 'correct horse', 'admin'));
  const user = async (username: string, roles: ('agent' | 'supervisor')[], extensions: string[]) => {
    await h.users.create({ username, password: 'correct horse', roles, extensions });
    return client(await signIn(h, username, 'correct horse'));
  };
  const cleanup = async () => {
    await acd.close();
    await h.cleanup();
    await acdDb.cleanup();
  };
  return { h, clock, driver, acd: () => acd, retention: () => box.retention!, admin, user, cleanup, softphoneCredentials };
}

describe('/api/v1/acd agent workspace', () => {
  it('an agent sees its workspace, picks its queues, gets the screen-pop, answers, and its wrap-up code and notes land on the call record', async () => {
    const r = await rig();
    try {
      assert.equal((await r.admin('POST', '/api/v1/acd/queues', { id: 'sales', name: 'Sales', wrapUp: { mode: 'mandatory', seconds: 0, codes: ['sale', 'no-sale'] } })).status, 201);
      assert.equal((await r.admin('POST', '/api/v1/acd/queues', { id: 'support', name: 'Support' })).status, 201);
      assert.equal((await r.admin('POST', '/api/v1/acd/agents', { id: 'ana', name: 'Ana', extension: '1001', pin: '1234' })).status, 201);
      const ana = await r.user('ana', ['agent'], ['1001']);

      let me = await ana('GET', '/api/v1/acd/me');
      assert.equal(me.status, 200);
      assert.deepEqual([me.body.agent.id, me.body.agent.state, me.body.agent.browser], ['ana', 'logged-out', false]);
      assert.deepEqual(me.body.queues.map((q: Body) => [q.id, q.member]), [['sales', false], ['support', false]]);
      assert.deepEqual(me.body.softphone, { sipDomain: 'pbx.test', webSockets: [{ transport: 'ws', port: 5066 }] });

      const unknown = await ana('PUT', '/api/v1/acd/agents/ana/queues', { queues: ['sales', 'nope'] });
      assert.deepEqual([unknown.status, unknown.body.field, unknown.body.reason], [400, 'queues', 'unknown queue nope']);
      const picked = await ana('PUT', '/api/v1/acd/agents/ana/queues', { queues: ['sales', 'support'] });
      assert.deepEqual([picked.status, picked.body.queues], [200, ['sales', 'support']]);
      assert.deepEqual((await ana('PUT', '/api/v1/acd/agents/ana/queues', { queues: ['sales'] })).body.queues, ['sales']);
      assert.deepEqual((await r.admin('GET', '/api/v1/acd/memberships')).body.items.map((m: Body) => `${m.agentId}@${m.queueId}`), ['ana@sales']);

      assert.equal((await ana('POST', '/api/v1/acd/agents/ana/state', { action: 'login', browser: true })).status, 200);
      assert.equal((await ana('POST', '/api/v1/acd/agents/ana/heartbeat')).status, 204);
      const noCall = await ana('POST', '/api/v1/acd/agents/ana/hold', { on: true });
      assert.deepEqual([noCall.status, noCall.body.reason], [409, 'the agent is not on a queue call']);
      assert.equal((await ana('POST', '/api/v1/acd/agents/ana/hold', { on: 'yes' })).status, 400);
      const noTransfer = await ana('POST', '/api/v1/acd/agents/ana/transfer', { target: '1002' });
      assert.deepEqual([noTransfer.status, noTransfer.body.reason], [409, 'the agent is not on a queue call']);
      const badTarget = await ana('POST', '/api/v1/acd/agents/ana/transfer', { target: '10a2' });
      assert.deepEqual([badTarget.status, badTarget.body.issues?.[0]?.path], [400, 'target'], JSON.stringify(badTarget.body));
      me = await ana('GET', '/api/v1/acd/me');
      assert.deepEqual([me.body.agent.state, me.body.agent.browser, me.body.heartbeatS], ['available', true, 20]);

      // the caller rang before: that call is in the screen-pop's recent calls
      const earlier = callRecordFixture({ id: 'call-0', caller: '5551', callee: '800', startedAt: r.clock.now() - 86_400_000, disposition: 'ANSWERED', durationS: 42 });
      await r.h.callRecords.begin(earlier);
      await r.h.callRecords.begin(callRecordFixture({ id: 'call-1', caller: '5551', callee: '800', startedAt: r.clock.now() }));
      const q = r.acd().acd.enqueue({ queueId: 'sales', callId: 'call-1', caller: '5551', attached: { vars: { account: '7731' }, path: ['menu', 'sales'] } });
      assert.ok(q.ok);
      me = await ana('GET', '/api/v1/acd/me');
      assert.equal(me.body.agent.state, 'reserved');
      assert.deepEqual([me.body.offer.caller, me.body.offer.callId, me.body.offer.queueName, me.body.offer.ivr.vars.account], ['5551', 'call-1', 'Sales', '7731']);
      assert.deepEqual(me.body.offer.recentCalls.map((c: Body) => [c.id, c.disposition, c.durationS]), [['call-0', 'ANSWERED', 42]]);
      assert.equal(me.body.current, null);

      assert.ok(r.driver.answer(r.acd().acd, 'ana'));
      me = await ana('GET', '/api/v1/acd/me');
      assert.deepEqual([me.body.agent.state, me.body.offer, me.body.current.caller], ['on-call', null, '5551']);
      const wrapEarly = await ana('POST', '/api/v1/acd/agents/ana/wrap-up', { code: 'sale' });
      assert.deepEqual([wrapEarly.status, wrapEarly.body.reason], [409, 'not in wrap-up']);

      r.acd().acd.hangup({ interactionId: q.interaction.id, by: 'caller' });
      me = await ana('GET', '/api/v1/acd/me');
      assert.deepEqual([me.body.agent.state, me.body.wrapUp.callId, me.body.wrapUp.caller, me.body.wrapUp.codes], ['wrap-up', 'call-1', '5551', ['sale', 'no-sale']]);
      const bogus = await ana('POST', '/api/v1/acd/agents/ana/wrap-up', { code: 'maybe' });
      assert.deepEqual([bogus.status, bogus.body.field, bogus.body.reason], [400, 'code', 'unknown wrap-up code maybe']);
      const missing = await ana('POST', '/api/v1/acd/agents/ana/wrap-up', { notes: 'no code' });
      assert.deepEqual([missing.status, missing.body.reason], [400, 'a wrap-up code is required']);
      const long = await ana('POST', '/api/v1/acd/agents/ana/wrap-up', { code: 'sale', notes: 'x'.repeat(2001) });
      assert.equal(long.status, 400);
      assert.match(JSON.stringify(long.body), /notes/);
      const done = await ana('POST', '/api/v1/acd/agents/ana/wrap-up', { code: 'sale', notes: 'wants the blue one' });
      assert.deepEqual([done.status, done.body.callId, done.body.onCallRecord], [200, 'call-1', true]);
      assert.equal((await ana('GET', '/api/v1/acd/me')).body.agent.state, 'available');

      const cdr = await r.admin('GET', '/api/v1/cdrs/call-1');
      assert.deepEqual([cdr.body.retention.wrapUpCode, cdr.body.retention.wrapUpNotes, cdr.body.retention.wrapUpBy], ['sale', 'wants the blue one', 'ana']);
      await r.acd().settled();
      const record = await r.admin('GET', '/api/v1/acd/interactions?callId=call-1');
      assert.equal(record.body.items[0].wrapUpCode, 'sale');
      // the retention purge clears the notes with the call's other personal data; the code stays
      await r.retention().markPurged({ ids: ['call-1'], at: r.clock.now() });
      const purged = await r.admin('GET', '/api/v1/cdrs/call-1');
      assert.deepEqual([purged.body.retention.wrapUpCode, purged.body.retention.wrapUpNotes, purged.body.caller], ['sale', null, 'purged']);
    } finally {
      await r.cleanup();
    }
  });

  it('an agent-role user acts on its own agent only (403 on another); a supervisor on any; a user without an agent gets 404 from /me', async () => {
    const r = await rig();
    try {
      await r.admin('POST', '/api/v1/acd/queues', { id: 'sales', name: 'Sales' });
      await r.admin('POST', '/api/v1/acd/agents', { id: 'ana', name: 'Ana', extension: '1001', pin: '1234' });
      await r.admin('POST', '/api/v1/acd/agents', { id: 'bo', name: 'Bo', extension: '1002', pin: '4321' });
      const ana = await r.user('ana', ['agent'], ['1001']);
      const sup = await r.user('sue', ['supervisor'], []);
      const nobody = await r.user('nobody', ['agent'], ['1009']);

      for (const [method, path, body] of [
        ['POST', '/api/v1/acd/agents/bo/state', { action: 'login' }],
        ['POST', '/api/v1/acd/agents/bo/heartbeat', undefined],
        ['PUT', '/api/v1/acd/agents/bo/queues', { queues: ['sales'] }],
        ['POST', '/api/v1/acd/agents/bo/wrap-up', { code: null }],
        ['POST', '/api/v1/acd/agents/bo/hold', { on: true }],
        ['POST', '/api/v1/acd/agents/bo/transfer', { target: '1001' }],
      ] as const) {
        const res = await ana(method, path, body);
        assert.deepEqual([res.status, res.body.reason], [403, 'not your agent: an agent acts on the agent of its own linked extension only'], `${method} ${path}`);
      }
      assert.equal(r.acd().acd.agents.get('bo')!.state, 'logged-out');
      assert.equal((await r.admin('GET', '/api/v1/acd/memberships')).body.items.length, 0);

      assert.equal((await sup('POST', '/api/v1/acd/agents/bo/state', { action: 'login' })).status, 200);
      assert.equal((await sup('PUT', '/api/v1/acd/agents/bo/queues', { queues: ['sales'] })).status, 200);
      assert.equal(r.acd().acd.agents.get('bo')!.state, 'available');

      const none = await nobody('GET', '/api/v1/acd/me');
      assert.deepEqual([none.status, none.body.reason], [404, 'no ACD agent has an extension linked to your user']);
      assert.equal((await nobody('POST', '/api/v1/acd/me/softphone')).status, 404);
      // the softphone's own password is for the user's agent's extension, and digest accepts it there
      const issued = await ana('POST', '/api/v1/acd/me/softphone');
      assert.deepEqual([issued.status, issued.body.username, issued.body.sipDomain], [201, '1001', 'pbx.test']);
      assert.deepEqual(r.softphoneCredentials.alternatesOf('1001').map((p) => p.ha1Md5), [computeHa1('MD5', '1001', 'pbx.test', issued.body.password as string)]);
      assert.deepEqual(r.softphoneCredentials.alternatesOf('1002'), []);
      await r.h.audit.settled();
      const audit = await r.h.auditRepo.list({ action: 'acd.softphone.credential' });
      const row = audit.find((e) => e.action === 'acd.softphone.credential');
      assert.ok(row && row.target === '1001' && !JSON.stringify(row).includes(issued.body.password as string), JSON.stringify(row));
      // a bad body is refused with the field named, after the ownership check passed
      const bad = await ana('PUT', '/api/v1/acd/agents/ana/queues', { queues: 'sales' });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /queues/);
    } finally {
      await r.cleanup();
    }
  });
});
