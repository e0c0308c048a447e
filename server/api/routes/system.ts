// GET /api/v1/audit (admins: the hash-chained log, newest first) and GET /api/v1/system/status
// (admins and supervisors: listeners, workers, counts and a metrics summary).
import type { Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, validate } from '../http-errors.js';
import { AuditQuery } from '../schemas-system.js';

export function mountSystemRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  app.get('/api/v1/audit', requireSession(deps), async (c) => {
    if (!deps.auditLog) return jsonError(c, 404, { error: 'not found', reason: 'no audit log in this process' });
    const q = validate(c, AuditQuery, c.req.query());
    if (!q.ok) return q.response;
    const { limit, offset, from, to, ...rest } = q.value;
    // rows are written in the background: what was just done (the reader's own look-up) is listed
    await deps.audit.settled?.();
    // one more than asked says whether another page exists, without counting the whole log
    const rows = await deps.auditLog.list({ ...rest, ...(from !== undefined ? { since: from } : {}), ...(to !== undefined ? { until: to } : {}), limit: limit + 1, offset });
    const items = rows.slice(0, limit).map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
    return c.json({ items, limit, offset, more: rows.length > limit });
  });

  app.get('/api/v1/system/status', requireSession(deps), async (c) => {
    if (!deps.system) return jsonError(c, 404, { error: 'not found', reason: 'no system status in this process' });
    c.header('Cache-Control', 'no-store');
    return c.json(await deps.system.status());
  });
}
