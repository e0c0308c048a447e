// /api/v1/extensions/{number}/call-handling: an extension's DND and call forwarding. A forward to
// itself, or to a number that is no extension and that the dial plan does not let the extension
// dial (a route out it has the class for), is refused with 400; longer forward loops
// (1002 → 1003 → 1002) are cut at run time after a bounded number of hops, with a recorded cause.
import type { Context, Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { ExtensionParams } from '../schemas.js';
import { CallHandling, PickupGroup } from '../schemas-dialplan.js';
import type { ResolvedStep } from '../../calls/dialplan/resolver.js';

/** An agent sets DND and forwarding on the extensions linked to it; who may edit extensions, on any. */
function mayHandle(c: Context<ApiEnv>, number: string): boolean {
  const { permissions, user } = c.get('auth');
  return permissions.has('extensions.write') || user.extensions.includes(number);
}
const notYours = (c: Context<ApiEnv>) => jsonError(c, 403, { error: 'forbidden', reason: 'not one of your extensions' });

export function mountCallHandlingRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const handling = deps.callHandling;
  if (handling === undefined) return;
  const extensions = deps.repositories.extensions;
  const path = '/api/v1/extensions/:number/call-handling';
  /** the class a route step of `steps` needs and `number` lacks (the trunk dialer's own check at run time); null: none */
  const routeRefusal = async (steps: readonly ResolvedStep[], number: string): Promise<string | null> => {
    const routes = (await deps.trunks?.repository.routes()) ?? [];
    const classes = (await extensions.get(number))?.permissions ?? [];
    for (const { destination: d } of steps) {
      // the call layer runs only routes for a forward (an entry leading back to an extension could loop)
      if (d.kind !== 'route') return `the plan sends it to a '${d.kind}' step; a forward outside goes out through a route`;
      const route = d.kind === 'route' ? routes.find((r) => r.id === d.route) : undefined;
      const needs = (route?.settings as { permission?: string } | undefined)?.permission;
      if (route && needs !== undefined && needs !== 'emergency' && !(classes as readonly string[]).includes(needs)) return `route ${route.name} needs the '${needs}' class`;
    }
    return null;
  };

  app.get(path, requireSession(deps), async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    if (!mayHandle(c, params.value.number)) return notYours(c);
    if ((await extensions.get(params.value.number)) === undefined) return jsonError(c, 404, { error: 'extension not found' });
    return c.json(await handling.get(params.value.number));
  });

  app.put(path, requireSession(deps), async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    const number = params.value.number;
    if (!mayHandle(c, number)) return notYours(c);
    if ((await extensions.get(number)) === undefined) return jsonError(c, 404, { error: 'extension not found' });
    const body = await readBody(c, CallHandling);
    if (!body.ok) return body.response;
    for (const target of [body.value.forwardAlways, body.value.forwardBusy, body.value.forwardNoAnswer]) {
      if (target === null) continue;
      if (target === number) return jsonError(c, 400, { error: 'bad call handling', reason: `loop: ${number} forwards to itself` });
      if ((await extensions.get(target)) !== undefined) continue;
      // a number outside (a mobile through a trunk) is kept when the plan lets this extension dial it
      const out = await deps.dialPlan?.service.resolve(number, target);
      const why = out === undefined ? null : out.failure !== null ? out.failure.cause : await routeRefusal(out.steps, number);
      if (out === undefined || why !== null)
        return jsonError(c, 400, { error: 'bad call handling', reason: `unknown destination: unknown extension ${target}${why !== null ? `, and extension ${number} may not dial it (${why})` : ''}` });
    }
    await handling.set(number, body.value);
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action: 'extension.call-handling', target: number, ...(source !== undefined ? { source } : {}), detail: { ...body.value } });
    return c.json(await handling.get(number));
  });

  // the call pickup group: its own resource, so the call-handling settings keep their shape
  const groupPath = '/api/v1/extensions/:number/pickup-group';
  app.get(groupPath, requireSession(deps), async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    if ((await extensions.get(params.value.number)) === undefined) return jsonError(c, 404, { error: 'extension not found' });
    return c.json({ group: await handling.pickupGroup(params.value.number) });
  });

  app.put(groupPath, requireSession(deps), async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    const number = params.value.number;
    if (!mayHandle(c, number)) return notYours(c);
    if ((await extensions.get(number)) === undefined) return jsonError(c, 404, { error: 'extension not found' });
    const body = await readBody(c, PickupGroup);
    if (!body.ok) return body.response;
    await handling.setPickupGroup(number, body.value.group);
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action: 'extension.pickup-group', target: number, ...(source !== undefined ? { source } : {}), detail: { group: body.value.group } });
    return c.json({ group: await handling.pickupGroup(number) });
  });
}
