// /api/v1/ivr: flows as versioned documents (issue 15). GET /schema publishes the flow document's
// JSON Schema; a write is validated whole (schema, then references, reachability and input-free
// loops) and refused with 400 naming each problem by JSON pointer; every edit is a new version,
// rollback makes an older one current again; the simulator walks a version with typed answers;
// metrics count the flow's runs on real calls.
import type { Context, Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireAdmin, requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { FlowParams, FlowRollback, FlowSimulate, FlowUpdate, FlowValidate, FlowVersionParams, FlowWrite, MetricsQuery, RunParams } from '../schemas-ivr.js';
import { FlowDocument, flowJsonSchema } from '../../ivr/flow-schema.js';
import { validateFlow, type FlowChecks } from '../../ivr/validate.js';
import { simulateFlow } from '../../ivr/simulator.js';
import { flowFigures } from '../../ivr/metrics.js';
import type { StoredFlow, StoredFlowRun, StoredFlowVersion } from '../../store/index.js';

const iso = (ms: number) => new Date(ms).toISOString();
const flowView = (f: StoredFlow) => ({ ...f, createdAt: iso(f.createdAt), updatedAt: iso(f.updatedAt) });
const versionView = (v: StoredFlowVersion) => ({ ...v, createdAt: iso(v.createdAt) });
const runView = (r: StoredFlowRun) => ({ ...r, startedAt: iso(r.startedAt), endedAt: iso(r.endedAt) });

export function mountIvrRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const ivr = deps.ivr;
  if (ivr === undefined) return;
  const repo = ivr.flows;
  const session = requireSession(deps);
  const admin = requireAdmin();
  const audit = (c: Context<ApiEnv>, action: string, target: string, detail?: Record<string, unknown>) => {
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action, target, ...(source !== undefined ? { source } : {}), ...(detail ? { detail } : {}) });
  };
  const checks: FlowChecks = {
    isQueue: (id) => deps.acd?.acd.queues.has(id) ?? false,
    flowExists: async (id) => (await repo.get(id)) !== undefined,
    extensionExists: async (n) => (await deps.repositories.extensions.find(n)) !== undefined,
    ...(deps.calendars ? { calendarExists: async (id: number) => (await deps.calendars!.get(id)) !== undefined } : {}),
  };
  const checked = async (c: Context<ApiEnv>, document: unknown) => {
    const r = await validateFlow({ document, checks });
    return r.ok ? { ok: true as const } : { ok: false as const, response: c.json({ error: 'invalid flow', problems: r.problems }, 400) };
  };
  const found = async (c: Context<ApiEnv>) => {
    const p = validate(c, FlowParams, c.req.param());
    if (!p.ok) return p;
    const flow = await repo.get(p.value.id);
    return flow ? { ok: true as const, value: flow } : { ok: false as const, response: jsonError(c, 404, { error: 'flow not found' }) };
  };
  const actor = (c: Context<ApiEnv>) => c.get('auth').user.username;

  app.get('/api/v1/ivr/schema', session, (c) => c.json(flowJsonSchema()));

  app.post('/api/v1/ivr/validate', session, async (c) => {
    const body = await readBody(c, FlowValidate);
    if (!body.ok) return body.response;
    const r = await validateFlow({ document: body.value.document, checks });
    return c.json({ ok: r.ok, problems: r.ok ? [] : r.problems });
  });

  app.get('/api/v1/ivr/flows', session, async (c) => c.json({ items: (await repo.list()).map(flowView) }));

  app.post('/api/v1/ivr/flows', session, admin, async (c) => {
    const body = await readBody(c, FlowWrite);
    if (!body.ok) return body.response;
    const ok = await checked(c, body.value.document);
    if (!ok.ok) return ok.response;
    if (await repo.byName(body.value.name)) return jsonError(c, 409, { error: 'flow name taken', reason: `a flow named '${body.value.name}' exists` });
    const flow = await repo.create({ name: body.value.name, description: body.value.description ?? null, document: body.value.document, by: actor(c) });
    audit(c, 'ivr.flow.create', String(flow.id), { name: flow.name, version: 1 });
    return c.json(flowView(flow), 201);
  });

  app.get('/api/v1/ivr/flows/:id', session, async (c) => {
    const f = await found(c);
    if (!f.ok) return f.response;
    const v = await repo.version({ flowId: f.value.id, version: f.value.currentVersion });
    return c.json({ ...flowView(f.value), document: v?.document ?? {} });
  });

  app.put('/api/v1/ivr/flows/:id', session, admin, async (c) => {
    const f = await found(c);
    if (!f.ok) return f.response;
    const body = await readBody(c, FlowUpdate);
    if (!body.ok) return body.response;
    const ok = await checked(c, body.value.document);
    if (!ok.ok) return ok.response;
    const updated = await repo.addVersion({ flowId: f.value.id, document: body.value.document, by: actor(c), ...(body.value.description !== undefined ? { description: body.value.description } : {}) });
    if (!updated) return jsonError(c, 404, { error: 'flow not found' });
    audit(c, 'ivr.flow.version', String(updated.id), { version: updated.currentVersion });
    return c.json(flowView(updated));
  });

  app.delete('/api/v1/ivr/flows/:id', session, admin, async (c) => {
    const f = await found(c);
    if (!f.ok) return f.response;
    const rows = (await deps.dialPlan?.repository.list()) ?? [];
    const users = rows.filter((r) => r.steps.some((s) => s.kind === 'flow' && s.flow === f.value.id)).map((r) => r.id);
    if (users.length > 0) return jsonError(c, 409, { error: 'flow in use', reason: `dial plan entries ${users.join(', ')} run it` });
    await repo.delete(f.value.id);
    audit(c, 'ivr.flow.delete', String(f.value.id), { name: f.value.name });
    return c.body(null, 204);
  });

  app.get('/api/v1/ivr/flows/:id/versions', session, async (c) => {
    const f = await found(c);
    if (!f.ok) return f.response;
    return c.json({ items: (await repo.versions(f.value.id)).map(({ document: _d, ...v }) => ({ ...v, createdAt: iso(v.createdAt) })) });
  });

  app.get('/api/v1/ivr/flows/:id/versions/:version', session, async (c) => {
    const p = validate(c, FlowVersionParams, c.req.param());
    if (!p.ok) return p.response;
    const v = await repo.version({ flowId: p.value.id, version: p.value.version });
    return v ? c.json(versionView(v)) : jsonError(c, 404, { error: 'flow version not found' });
  });

  app.post('/api/v1/ivr/flows/:id/rollback', session, admin, async (c) => {
    const f = await found(c);
    if (!f.ok) return f.response;
    const body = await readBody(c, FlowRollback);
    if (!body.ok) return body.response;
    const updated = await repo.rollback({ flowId: f.value.id, version: body.value.version });
    if (!updated) return jsonError(c, 404, { error: 'flow version not found' });
    audit(c, 'ivr.flow.rollback', String(updated.id), { from: f.value.currentVersion, to: body.value.version });
    return c.json(flowView(updated));
  });

  app.post('/api/v1/ivr/flows/:id/simulate', session, async (c) => {
    const f = await found(c);
    if (!f.ok) return f.response;
    const body = await readBody(c, FlowSimulate);
    if (!body.ok) return body.response;
    const version = body.value.version ?? f.value.currentVersion;
    const v = await repo.version({ flowId: f.value.id, version });
    if (!v) return jsonError(c, 404, { error: 'flow version not found' });
    const doc = FlowDocument.safeParse(v.document);
    if (!doc.success) return jsonError(c, 409, { error: 'stored flow no longer reads', reason: doc.error.issues[0]?.message ?? '' });
    const r = await simulateFlow({ flowId: f.value.id, version, doc: doc.data, answers: body.value.answers, services: ivr.services, ...(body.value.caller ? { caller: body.value.caller } : {}), ...(body.value.dialled ? { dialled: body.value.dialled } : {}) });
    return c.json(r);
  });

  app.get('/api/v1/ivr/flows/:id/metrics', session, async (c) => {
    const f = await found(c);
    if (!f.ok) return f.response;
    const q = validate(c, MetricsQuery, c.req.query());
    if (!q.ok) return q.response;
    const runs = await repo.runs({ flowId: f.value.id, ...(q.value.since ? { since: Date.parse(q.value.since) } : {}) });
    return c.json({ flowId: f.value.id, ...flowFigures(runs) });
  });

  app.get('/api/v1/ivr/runs/:callId', session, async (c) => {
    const p = validate(c, RunParams, c.req.param());
    if (!p.ok) return p.response;
    const run = await repo.run(p.value.callId);
    return run ? c.json(runView(run)) : jsonError(c, 404, { error: 'no flow ran on this call' });
  });
}
