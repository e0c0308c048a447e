// /api/v1/auth/tokens: the signed-in user's API tokens for integrations. A token is named, carries
// a subset of its owner's permissions, expires, is shown once and stored as SHA-256 only, can be
// revoked, and records when and from where it was last used. Tokens cannot manage tokens.
import type { Hono } from 'hono';
import type { ApiToken } from '../../store/index.js';
import { permissionsOf } from '../../users/index.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { TokenCreate, TokenParams } from '../schemas-users.js';

const DAY_MS = 24 * 3600_000;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function tokenJson(t: ApiToken) {
  return {
    id: t.id,
    name: t.name,
    permissions: [...t.permissions],
    createdAt: new Date(t.createdAt).toISOString(),
    expiresAt: new Date(t.expiresAt).toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    lastUsedFrom: t.lastUsedFrom,
    revokedAt: iso(t.revokedAt),
  };
}

export function mountTokenRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const repo = deps.repositories.userSecurity;
  const now = deps.now ?? Date.now;

  app.get('/api/v1/auth/tokens', async (c) => c.json({ items: (await repo.listTokens(c.get('auth').user.id)).map(tokenJson) }));

  app.post('/api/v1/auth/tokens', async (c) => {
    const body = await readBody(c, TokenCreate);
    if (!body.ok) return body.response;
    const { user } = c.get('auth');
    const own = new Set<string>(permissionsOf(user.roles));
    const beyond = body.value.permissions.filter((p) => !own.has(p));
    if (beyond.length > 0) return jsonError(c, 400, { error: 'refused', reason: `your roles do not grant ${beyond.join(', ')}` });
    const { token, view } = await repo.createToken({ userId: user.id, name: body.value.name, permissions: body.value.permissions, expiresAt: now() + body.value.expiresInDays * DAY_MS });
    const source = remoteAddress(c);
    deps.audit.record({ actor: user.username, action: 'token.create', target: view.id, ...(source !== undefined ? { source } : {}), detail: { name: view.name, permissions: view.permissions, expiresAt: iso(view.expiresAt) } });
    c.header('Cache-Control', 'no-store');
    return c.json({ ...tokenJson(view), token }, 201);
  });

  app.delete('/api/v1/auth/tokens/:id', async (c) => {
    const p = validate(c, TokenParams, c.req.param());
    if (!p.ok) return p.response;
    const { user } = c.get('auth');
    if (!(await repo.revokeToken(user.id, p.value.id))) return jsonError(c, 404, { error: 'token not found' });
    const source = remoteAddress(c);
    deps.audit.record({ actor: user.username, action: 'token.revoke', target: p.value.id, ...(source !== undefined ? { source } : {}) });
    return c.body(null, 204);
  });
}
