// A supervisor given queues or teams sees only the calls that touched them (issue 14): call records
// and live calls that waited in one of its queues, were handled by one of its agents, or that one of
// those agents' extensions made or took (server/acd/scope.ts). Lists are narrowed where they are
// built (cdrs.ts, calls.ts); every route about one call record (/cdrs/:id and below: recording,
// transcript, tags, reveal …) or one live call (/calls/:id/…) is checked here, once, after the
// authorizer, so a route added under those paths is narrowed without thinking about it.
import type { Context, MiddlewareHandler } from 'hono';
import { callTouchOf, liveCallTest, type CallTouch } from '../acd/scope.js';
import type { Principal } from './access.js';
import { matchedEndpoint } from './authorize.js';
import { floorScopeOf } from './floor-scope.js';
import { jsonError } from './http-errors.js';
import type { ApiDeps, ApiEnv } from './types.js';

/** what this caller's call records are narrowed to; undefined: every call (admins, unscoped supervisors, other roles) */
export function callTouchOfPrincipal(deps: ApiDeps, p: Principal): CallTouch | undefined {
  const scope = floorScopeOf(p);
  if (scope === undefined) return undefined;
  // without an ACD there are no agents to expand teams into: the queues alone
  return deps.acd === undefined ? { queues: [...scope.queues], agents: [], extensions: [] } : callTouchOf(deps.acd.acd, scope);
}

type LiveCall = { readonly id: string; readonly caller: string; readonly callee: string };

/** which calls in progress the caller may see (their numbers, or where the ACD holds them now), tested in one pass */
export function liveCallsVisible(deps: ApiDeps, p: Principal): (call: LiveCall) => boolean {
  const scope = floorScopeOf(p);
  if (scope === undefined) return () => true;
  return deps.acd === undefined ? () => false : liveCallTest(deps.acd.acd, scope);
}

/** whether the caller may see this call in progress */
export const liveCallVisible = (deps: ApiDeps, p: Principal, call: LiveCall): boolean => liveCallsVisible(deps, p)(call);

const CDR_PATH = /^\/api\/v1\/cdrs\/([^/]+)/;
const CALL_PATH = /^\/api\/v1\/calls\/([^/]+)\//;

const notYours = (c: Context, what: string) => jsonError(c, 403, { error: 'forbidden', reason: `${what} is not one you oversee` });

function idIn(path: string, pattern: RegExp): string | undefined {
  const raw = pattern.exec(path)?.[1];
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined; // the route's own validation answers 400
  }
}

/**
 * 403 `call record <id> is not one you oversee` / `call <id> is not one you oversee` for a scoped
 * caller. An unknown id passes to the route, which answers 404 as it does for everyone.
 */
export function scopeCallRoutes(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const endpoint = matchedEndpoint(c);
    const p = c.get('auth') as Principal | undefined;
    if (endpoint === undefined || p === undefined) return next();
    if (endpoint.path.startsWith('/api/v1/cdrs/:id')) {
      const id = idIn(c.req.path, CDR_PATH);
      const touch = callTouchOfPrincipal(deps, p);
      if (id !== undefined && touch !== undefined && !(await deps.callRecords.touching([id], touch)).has(id) && (await deps.callRecords.get(id)) !== undefined) {
        return notYours(c, `call record ${id}`);
      }
    } else if (endpoint.path.startsWith('/api/v1/calls/:id/')) {
      const id = idIn(c.req.path, CALL_PATH);
      const call = id === undefined ? undefined : deps.liveCalls?.list().find((v) => v.id === id);
      if (call !== undefined && !liveCallVisible(deps, p, call)) return notYours(c, `call ${call.id}`);
    }
    return next();
  };
}
