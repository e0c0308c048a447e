// /api/v1/extensions: SIP extension CRUD. Responses never carry the password or HA1 values.
import type { Context, Hono } from 'hono';
import type { Extension } from '../../store/index.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { ExtensionCreate, ExtensionParams, ExtensionPatch, Pagination } from '../schemas.js';

function view(e: Extension) {
  return {
    number: e.number,
    displayName: e.displayName,
    realm: e.realm,
    permissions: e.permissions,
    createdAt: new Date(e.createdAt).toISOString(),
    updatedAt: new Date(e.updatedAt).toISOString(),
  };
}

function audit(deps: ApiDeps, c: Context<ApiEnv>, action: string, target: string, detail?: Record<string, unknown>) {
  const source = remoteAddress(c);
  deps.audit.record({
    actor: c.get('auth').user.username,
    action,
    target,
    ...(source !== undefined ? { source } : {}),
    ...(detail ? { detail } : {}),
  });
}

export function mountExtensionRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const repo = deps.repositories.extensions;
  const session = requireSession(deps);

  app.get('/api/v1/extensions', session, async (c) => {
    const page = validate(c, Pagination, c.req.query());
    if (!page.ok) return page.response;
    const { items, total } = await repo.list(page.value);
    return c.json({ items: items.map(view), total, limit: page.value.limit, offset: page.value.offset });
  });

  app.post('/api/v1/extensions', session, async (c) => {
    const body = await readBody(c, ExtensionCreate);
    if (!body.ok) return body.response;
    const { number, password, displayName, permissions } = body.value;
    const created = await repo.create({
      number,
      password,
      realm: deps.realm,
      displayName: displayName ?? null,
      ...(permissions !== undefined ? { permissions } : {}),
    });
    if (!created) return jsonError(c, 409, { error: 'extension exists' });
    audit(deps, c, 'extension.create', number, { displayName: displayName ?? null, permissions: created.permissions });
    return c.json(view(created), 201);
  });

  app.get('/api/v1/extensions/:number', session, async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    const found = await repo.get(params.value.number);
    return found ? c.json(view(found)) : jsonError(c, 404, { error: 'extension not found' });
  });

  app.patch('/api/v1/extensions/:number', session, async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    const body = await readBody(c, ExtensionPatch);
    if (!body.ok) return body.response;
    const { password, displayName, permissions } = body.value;
    const updated = await repo.update(params.value.number, {
      ...(displayName !== undefined ? { displayName } : {}),
      ...(password !== undefined ? { credentials: { password, realm: deps.realm } } : {}),
      ...(permissions !== undefined ? { permissions } : {}),
    });
    if (!updated) return jsonError(c, 404, { error: 'extension not found' });
    // a change of what an extension may dial is a security-relevant fact: the audit keeps the new set
    audit(deps, c, 'extension.update', updated.number, {
      fields: [
        ...(password !== undefined ? ['password'] : []),
        ...(displayName !== undefined ? ['displayName'] : []),
        ...(permissions !== undefined ? ['permissions'] : []),
      ],
      ...(permissions !== undefined ? { permissions: updated.permissions } : {}),
    });
    return c.json(view(updated));
  });

  app.delete('/api/v1/extensions/:number', session, async (c) => {
    const params = validate(c, ExtensionParams, c.req.param());
    if (!params.ok) return params.response;
    if (!(await repo.delete(params.value.number))) return jsonError(c, 404, { error: 'extension not found' });
    // its call handling row went with it (ON DELETE CASCADE)
    deps.callHandling?.forget();
    audit(deps, c, 'extension.delete', params.value.number);
    return c.body(null, 204);
  });
}
