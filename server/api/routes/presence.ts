// /api/v1/presence/lines: the extensions on a call now and how (RFC 4235 dialog states), the same
// state BLF subscribers get; the registrations screen shows it beside each phone.
import type { Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';

export function mountPresenceRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const presence = deps.presence;
  if (presence === undefined) return;
  app.get('/api/v1/presence/lines', requireSession(deps), (c) => c.json({ items: presence.lines() }));
}
