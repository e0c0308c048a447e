// /api/v1/devices: provisioned desk phones (enrol, list, remove, re-sync), the pending MACs that asked
// for a configuration (approve = enrol; dismiss), and /api/v1/provisioning/templates (each family's
// template, replace with the administrator's version, restore the built-in one). Every change is
// audited; no route ever answers a device's SIP password, and the provisioning password and token
// URL only in the answer to the enrolment.
import type { Context, Hono } from 'hono';
import type { ApiDeps, ApiEnv, DeviceApi } from '../types.js';
import { requireAdmin, requireSession } from '../auth.js';
import { jsonError, readBody, validate } from '../http-errors.js';
import { auditFrom } from './recording-control.js';
import { DeviceEnrol, MacParams, PendingApprove, TemplateParams, TemplateWrite } from '../schemas-devices.js';
import { VARIABLES as VARIABLE_NAMES, type Device, type Enrolled, type Family } from '../../provisioning/index.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function view(api: DeviceApi, device: Device) {
  const r = device.row;
  return {
    mac: r.mac,
    family: r.family as Family,
    model: r.model,
    label: r.label,
    extension: r.extension,
    registered: api.service.registered(device),
    lastSeenAt: iso(r.lastSeenAt),
    lastSource: r.lastSource,
    lastUserAgent: r.lastUserAgent,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

export function mountDeviceRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const api = deps.devices;
  if (api === undefined) return;
  const session = requireSession(deps);
  const admin = requireAdmin();
  const notFound = (c: Context<ApiEnv>, what = 'device') => jsonError(c, 404, { error: `${what} not found` });

  const enrolled = (c: Context<ApiEnv>, e: Enrolled) => {
    const device = api.service.devices.byMac(e.device.mac) as Device;
    const base = api.baseUrl();
    return c.json(
      { device: view(api, device), provisioning: { username: e.provisioningUsername, password: e.provisioningPassword, tokenUrl: base === undefined ? null : `${base}${e.tokenPath}`, tokenPath: e.tokenPath } },
      201,
    );
  };

  const enrol = async (c: Context<ApiEnv>, input: { mac: string; family: Family; extension: string; model?: string | undefined; label?: string | undefined }, pending: boolean) => {
    if (!(await api.extensionExists(input.extension))) return jsonError(c, 400, { error: 'bad device', reason: `no extension ${input.extension}` });
    const e = pending ? await api.service.approve({ ...input, model: input.model ?? null, label: input.label ?? null }) : await api.service.enrol({ ...input, model: input.model ?? null, label: input.label ?? null });
    if (e === undefined) return jsonError(c, 409, { error: 'device exists', reason: `${input.mac} is enrolled already` });
    // the passwords are never audited
    auditFrom(deps, c, { action: pending ? 'device.approve' : 'device.enrol', target: input.mac, detail: { family: input.family, extension: input.extension } });
    return enrolled(c, e);
  };

  app.get('/api/v1/devices', session, (c) => c.json({ items: api.service.devices.list().map((d) => view(api, d)), provisioningUrl: api.baseUrl() ?? null }));

  app.post('/api/v1/devices', session, admin, async (c) => {
    const body = await readBody(c, DeviceEnrol);
    return body.ok ? enrol(c, body.value, false) : body.response;
  });

  app.get('/api/v1/devices/pending', session, async (c) =>
    c.json({
      items: (await api.service.pending()).map((p) => ({ ...p, family: p.family as Family | null, via: p.via as 'http' | 'pnp', firstSeenAt: new Date(p.firstSeenAt).toISOString(), lastSeenAt: new Date(p.lastSeenAt).toISOString() })),
    }),
  );

  app.post('/api/v1/devices/pending/:mac/approve', session, admin, async (c) => {
    const p = validate(c, MacParams, c.req.param());
    if (!p.ok) return p.response;
    const body = await readBody(c, PendingApprove);
    if (!body.ok) return body.response;
    if (!(await api.service.pending()).some((row) => row.mac === p.value.mac)) return notFound(c, 'pending device');
    return enrol(c, { ...body.value, mac: p.value.mac }, true);
  });

  app.delete('/api/v1/devices/pending/:mac', session, admin, async (c) => {
    const p = validate(c, MacParams, c.req.param());
    if (!p.ok) return p.response;
    if (!(await api.service.dismiss(p.value.mac))) return notFound(c, 'pending device');
    auditFrom(deps, c, { action: 'device.dismiss', target: p.value.mac });
    return c.body(null, 204);
  });

  app.get('/api/v1/devices/:mac', session, (c) => {
    const p = validate(c, MacParams, c.req.param());
    if (!p.ok) return p.response;
    const device = api.service.devices.byMac(p.value.mac);
    return device ? c.json(view(api, device)) : notFound(c);
  });

  app.delete('/api/v1/devices/:mac', session, admin, async (c) => {
    const p = validate(c, MacParams, c.req.param());
    if (!p.ok) return p.response;
    if (!(await api.service.devices.remove(p.value.mac))) return notFound(c);
    auditFrom(deps, c, { action: 'device.remove', target: p.value.mac });
    return c.body(null, 204);
  });

  app.post('/api/v1/devices/:mac/resync', session, admin, async (c) => {
    const p = validate(c, MacParams, c.req.param());
    if (!p.ok) return p.response;
    const statuses = await api.service.resync(p.value.mac);
    if (statuses === undefined) return notFound(c);
    auditFrom(deps, c, { action: 'device.resync', target: p.value.mac, detail: { contacts: statuses.length } });
    return c.json({ contacts: statuses.length, statuses });
  });

  app.get('/api/v1/provisioning/templates', session, (c) => c.json({ items: api.service.templates(), variables: [...VARIABLE_NAMES] }));

  app.put('/api/v1/provisioning/templates/:family/:file', session, admin, async (c) => {
    const p = validate(c, TemplateParams, c.req.param());
    if (!p.ok) return p.response;
    const body = await readBody(c, TemplateWrite);
    if (!body.ok) return body.response;
    const saved = await api.service.saveTemplate({ ...p.value, body: body.value.body });
    if (!saved.ok) return jsonError(c, 400, { error: 'bad template', reason: saved.reason });
    auditFrom(deps, c, { action: 'provisioning.template.update', target: `${p.value.family}:${p.value.file}` });
    return c.json(api.service.templates().find((t) => t.family === p.value.family && t.file === p.value.file));
  });

  app.delete('/api/v1/provisioning/templates/:family/:file', session, admin, async (c) => {
    const p = validate(c, TemplateParams, c.req.param());
    if (!p.ok) return p.response;
    await api.service.resetTemplate(p.value);
    auditFrom(deps, c, { action: 'provisioning.template.reset', target: `${p.value.family}:${p.value.file}` });
    return c.body(null, 204);
  });
}
