// Keyword spotting a person can use (issues 13 and 16): /api/v1/keyword-lists (the lists a
// supervisor types: words and phrases, not token ids; every call or the numbers dialled they name),
// and the hits live transcription stored: per call (GET /api/v1/cdrs/:id/keyword-hits, scoped as the
// other call record routes) and by keyword and period (GET /api/v1/keyword-hits). A hit says what was
// said, so it is read with recordings.listen and masked as transcripts are without pii.unmasked.
import type { Context, Hono } from 'hono';
import type { KeywordHitRow, KeywordListRow } from '../../store/index.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { CdrParams } from '../schemas.js';
import { KeywordHitQuery, KeywordListParams, KeywordListSpec } from '../schemas-keywords.js';
import { maskPii } from '../../security/pii.js';
import { callTouchOfPrincipal } from '../call-scope.js';

/** a scoped or masked viewer's search looks through at most this many hits (filtered afterwards) */
const FILTERED_SEARCH_CAP = 1000;

const listView = (l: KeywordListRow) => ({ id: l.id, name: l.name, phrases: [...l.phrases], numbers: [...l.numbers], enabled: l.enabled, createdAt: new Date(l.createdAt).toISOString(), updatedAt: new Date(l.updatedAt).toISOString() });

const hitView = (h: KeywordHitRow, mask: boolean) => ({ callId: h.callId, leg: h.leg, keyword: mask ? maskPii(h.keyword) : h.keyword, list: h.listName, listId: h.listId, atMs: h.atMs, heardAt: new Date(h.heardAt).toISOString() });

export function mountKeywordRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const kw = deps.keywords;
  if (kw === undefined) return;
  const repo = kw.repository;
  const session = requireSession(deps);
  const audit = (c: Context<ApiEnv>, action: string, target: string, detail: Record<string, unknown>) => {
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action, target, ...(source !== undefined ? { source } : {}), detail });
  };
  /** the body checked whole: the schema, then each phrase against the live model's tokens */
  const spec = async (c: Context<ApiEnv>, except?: number) => {
    const body = await readBody(c, KeywordListSpec);
    if (!body.ok) return body;
    const phrases = [...new Set(body.value.phrases)];
    // the path names the phrase's place in the body as sent
    const issues = phrases.flatMap((p) => {
      const reason = kw.refusal(p);
      return reason === null ? [] : [{ path: `phrases.${body.value.phrases.indexOf(p)}`, message: reason }];
    });
    if (issues.length > 0) return { ok: false as const, response: jsonError(c, 400, { error: 'validation failed', issues }) };
    const other = await repo.byName(body.value.name);
    if (other !== undefined && other.id !== except) return { ok: false as const, response: jsonError(c, 409, { error: 'keyword list name taken', reason: `name: a list named '${body.value.name}' exists` }) };
    return { ok: true as const, value: { ...body.value, phrases, numbers: [...new Set(body.value.numbers)] } };
  };
  const found = async (c: Context<ApiEnv>) => {
    const params = validate(c, KeywordListParams, c.req.param());
    if (!params.ok) return params;
    const list = await repo.get(params.value.id);
    return list ? { ok: true as const, value: list } : { ok: false as const, response: jsonError(c, 404, { error: 'keyword list not found' }) };
  };

  app.get('/api/v1/keyword-lists', session, async (c) => c.json({ items: (await repo.lists()).map(listView), spotting: kw.spotting }));

  app.post('/api/v1/keyword-lists', session, async (c) => {
    const body = await spec(c);
    if (!body.ok) return body.response;
    const created = await repo.create(body.value);
    audit(c, 'keyword-list.create', String(created.id), { name: created.name, phrases: created.phrases.length });
    return c.json(listView(created), 201);
  });

  app.get('/api/v1/keyword-lists/:id', session, async (c) => {
    const list = await found(c);
    return list.ok ? c.json(listView(list.value)) : list.response;
  });

  app.put('/api/v1/keyword-lists/:id', session, async (c) => {
    const list = await found(c);
    if (!list.ok) return list.response;
    const body = await spec(c, list.value.id);
    if (!body.ok) return body.response;
    const updated = await repo.update(list.value.id, body.value);
    if (!updated) return jsonError(c, 404, { error: 'keyword list not found' });
    audit(c, 'keyword-list.update', String(updated.id), { name: updated.name, phrases: updated.phrases.length });
    return c.json(listView(updated));
  });

  app.delete('/api/v1/keyword-lists/:id', session, async (c) => {
    const list = await found(c);
    if (!list.ok) return list.response;
    await repo.remove(list.value.id);
    audit(c, 'keyword-list.delete', String(list.value.id), { name: list.value.name });
    return c.body(null, 204);
  });

  app.get('/api/v1/cdrs/:id/keyword-hits', session, async (c) => {
    const params = validate(c, CdrParams, c.req.param());
    if (!params.ok) return params.response;
    const id = params.value.id;
    if (!(await deps.callRecords.get(id))) return jsonError(c, 404, { error: 'call record not found' });
    const mask = !c.get('auth').permissions.has('pii.unmasked');
    return c.json({ callId: id, items: (await repo.hitsOf(id)).map((h) => hitView(h, mask)) });
  });

  app.get('/api/v1/keyword-hits', session, async (c) => {
    const query = validate(c, KeywordHitQuery, c.req.query());
    if (!query.ok) return query.response;
    const { keyword, from, to, limit, offset } = query.value;
    const period = { ...(keyword !== undefined ? { keyword } : {}), ...(from !== undefined ? { from: Date.parse(from) } : {}), ...(to !== undefined ? { to: Date.parse(to) } : {}) };
    const mask = !c.get('auth').permissions.has('pii.unmasked');
    const touch = callTouchOfPrincipal(deps, c.get('auth'));
    if (touch === undefined && !mask) {
      const { items, total } = await repo.search({ ...period, limit, offset });
      return c.json({ items: items.map((h) => hitView(h, false)), total, limit, offset });
    }
    // a scoped supervisor finds only the calls it oversees; a masked viewer must not find a number by searching for it
    const { items } = await repo.search({ ...period, limit: FILTERED_SEARCH_CAP, offset: 0 });
    const mine = touch === undefined ? null : await deps.callRecords.touching([...new Set(items.map((h) => h.callId))], touch);
    const visible = items
      .filter((h) => mine === null || mine.has(h.callId))
      .map((h) => hitView(h, mask))
      .filter((h) => keyword === undefined || h.keyword.toLowerCase() === keyword.toLowerCase());
    return c.json({ items: visible.slice(offset, offset + limit), total: visible.length, limit, offset });
  });
}
