// /api/v1/ivr (issue 15): flows as versioned documents refused with 400 and the JSON pointer of
// each problem; editing makes a new version, rollback an older one current; the simulator's trace;
// metrics from runs; the dial plan's 'flow' step names an existing flow.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiClient, createApiHarness } from './testing.js';
import { SUPPORT_FLOW } from '../ivr/testing.js';
import { IvrFlowRepository } from '../store/index.js';

const problems = (body: Record<string, unknown> | undefined) => ((body?.['problems'] as { pointer: string; code: string }[] | undefined) ?? []).map((p) => `${p.code} ${p.pointer}`);

describe('/api/v1/ivr', () => {
  it('publishes the flow JSON Schema', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      const r = await call('GET', '/api/v1/ivr/schema');
      assert.equal(r.status, 200);
      assert.equal(r.body?.['$schema'], 'https://json-schema.org/draft/2020-12/schema');
      assert.ok(JSON.stringify(r.body).includes('"menu"'));
    } finally {
      await h.cleanup();
    }
  });

  it('bad flows are refused with 400 and the exact location; nothing is written', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      assert.equal((await call('POST', '/api/v1/acd/queues', { id: 'support', name: 'Support' })).status, 201);
      const nodes = SUPPORT_FLOW.nodes as Record<string, Record<string, unknown>>;
      const cases: [string, unknown, string[]][] = [
        ['schema', { ...SUPPORT_FLOW, maxFailures: 0 }, ['schema /maxFailures']],
        ['missing node', { ...SUPPORT_FLOW, nodes: { ...nodes, sorry: { verb: 'say', text: 'x', next: 'gone' } } }, ['missing-node /nodes/sorry/next']],
        ['missing queue', { ...SUPPORT_FLOW, nodes: { ...nodes, agent: { verb: 'enqueue', queue: 'sales' } } }, ['missing-queue /nodes/agent/queue']],
        ['unreachable node', { ...SUPPORT_FLOW, nodes: { ...nodes, spare: { verb: 'hangup' } } }, ['unreachable /nodes/spare']],
        ['loop without input', { ...SUPPORT_FLOW, nodes: { ...nodes, tell: { verb: 'say', text: 'x', next: 'again' }, again: { verb: 'set', vars: { n: '1' }, next: 'tell' } } }, ['unreachable /nodes/bye', 'loop-without-input /nodes/again']],
      ];
      for (const [what, document, want] of cases) {
        const r = await call('POST', '/api/v1/ivr/flows', { name: what, document });
        assert.equal(r.status, 400, what);
        assert.equal(r.body?.['error'], 'invalid flow', what);
        assert.deepEqual(problems(r.body), want, what);
      }
      assert.deepEqual((await call('GET', '/api/v1/ivr/flows')).body?.['items'], []);
      const v = await call('POST', '/api/v1/ivr/validate', { document: { ...SUPPORT_FLOW, start: 'nowhere' } });
      assert.equal(v.body?.['ok'], false);
      assert.ok(problems(v.body).includes('missing-node /start'));
    } finally {
      await h.cleanup();
    }
  });

  it('editing makes a new version; rollback makes an older one current; the versions stay readable', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      await call('POST', '/api/v1/acd/queues', { id: 'support', name: 'Support' });
      const created = await call('POST', '/api/v1/ivr/flows', { name: 'support', document: SUPPORT_FLOW });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body?.['id'] as number;
      assert.equal(created.body?.['currentVersion'], 1);
      const nodes = SUPPORT_FLOW.nodes as Record<string, Record<string, unknown>>;
      const v2 = { ...SUPPORT_FLOW, nodes: { ...nodes, welcome: { verb: 'say', text: 'Hello again.', next: 'main' } } };
      const edited = await call('PUT', `/api/v1/ivr/flows/${id}`, { document: v2 });
      assert.equal(edited.body?.['currentVersion'], 2);
      assert.deepEqual(((await call('GET', `/api/v1/ivr/flows/${id}/versions`)).body?.['items'] as { version: number }[]).map((v) => v.version), [2, 1]);
      const sim = async () => ((await call('POST', `/api/v1/ivr/flows/${id}/simulate`, { answers: [{ dtmf: '2' }] })).body?.['context'] as { trace: { prompt?: string }[] }).trace[0]!.prompt;
      assert.equal(await sim(), 'Hello again.');
      assert.equal((await call('POST', `/api/v1/ivr/flows/${id}/rollback`, { version: 1 })).body?.['currentVersion'], 1);
      assert.equal(await sim(), 'Welcome to Hailing.');
      assert.equal((await call('POST', `/api/v1/ivr/flows/${id}/rollback`, { version: 9 })).status, 404);
      const old = await call('GET', `/api/v1/ivr/flows/${id}/versions/2`);
      assert.equal(((old.body?.['document'] as { nodes: { welcome: { text: string } } }).nodes.welcome.text), 'Hello again.');
      await h.audit.settled();
      const actions = (await h.auditRepo.list({})).map((e) => e.action);
      for (const a of ['ivr.flow.create', 'ivr.flow.version', 'ivr.flow.rollback']) assert.ok(actions.includes(a), a);
    } finally {
      await h.cleanup();
    }
  });

  it('the simulator returns the step-by-step trace: node, prompt, input, branch, variables', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      await call('POST', '/api/v1/acd/queues', { id: 'support', name: 'Support' });
      const id = (await call('POST', '/api/v1/ivr/flows', { name: 'support', document: SUPPORT_FLOW })).body?.['id'] as number;
      const r = await call('POST', `/api/v1/ivr/flows/${id}/simulate`, { answers: [{ dtmf: '9' }, { timeout: true }, { dtmf: '2' }], caller: '13800138000' });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body?.['outcome'], { kind: 'enqueue', queue: 'support', priority: 5 });
      const trace = (r.body?.['context'] as { trace: Record<string, unknown>[] }).trace;
      assert.deepEqual(
        trace.map((s) => [s['node'], s['input'] ?? null, s['branch'] ?? null]),
        [
          ['welcome', null, null],
          ['main', '9', 'invalid'],
          ['main', '', 'timeout'],
          ['main', '2', '2'],
          ['agent', null, 'queue support'],
        ],
      );
      assert.equal((trace[1]!['vars'] as Record<string, string>)['caller'], '13800138000');
      assert.equal((await call('POST', `/api/v1/ivr/flows/${id}/simulate`, { answers: [{ keys: '1' }] })).status, 400);
    } finally {
      await h.cleanup();
    }
  });

  it('metrics: entered, contained, transferred, abandoned and failures by node, from the runs', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      await call('POST', '/api/v1/acd/queues', { id: 'support', name: 'Support' });
      const id = (await call('POST', '/api/v1/ivr/flows', { name: 'support', document: SUPPORT_FLOW })).body?.['id'] as number;
      const repo = new IvrFlowRepository({ db: h.database.db });
      const run = (n: number, outcome: string, path: string[], failuresByNode: Record<string, number> = {}) =>
        repo.saveRun({ id: `c${n}`, flowId: id, version: 1, startedAt: 1000 + n, endedAt: 2000 + n, outcome, path, failuresByNode, trace: [] });
      await run(1, 'completed', ['welcome', 'main', 'lookup', 'tell', 'bye']);
      await run(2, 'enqueue', ['welcome', 'main', 'agent'], { main: 1 });
      await run(3, 'fallback', ['welcome', 'main'], { main: 3 });
      await run(4, 'abandoned', ['welcome', 'main']);
      const m = (await call('GET', `/api/v1/ivr/flows/${id}/metrics`)).body!;
      assert.deepEqual([m['entered'], m['contained'], m['transferred'], m['fallback'], m['abandoned'], m['containmentRate']], [4, 1, 2, 1, 1, 0.25]);
      assert.deepEqual((m['nodes'] as Record<string, unknown>)['main'], { entered: 4, failures: 4, abandoned: 1 });
      assert.equal((await call('GET', '/api/v1/ivr/runs/c2')).body?.['outcome'], 'enqueue');
    } finally {
      await h.cleanup();
    }
  });

  it("a dial plan 'flow' step must name an existing flow; a flow in use cannot be deleted", async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      await call('POST', '/api/v1/acd/queues', { id: 'support', name: 'Support' });
      const bad = await call('POST', '/api/v1/dialplan', { pattern: '800', steps: [{ kind: 'flow', flow: 99 }] });
      assert.equal(bad.status, 400);
      const id = (await call('POST', '/api/v1/ivr/flows', { name: 'support', document: SUPPORT_FLOW })).body?.['id'] as number;
      const ok = await call('POST', '/api/v1/dialplan', { pattern: '800', steps: [{ kind: 'flow', flow: id }] });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal((await call('DELETE', `/api/v1/ivr/flows/${id}`)).status, 409);
    } finally {
      await h.cleanup();
    }
  });
});
