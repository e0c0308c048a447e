// /api/v1/users (security admins): accounts, their roles, linked extensions and supervisor scope,
// password resets (a one-time password, shown once) and MFA resets; /api/v1/security/policy: the
// policy profile. Every change is audited; a role change names the roles before and after.
import type { Context, Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import type { AdminUser } from '../../store/index.js';
import { POLICY_PROFILES, policyProfiles, separationConflict, type UserRole } from '../../users/index.js';
import type { AccessControl } from '../access.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { PolicyChange, UserCreate, UserParams, UserPatch } from '../schemas-users.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function userJson(u: AdminUser) {
  return {
    id: u.id,
    username: u.username,
    roles: [...u.roles],
    displayName: u.displayName,
    extensions: [...u.extensions],
    queues: [...u.queues],
    teams: [...u.teams],
    disabled: u.disabled,
    mfaEnabled: u.totpEnabled,
    mustChangePassword: u.mustChangePassword,
    directory: u.directory,
    passwordChangedAt: iso(u.passwordChangedAt),
    createdAt: new Date(u.createdAt).toISOString(),
    updatedAt: new Date(u.updatedAt).toISOString(),
  };
}

const oneTimePassword = () => randomBytes(12).toString('base64url');

export function mountUserRoutes(app: Hono<ApiEnv>, deps: ApiDeps, access: AccessControl): void {
  const users = deps.repositories.adminUsers;
  const audit = (c: Context<ApiEnv>, action: string, target: string, detail?: Record<string, unknown>) => {
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action, target, ...(source !== undefined ? { source } : {}), ...(detail ? { detail } : {}) });
  };
  /** 400 reasons, with the request field they are about (the console shows them under it): three-way separation under mlps3, extensions that do not exist */
  const problem = async (o: { roles?: readonly UserRole[]; extensions?: readonly string[] }): Promise<{ reason: string; field: string } | undefined> => {
    const policy = await access.policy.current();
    if (o.roles && policy.separationOfDuties) {
      const conflict = separationConflict(o.roles);
      if (conflict !== undefined) return { reason: conflict, field: 'roles' };
    }
    for (const n of o.extensions ?? []) if (!(await deps.repositories.extensions.get(n))) return { reason: `extension ${n} does not exist`, field: 'extensions' };
    return undefined;
  };
  /** a security admin must remain, or nobody could manage users again */
  const wouldLeaveNoSecurityAdmin = async (changed: AdminUser, next: { roles?: readonly UserRole[]; disabled?: boolean; deleted?: boolean }) => {
    if (!changed.roles.includes('security-admin')) return false;
    const stays = !next.deleted && next.disabled !== true && (next.roles ?? changed.roles).includes('security-admin');
    if (stays) return false;
    const others = (await users.list()).filter((u) => u.id !== changed.id && !u.disabled && u.roles.includes('security-admin'));
    return others.length === 0;
  };
  const lastSecurityAdmin = (c: Context) => jsonError(c, 409, { error: 'last security admin', reason: 'another enabled security admin must exist first' });

  app.get('/api/v1/users', async (c) => c.json({ items: (await users.list()).map(userJson) }));

  app.post('/api/v1/users', async (c) => {
    const body = await readBody(c, UserCreate);
    if (!body.ok) return body.response;
    const { password, ...rest } = body.value;
    const why = await problem(rest);
    if (why !== undefined) return jsonError(c, 400, { error: 'refused', ...why });
    const generated = password === undefined ? oneTimePassword() : undefined;
    const created = await users.create({ ...rest, password: password ?? generated ?? '', mustChangePassword: generated !== undefined });
    if (!created) return jsonError(c, 409, { error: 'username taken' });
    audit(c, 'user.create', created.username, { roles: created.roles, extensions: created.extensions });
    return c.json({ ...userJson(created), ...(generated !== undefined ? { oneTimePassword: generated } : {}) }, 201);
  });

  app.get('/api/v1/users/:id', async (c) => {
    const p = validate(c, UserParams, c.req.param());
    if (!p.ok) return p.response;
    const found = await users.get(p.value.id);
    return found ? c.json(userJson(found)) : jsonError(c, 404, { error: 'user not found' });
  });

  app.patch('/api/v1/users/:id', async (c) => {
    const p = validate(c, UserParams, c.req.param());
    if (!p.ok) return p.response;
    const body = await readBody(c, UserPatch);
    if (!body.ok) return body.response;
    const before = await users.get(p.value.id);
    if (!before) return jsonError(c, 404, { error: 'user not found' });
    const why = await problem(body.value);
    if (why !== undefined) return jsonError(c, 400, { error: 'refused', ...why });
    if (await wouldLeaveNoSecurityAdmin(before, body.value)) return lastSecurityAdmin(c);
    const after = await users.update(before.id, body.value);
    if (!after) return jsonError(c, 404, { error: 'user not found' });
    if (body.value.roles !== undefined && before.roles.join() !== after.roles.join()) {
      audit(c, 'user.roles', after.username, { from: before.roles, to: after.roles });
    }
    if (body.value.disabled !== undefined && before.disabled !== after.disabled) {
      audit(c, after.disabled ? 'user.disable' : 'user.enable', after.username);
      if (after.disabled) await deps.repositories.sessions.revokeAllForUser(after.id);
    }
    const other = Object.keys(body.value).filter((k) => k !== 'roles' && k !== 'disabled');
    if (other.length > 0) audit(c, 'user.update', after.username, { fields: other, extensions: after.extensions, queues: after.queues, teams: after.teams });
    return c.json(userJson(after));
  });

  app.delete('/api/v1/users/:id', async (c) => {
    const p = validate(c, UserParams, c.req.param());
    if (!p.ok) return p.response;
    const found = await users.get(p.value.id);
    if (!found) return jsonError(c, 404, { error: 'user not found' });
    if (found.id === c.get('auth').user.id) return jsonError(c, 409, { error: 'cannot delete yourself' });
    if (await wouldLeaveNoSecurityAdmin(found, { deleted: true })) return lastSecurityAdmin(c);
    await users.delete(found.id);
    audit(c, 'user.delete', found.username, { roles: found.roles });
    return c.body(null, 204);
  });

  app.post('/api/v1/users/:id/password', async (c) => {
    const p = validate(c, UserParams, c.req.param());
    if (!p.ok) return p.response;
    const found = await users.get(p.value.id);
    if (!found) return jsonError(c, 404, { error: 'user not found' });
    const password = oneTimePassword();
    await users.setPassword(found.id, password, { mustChangePassword: true });
    await deps.repositories.sessions.revokeAllForUser(found.id);
    audit(c, 'user.password-reset', found.username);
    c.header('Cache-Control', 'no-store');
    return c.json({ oneTimePassword: password });
  });

  app.delete('/api/v1/users/:id/mfa', async (c) => {
    const p = validate(c, UserParams, c.req.param());
    if (!p.ok) return p.response;
    const found = await users.get(p.value.id);
    if (!found) return jsonError(c, 404, { error: 'user not found' });
    await users.clearTotp(found.id);
    await deps.repositories.userSecurity.clearRecoveryCodes(found.id);
    await deps.repositories.sessions.revokeAllForUser(found.id);
    audit(c, 'user.mfa-reset', found.username);
    return c.body(null, 204);
  });

  app.get('/api/v1/security/policy', async (c) => c.json({ current: await access.policy.current(), profiles: policyProfiles.map((p) => POLICY_PROFILES[p]) }));

  app.put('/api/v1/security/policy', async (c) => {
    const body = await readBody(c, PolicyChange);
    if (!body.ok) return body.response;
    const before = (await access.policy.current()).profile;
    const refused = await access.policy.set({ profile: body.value.profile, by: c.get('auth').user.username, users: await users.list() });
    if (refused !== undefined) return jsonError(c, 400, { error: 'refused', reason: refused, field: 'profile' });
    audit(c, 'policy.change', 'security-profile', { from: before, to: body.value.profile });
    return c.json({ current: await access.policy.current(), profiles: policyProfiles.map((p) => POLICY_PROFILES[p]) });
  });
}
