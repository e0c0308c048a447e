// /api/v1/trunks: carrier trunks with their live status (registered, last OPTIONS round trip,
// calls in progress), and /api/v1/cdrs/{id}/trunk-attempts. A bad trunk (malformed host, an ip
// trunk without addresses, a name in use) is refused with 400 and the reason before anything is
// written; the secret is write-only.
import type { Context, Hono } from 'hono';
import type { TrunkRow } from '../../store/index.js';
import type { ApiDeps, ApiEnv, TrunkApi } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { IdParams, TrunkWrite } from '../schemas-trunks.js';
import { TLS_DEFAULTS } from '../../trunks/model.js';
import { mountNumberRoutes } from './trunk-numbers.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function auditTrunks(deps: ApiDeps, c: Context<ApiEnv>, action: string, target: string, detail?: Record<string, unknown>): void {
  const source = remoteAddress(c);
  deps.audit.record({ actor: c.get('auth').user.username, action, target, ...(source !== undefined ? { source } : {}), ...(detail ? { detail } : {}) });
}

function view(t: TrunkApi, row: TrunkRow) {
  const status = t.manager.status().find((s) => s.id === row.id);
  return {
    // a trunk saved before the number format existed sends numbers as routed
    numberFormat: 'as-routed',
    tls: TLS_DEFAULTS,
    ...(row.settings as Record<string, unknown>),
    id: row.id,
    name: row.name,
    kind: row.kind,
    hasSecret: row.secret !== null,
    status: status
      ? {
          id: status.id,
          name: status.name,
          up: status.up,
          registered: status.registration?.state === 'registered',
          registration: status.registration ? { ...status.registration, expiresAt: iso(status.registration.expiresAt) } : null,
          lastOptionsRttMs: status.lastOptionsRttMs,
          lastOptionsAt: iso(status.lastOptionsAt),
          callsInProgress: status.callsInProgress,
          maxCalls: status.maxCalls,
        }
      : null,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export function mountTrunkRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const t = deps.trunks;
  if (t === undefined) return;
  const session = requireSession(deps);
  const refused = (c: Context<ApiEnv>, reason: string) => jsonError(c, 400, { error: 'bad trunk', reason });

  app.get('/api/v1/trunks', session, async (c) => c.json({ items: (await t.repository.trunks()).map((r) => view(t, r)), unknownDidCalls: t.manager.unknownDids }));

  const write = async (c: Context<ApiEnv>, id?: number) => {
    const body = await readBody(c, TrunkWrite);
    if (!body.ok) return body.response;
    const { name, kind, secret, ...settings } = body.value;
    const clash = (await t.repository.trunks()).find((r) => r.name === name && r.id !== id);
    if (clash) return refused(c, `a trunk named ${name} exists`);
    if (kind === 'register' && secret === undefined && (id === undefined || (await t.repository.trunk(id))?.secret == null)) return refused(c, 'a registration trunk needs a secret');
    const input = { name, kind, settings: settings as Record<string, unknown>, ...(secret !== undefined ? { secret } : {}) };
    const row = id === undefined ? await t.repository.createTrunk(input) : await t.repository.updateTrunk(id, input);
    if (row === undefined) return jsonError(c, 404, { error: 'trunk not found' });
    await t.manager.reload();
    // the secret is never audited or logged
    auditTrunks(deps, c, id === undefined ? 'trunk.create' : 'trunk.update', String(row.id), { name, kind, host: settings.host });
    return c.json(view(t, row), id === undefined ? 201 : 200);
  };

  app.post('/api/v1/trunks', session, (c) => write(c));

  app.get('/api/v1/trunks/:id', session, async (c) => {
    const p = validate(c, IdParams, c.req.param());
    if (!p.ok) return p.response;
    const row = await t.repository.trunk(p.value.id);
    return row ? c.json(view(t, row)) : jsonError(c, 404, { error: 'trunk not found' });
  });

  app.put('/api/v1/trunks/:id', session, async (c) => {
    const p = validate(c, IdParams, c.req.param());
    if (!p.ok) return p.response;
    if ((await t.repository.trunk(p.value.id)) === undefined) return jsonError(c, 404, { error: 'trunk not found' });
    return write(c, p.value.id);
  });

  app.delete('/api/v1/trunks/:id', session, async (c) => {
    const p = validate(c, IdParams, c.req.param());
    if (!p.ok) return p.response;
    const user = (await t.repository.routes()).find((r) => ((r.settings as { trunks?: number[] }).trunks ?? []).includes(p.value.id));
    if (user) return refused(c, `route ${user.name} uses this trunk`);
    if (!(await t.repository.deleteTrunk(p.value.id))) return jsonError(c, 404, { error: 'trunk not found' });
    await t.manager.reload();
    auditTrunks(deps, c, 'trunk.delete', String(p.value.id));
    return c.body(null, 204);
  });

  app.get('/api/v1/cdrs/:id/trunk-attempts', session, async (c) => {
    const id = c.req.param('id');
    const rows = await t.repository.attempts(id);
    return c.json({
      items: rows.map((r) => ({ seq: r.seq, routeId: r.routeId, trunkId: r.trunkId, trunkName: r.trunkName, target: r.target, number: r.number, status: r.status, outcome: r.outcome, startedAt: new Date(r.startedAt).toISOString(), endedAt: iso(r.endedAt) })),
    });
  });

  mountNumberRoutes(app, deps, t);
}
