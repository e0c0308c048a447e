// GET /api/v1/events over plain HTTP. The WebSocket itself is served from the HTTP server's
// 'upgrade' event (../events.ts); a request that reaches hono did not ask to upgrade, or the server
// runs without the events endpoint, so it gets 426 naming the protocol to use (RFC 9110 §15.5.22).
import type { Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { EVENTS_PATH } from '../events.js';

export function mountEventRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  app.get(EVENTS_PATH, requireSession(deps), (c) =>
    c.json({ error: 'upgrade required', reason: 'connect with a WebSocket client' }, 426, { Upgrade: 'websocket', Connection: 'Upgrade' }),
  );
}
