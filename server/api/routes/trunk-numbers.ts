// /api/v1/dids (inbound numbers → dial plan steps; ranges that overlap are refused) and
// /api/v1/routes (outbound routes: patterns with strip/prepend, trunks in order, the permission
// class). Every check runs before anything is written, so a refused request changes nothing.
import type { Context, Hono } from 'hono';
import type { DidRow, OutboundRouteRow } from '../../store/index.js';
import type { ApiDeps, ApiEnv, TrunkApi } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, validate } from '../http-errors.js';
import { DidWrite, IdParams, RouteWrite } from '../schemas-trunks.js';
import { routePatternProblem } from '../../trunks/model.js';
import { auditTrunks } from './trunks.js';

const didView = (d: DidRow) => ({ id: d.id, number: d.first, last: d.last, trunkId: d.trunkId, steps: d.steps, description: d.description, createdAt: new Date(d.createdAt).toISOString(), updatedAt: new Date(d.updatedAt).toISOString() });
const routeView = (r: OutboundRouteRow) => ({ ...(r.settings as Record<string, unknown>), id: r.id, name: r.name, createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString() });

export function mountNumberRoutes(app: Hono<ApiEnv>, deps: ApiDeps, t: TrunkApi): void {
  const session = requireSession(deps);

  const didProblem = async (v: { number: string; last?: string | undefined; trunkId: number | null; steps: readonly Record<string, unknown>[] }, id?: number): Promise<string | null> => {
    const last = v.last ?? v.number;
    if (last.length !== v.number.length || last < v.number) return 'a range ends with a number of the same length, not below its first';
    if (v.trunkId !== null && (await t.repository.trunk(v.trunkId)) === undefined) return `unknown trunk ${v.trunkId}`;
    const overlap = (await t.repository.dids()).find((d) => d.id !== id && d.first.length === v.number.length && d.first <= last && v.number <= d.last);
    if (overlap) return `overlaps DID ${overlap.first}${overlap.last !== overlap.first ? `-${overlap.last}` : ''} (id ${overlap.id})`;
    const plan = deps.dialPlan?.service;
    if (plan) return plan.problem({ pattern: v.number, permission: null, steps: v.steps });
    return null;
  };

  app.get('/api/v1/dids', session, async (c) => c.json({ items: (await t.repository.dids()).map(didView) }));

  /** POST path, PUT path/:id (both through `write`) and DELETE path/:id, for admins */
  const writeRoutes = (o: { path: string; noun: string; write: (c: Context<ApiEnv>, id?: number) => Promise<Response>; remove: (id: number) => Promise<boolean>; audit: string }) => {
    app.post(o.path, session, (c) => o.write(c));
    app.put(`${o.path}/:id`, session, async (c) => {
      const p = validate(c, IdParams, c.req.param());
      return p.ok ? o.write(c, p.value.id) : p.response;
    });
    app.delete(`${o.path}/:id`, session, async (c) => {
      const p = validate(c, IdParams, c.req.param());
      if (!p.ok) return p.response;
      if (!(await o.remove(p.value.id))) return jsonError(c, 404, { error: `${o.noun} not found` });
      auditTrunks(deps, c, o.audit, String(p.value.id));
      return c.body(null, 204);
    });
  };

  const writeDid = async (c: Context<ApiEnv>, id?: number) => {
    const body = await readBody(c, DidWrite);
    if (!body.ok) return body.response;
    const problem = await didProblem(body.value, id);
    if (problem !== null) return jsonError(c, 400, { error: 'bad DID', reason: problem });
    const input = { first: body.value.number, last: body.value.last ?? body.value.number, trunkId: body.value.trunkId, steps: body.value.steps, description: body.value.description ?? null };
    const row = id === undefined ? await t.repository.createDid(input) : await t.repository.updateDid(id, input);
    if (!row) return jsonError(c, 404, { error: 'DID not found' });
    auditTrunks(deps, c, id === undefined ? 'did.create' : 'did.update', String(row.id), { number: row.first, last: row.last });
    return c.json(didView(row), id === undefined ? 201 : 200);
  };
  writeRoutes({ path: '/api/v1/dids', noun: 'DID', write: writeDid, remove: (id) => t.repository.deleteDid(id), audit: 'did.delete' });

  app.get('/api/v1/routes', session, async (c) => c.json({ items: (await t.repository.routes()).map(routeView) }));

  const writeRoute = async (c: Context<ApiEnv>, id?: number) => {
    const body = await readBody(c, RouteWrite);
    if (!body.ok) return body.response;
    const { name, ...settings } = body.value;
    const bad = (reason: string) => jsonError(c, 400, { error: 'bad route', reason });
    for (const p of settings.patterns) {
      const problem = routePatternProblem(p);
      if (problem !== null) return bad(problem);
    }
    const trunks = await t.repository.trunks();
    const missing = settings.trunks.find((tid) => !trunks.some((r) => r.id === tid));
    if (missing !== undefined) return bad(`unknown trunk ${missing}`);
    if (new Set(settings.trunks).size !== settings.trunks.length) return bad('a trunk is listed twice');
    if ((await t.repository.routes()).some((r) => r.name === name && r.id !== id)) return bad(`a route named ${name} exists`);
    const row = id === undefined ? await t.repository.createRoute({ name, settings }) : await t.repository.updateRoute(id, { name, settings });
    if (!row) return jsonError(c, 404, { error: 'route not found' });
    auditTrunks(deps, c, id === undefined ? 'route.create' : 'route.update', String(row.id), { name, permission: settings.permission, trunks: settings.trunks });
    return c.json(routeView(row), id === undefined ? 201 : 200);
  };
  writeRoutes({ path: '/api/v1/routes', noun: 'route', write: writeRoute, remove: (id) => t.repository.deleteRoute(id), audit: 'route.delete' });
}
