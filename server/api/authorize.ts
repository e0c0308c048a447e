// One check in front of every route: find the route hono matched, look up the permission it needs
// (server/users/route-permissions.ts; a route without an entry needs 'unclassified', which only
// admins hold), resolve the caller and answer 401 or 403 before any handler runs. Handlers never
// decide who may call them; they may narrow further by data (an agent's own extensions).
import type { Context, MiddlewareHandler } from 'hono';
import { routeAccess, type RouteAccess } from '../users/index.js';
import type { AccessControl, Principal } from './access.js';
import type { ApiEnv } from './types.js';
import { jsonError, remoteAddress } from './http-errors.js';
import { bearerOrCookie, passwordChangeRequired } from './auth.js';
import { EVENTS_PATH } from './events.js';

/** The method and path pattern of the endpoint hono will run (the first non-middleware match). */
export function matchedEndpoint(c: Context): { method: string; path: string } | undefined {
  const route = c.req.matchedRoutes.find((r) => r.method !== 'ALL');
  return route ? { method: route.method, path: route.path } : undefined;
}

export function mfaEnrolmentRequired(c: Context): Response {
  return jsonError(c, 403, {
    error: 'mfa enrolment required',
    reason: 'this role signs in with a second factor: enrol TOTP first (POST /api/v1/auth/mfa/totp/enrol)',
    mfaEnrolmentRequired: true,
  });
}

/** Why the principal may not use a route with this access, or undefined when it may. */
export function refusal(p: Principal, access: RouteAccess, path: string): 'pending' | 'forbidden' | undefined {
  if (access === 'public') return undefined;
  if (p.via === 'token') {
    // tokens are for integrations: their permissions and the event stream, never the account itself
    if (access === 'account') return 'forbidden';
    if (access === 'signed-in') return path === EVENTS_PATH ? undefined : 'forbidden';
    return p.permissions.has(access) ? undefined : 'forbidden';
  }
  if (access === 'account') return undefined;
  if (p.pending !== undefined) return 'pending';
  if (access === 'signed-in') return undefined;
  return p.permissions.has(access) ? undefined : 'forbidden';
}

export function authorize(o: { access: AccessControl; touch: (p: Principal) => Promise<void> }): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const endpoint = matchedEndpoint(c);
    // nothing matched: hono's 404 answers; outside the API (console files): not ours to guard
    if (endpoint === undefined || !endpoint.path.startsWith('/api/')) return next();
    const access = routeAccess(endpoint.method, endpoint.path);
    if (access === 'public') return next();
    const token = bearerOrCookie(c);
    const resolved = token === undefined ? undefined : await o.access.resolve({ token, source: remoteAddress(c) });
    if (!resolved?.ok) return jsonError(c, 401, { error: 'unauthorized', ...(resolved ? { reason: resolved.reason } : {}) });
    const p = resolved.principal;
    const why = refusal(p, access, endpoint.path);
    if (why === 'pending') return p.pending === 'password-change' ? passwordChangeRequired(c) : mfaEnrolmentRequired(c);
    if (why === 'forbidden') return jsonError(c, 403, { error: 'forbidden', reason: `needs the ${access} permission` });
    if (p.via === 'session') await o.touch(p);
    c.set('auth', p);
    await next();
  };
}
