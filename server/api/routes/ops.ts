// Health, readiness, metrics, registrations and the OpenAPI document.
import type { Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { bearerOrCookie, requireSession } from '../auth.js';
import { isLoopback, jsonError, remoteAddress } from '../http-errors.js';
import { buildOpenApiDocument } from '../openapi.js';
import { timingSafeEqual } from 'node:crypto';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function mountOpsRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', (c) => (deps.ready() ? c.json({ status: 'ready' }) : c.json({ status: 'not ready' }, 503)));

  // Prometheus scrapes from the same host (or through a local agent) without credentials; a remote
  // scraper needs the metrics token, or an admin session.
  app.get('/metrics', async (c) => {
    if (!isLoopback(remoteAddress(c))) {
      const token = bearerOrCookie(c);
      const allowed =
        token !== undefined &&
        ((deps.metricsToken !== undefined && sameSecret(token, deps.metricsToken)) ||
          (await deps.repositories.sessions.findValid(token)) !== undefined);
      if (!allowed) return jsonError(c, 401, { error: 'unauthorized' });
    }
    const text = await deps.metrics.registry.metrics();
    return c.body(text, 200, { 'Content-Type': deps.metrics.registry.contentType });
  });

  let document: Record<string, unknown> | undefined;
  app.get('/api/v1/openapi.json', (c) => c.json((document ??= buildOpenApiDocument())));

  app.get('/api/v1/registrations', requireSession(deps), async (c) => {
    const items = await deps.registrations.list();
    return c.json({ items });
  });
}
