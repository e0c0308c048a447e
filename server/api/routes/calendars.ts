// /api/v1/calendars: business calendars (weekly hours, holidays, working-day overrides), a year's
// rules imported from or exported to a file (docs/calendars.md), "copy from last year", and
// GET /api/v1/calendars/:id/at?time=… answering open or closed and why. Every write is checked whole
// before one row is written: a refused file changes nothing.
import type { Context, Hono } from 'hono';
import type { StoredCalendar } from '../../store/index.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate, validationFailed } from '../http-errors.js';
import { CalendarSpec, YEAR_FILE_FORMAT, at, copyYear, importYear, type DayRule } from '../../calendars/index.js';
import { CalendarAtQuery, CalendarParams, CopyYear, ExportQuery, YearFile } from '../schemas-calendars.js';

function view(c: StoredCalendar) {
  return { ...c, createdAt: new Date(c.createdAt).toISOString(), updatedAt: new Date(c.updatedAt).toISOString() };
}

/** the dial plan entries whose steps branch on calendar `id` */
async function usersOf(deps: ApiDeps, id: number): Promise<number[]> {
  const rows = (await deps.dialPlan?.repository.list()) ?? [];
  return rows.filter((r) => r.steps.some((s) => s.kind === 'calendar' && s.calendar === id)).map((r) => r.id);
}

export function mountCalendarRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const repo = deps.calendars;
  if (repo === undefined) return;
  const session = requireSession(deps);
  const now = deps.now ?? Date.now;
  const audit = (c: Context<ApiEnv>, action: string, target: string, detail?: Record<string, unknown>) => {
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action, target, ...(source !== undefined ? { source } : {}), ...(detail ? { detail } : {}) });
  };
  const found = async (c: Context<ApiEnv>) => {
    const params = validate(c, CalendarParams, c.req.param());
    if (!params.ok) return params;
    const calendar = await repo.get(params.value.id);
    return calendar ? { ok: true as const, value: calendar } : { ok: false as const, response: jsonError(c, 404, { error: 'calendar not found' }) };
  };
  const nameTaken = async (name: string, except?: number) => {
    const other = await repo.byName(name);
    return other !== undefined && other.id !== except;
  };
  /** the calendar with new rules, checked whole as a write would be */
  const withDays = (c: Context<ApiEnv>, cal: StoredCalendar, days: readonly DayRule[]) => {
    const r = CalendarSpec.safeParse({ name: cal.name, timeZone: cal.timeZone, weekly: cal.weekly, days });
    return r.success ? { ok: true as const, value: r.data } : { ok: false as const, response: validationFailed(c, r.error) };
  };

  app.get('/api/v1/calendars', session, async (c) => c.json({ items: (await repo.list()).map(view) }));

  app.post('/api/v1/calendars', session, async (c) => {
    const body = await readBody(c, CalendarSpec);
    if (!body.ok) return body.response;
    if (await nameTaken(body.value.name)) return jsonError(c, 409, { error: 'calendar name taken', reason: `a calendar named '${body.value.name}' exists` });
    const created = await repo.create(body.value);
    audit(c, 'calendar.create', String(created.id), { name: created.name });
    return c.json(view(created), 201);
  });

  app.get('/api/v1/calendars/:id', session, async (c) => {
    const cal = await found(c);
    return cal.ok ? c.json(view(cal.value)) : cal.response;
  });

  app.put('/api/v1/calendars/:id', session, async (c) => {
    const cal = await found(c);
    if (!cal.ok) return cal.response;
    const body = await readBody(c, CalendarSpec);
    if (!body.ok) return body.response;
    if (await nameTaken(body.value.name, cal.value.id)) return jsonError(c, 409, { error: 'calendar name taken', reason: `a calendar named '${body.value.name}' exists` });
    const updated = await repo.update(cal.value.id, body.value);
    if (!updated) return jsonError(c, 404, { error: 'calendar not found' });
    audit(c, 'calendar.update', String(updated.id), { name: updated.name });
    return c.json(view(updated));
  });

  app.delete('/api/v1/calendars/:id', session, async (c) => {
    const cal = await found(c);
    if (!cal.ok) return cal.response;
    const users = await usersOf(deps, cal.value.id);
    if (users.length > 0) return jsonError(c, 409, { error: 'calendar in use', reason: `dial plan entries ${users.join(', ')} branch on it` });
    if (!(await repo.delete(cal.value.id))) return jsonError(c, 404, { error: 'calendar not found' });
    audit(c, 'calendar.delete', String(cal.value.id), { name: cal.value.name });
    return c.body(null, 204);
  });

  app.get('/api/v1/calendars/:id/at', session, async (c) => {
    const cal = await found(c);
    if (!cal.ok) return cal.response;
    const q = validate(c, CalendarAtQuery, c.req.query());
    if (!q.ok) return q.response;
    const checked = withDays(c, cal.value, cal.value.days as DayRule[]);
    if (!checked.ok) return checked.response;
    const instant = q.value.time === undefined ? now() : Date.parse(q.value.time);
    return c.json({ calendar: cal.value.id, time: new Date(instant).toISOString(), ...at({ calendar: checked.value, instant }) });
  });

  app.post('/api/v1/calendars/:id/import', session, async (c) => {
    const cal = await found(c);
    if (!cal.ok) return cal.response;
    const file = await readBody(c, YearFile);
    if (!file.ok) return file.response;
    const before = cal.value.days as DayRule[];
    const next = withDays(c, cal.value, importYear({ days: before, file: file.value }));
    if (!next.ok) return next.response;
    const updated = await repo.update(cal.value.id, { days: next.value.days });
    if (!updated) return jsonError(c, 404, { error: 'calendar not found' });
    const imported = next.value.days.filter((d) => d.date.startsWith(`${file.value.year}-`)).length;
    const replaced = before.filter((d) => d.date.startsWith(`${file.value.year}-`)).length;
    audit(c, 'calendar.import', String(cal.value.id), { year: file.value.year, imported, replaced, ...(file.value.source !== undefined ? { source: file.value.source } : {}) });
    return c.json({ imported, replaced, calendar: view(updated) });
  });

  app.get('/api/v1/calendars/:id/export', session, async (c) => {
    const cal = await found(c);
    if (!cal.ok) return cal.response;
    const q = validate(c, ExportQuery, c.req.query());
    if (!q.ok) return q.response;
    const days = (cal.value.days as DayRule[]).filter((d) => d.date.startsWith(`${q.value.year}-`));
    return c.json({ format: YEAR_FILE_FORMAT, year: q.value.year, region: cal.value.name, days });
  });

  app.post('/api/v1/calendars/:id/copy-year', session, async (c) => {
    const cal = await found(c);
    if (!cal.ok) return cal.response;
    const body = await readBody(c, CopyYear);
    if (!body.ok) return body.response;
    const copy = copyYear({ days: cal.value.days as DayRule[], from: body.value.from, to: body.value.to });
    const next = withDays(c, cal.value, copy.days);
    if (!next.ok) return next.response;
    const updated = await repo.update(cal.value.id, { days: next.value.days });
    if (!updated) return jsonError(c, 404, { error: 'calendar not found' });
    audit(c, 'calendar.copy-year', String(cal.value.id), { from: body.value.from, to: body.value.to, copied: copy.copied });
    return c.json({ copied: copy.copied, skipped: copy.skipped, calendar: view(updated) });
  });
}
