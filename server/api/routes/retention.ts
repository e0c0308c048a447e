// /api/v1/retention: the recording retention policies (admins), and a purge run on demand (the
// job runs on its own every HAILING_RETENTION_PURGE_INTERVAL_MS). Changes are audited; in WORM
// mode a policy can only be added or lengthened.
import type { Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, validate } from '../http-errors.js';
import { PolicyParams, RetentionPolicyWrite } from '../schemas-compliance.js';
import { auditFrom } from './recording-control.js';

const unique = (err: unknown): boolean => /UNIQUE/i.test(String((err as { cause?: unknown }).cause ?? err));

export function mountRetentionRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const session = requireSession(deps);
  const missing = { error: 'not found', reason: 'recording retention is not configured on this server' };

  app.get('/api/v1/retention', session, async (c) => {
    const r = deps.retention;
    if (r === undefined) return jsonError(c, 404, missing);
    return c.json({ worm: r.service.worm, defaultDays: r.service.defaultDays, policies: await r.repository.listPolicies() });
  });

  app.post('/api/v1/retention/policies', session, async (c) => {
    const body = await readBody(c, RetentionPolicyWrite);
    if (!body.ok) return body.response;
    if (deps.retention === undefined) return jsonError(c, 404, missing);
    try {
      const created = await deps.retention.repository.createPolicy(body.value);
      auditFrom(deps, c, { action: 'retention.policy.create', target: String(created.id), detail: { ...body.value } });
      return c.json(created, 201);
    } catch (err) {
      if (unique(err)) return jsonError(c, 409, { error: 'conflict', reason: 'a policy with that name exists' });
      throw err;
    }
  });

  app.put('/api/v1/retention/policies/:id', session, async (c) => {
    const params = validate(c, PolicyParams, c.req.param());
    if (!params.ok) return params.response;
    const body = await readBody(c, RetentionPolicyWrite);
    if (!body.ok) return body.response;
    if (deps.retention === undefined) return jsonError(c, 404, missing);
    const done = await deps.retention.service.updatePolicy(params.value.id, body.value);
    if (!done.ok) return jsonError(c, done.status, { error: done.status === 409 ? 'refused' : 'not found', reason: done.reason });
    auditFrom(deps, c, { action: 'retention.policy.update', target: String(params.value.id), detail: { ...body.value } });
    return c.json(done.value);
  });

  app.delete('/api/v1/retention/policies/:id', session, async (c) => {
    const params = validate(c, PolicyParams, c.req.param());
    if (!params.ok) return params.response;
    if (deps.retention === undefined) return jsonError(c, 404, missing);
    const done = await deps.retention.service.deletePolicy(params.value.id);
    if (!done.ok) return jsonError(c, done.status, { error: done.status === 409 ? 'refused' : 'not found', reason: done.reason });
    auditFrom(deps, c, { action: 'retention.policy.delete', target: String(params.value.id) });
    return c.body(null, 204);
  });

  app.post('/api/v1/retention/purge', session, async (c) => {
    if (deps.retention === undefined) return jsonError(c, 404, missing);
    const report = await deps.retention.service.purge();
    auditFrom(deps, c, { action: 'retention.purge.run', detail: { ...report } });
    return c.json(report);
  });
}
