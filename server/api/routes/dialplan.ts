// /api/v1/dialplan: the dial plan's ordered entries (pattern → steps), and "what happens when X
// dials Y" (GET /api/v1/dialplan/resolve) without placing a call. An entry with a malformed
// pattern, an unknown destination or a loop is refused with 400 and the reason.
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { DialPlanEntryRow } from '../../store/index.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { DialPlanEntryWrite, DialPlanParams, DialPlanResolveQuery } from '../schemas-dialplan.js';

function view(e: DialPlanEntryRow) {
  return { ...e, createdAt: new Date(e.createdAt).toISOString(), updatedAt: new Date(e.updatedAt).toISOString() };
}

function audit(deps: ApiDeps, c: Context<ApiEnv>, action: string, target: string, detail?: Record<string, unknown>) {
  const source = remoteAddress(c);
  deps.audit.record({ actor: c.get('auth').user.username, action, target, ...(source !== undefined ? { source } : {}), ...(detail ? { detail } : {}) });
}

export function mountDialPlanRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const plan = deps.dialPlan;
  if (plan === undefined) return;
  const session = requireSession(deps);
  const refused = (c: Context<ApiEnv>, reason: string) => jsonError(c, 400, { error: 'bad dial plan entry', reason });
  const checked = async (c: Context<ApiEnv>, replacing?: number): Promise<{ ok: true; value: z.output<typeof DialPlanEntryWrite> } | { ok: false; response: Response }> => {
    const body = await readBody(c, DialPlanEntryWrite);
    if (!body.ok) return body;
    const problem = await plan.service.problem(body.value, replacing);
    return problem === null ? body : { ok: false, response: refused(c, problem) };
  };

  app.get('/api/v1/dialplan', session, async (c) => c.json({ items: (await plan.repository.list()).map(view) }));

  app.get('/api/v1/dialplan/resolve', session, async (c) => {
    const q = validate(c, DialPlanResolveQuery, c.req.query());
    if (!q.ok) return q.response;
    const r = await plan.service.resolve(q.value.from, q.value.to, q.value.time === undefined ? undefined : Date.parse(q.value.time));
    return c.json({ from: q.value.from, to: q.value.to, steps: r.steps, trace: r.trace, failure: r.failure === null ? null : { status: r.failure.status, cause: r.failure.cause } });
  });

  app.post('/api/v1/dialplan', session, async (c) => {
    const body = await checked(c);
    if (!body.ok) return body.response;
    const created = await plan.repository.create(body.value);
    audit(deps, c, 'dialplan.create', String(created.id), { pattern: created.pattern, steps: created.steps });
    return c.json(view(created), 201);
  });

  app.get('/api/v1/dialplan/:id', session, async (c) => {
    const params = validate(c, DialPlanParams, c.req.param());
    if (!params.ok) return params.response;
    const found = await plan.repository.get(params.value.id);
    return found ? c.json(view(found)) : jsonError(c, 404, { error: 'dial plan entry not found' });
  });

  app.put('/api/v1/dialplan/:id', session, async (c) => {
    const params = validate(c, DialPlanParams, c.req.param());
    if (!params.ok) return params.response;
    if ((await plan.repository.get(params.value.id)) === undefined) return jsonError(c, 404, { error: 'dial plan entry not found' });
    const body = await checked(c, params.value.id);
    if (!body.ok) return body.response;
    const updated = await plan.repository.update(params.value.id, body.value);
    if (!updated) return jsonError(c, 404, { error: 'dial plan entry not found' });
    audit(deps, c, 'dialplan.update', String(updated.id), { pattern: updated.pattern, steps: updated.steps });
    return c.json(view(updated));
  });

  app.delete('/api/v1/dialplan/:id', session, async (c) => {
    const params = validate(c, DialPlanParams, c.req.param());
    if (!params.ok) return params.response;
    if (!(await plan.repository.delete(params.value.id))) return jsonError(c, 404, { error: 'dial plan entry not found' });
    audit(deps, c, 'dialplan.delete', String(params.value.id));
    return c.body(null, 204);
  });
}
