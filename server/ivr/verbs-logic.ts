// The verbs that decide without the caller: condition, set, http, and the ends of a flow (enqueue,
// transfer, hangup). An http look-up's results become variables; a timeout, a non-2xx status or a
// reply that is not JSON takes the node's declared failure branch after its retries.
import type { ConditionRule } from './flow-schema.js';
import { fill } from './io.js';
import type { FlowServices, Verb } from './engine.js';
import { localTimeOf, minutesOf } from '../calendars/local-time.js';

async function holds(rule: ConditionRule, vars: Readonly<Record<string, string>>, s: FlowServices, caller: string): Promise<boolean> {
  if ('calendar' in rule) {
    const open = s.calendarOpen ? await s.calendarOpen({ id: rule.calendar, instant: s.now() }) : null;
    // an unknown calendar counts as closed, as the dial plan's calendar step does
    return (open ?? false) === rule.open;
  }
  if ('time' in rule) {
    const t = localTimeOf({ instant: s.now(), timeZone: rule.time.timeZone });
    if (rule.time.days && !rule.time.days.includes(t.weekday)) return false;
    const from = minutesOf(rule.time.from);
    const to = minutesOf(rule.time.to);
    // a range past midnight (22:00–06:00) wraps
    return from <= to ? t.minute >= from && t.minute < to : t.minute >= from || t.minute < to;
  }
  if ('callerIn' in rule) return rule.callerIn.some((n) => (n.endsWith('*') ? caller.startsWith(n.slice(0, -1)) : caller === n));
  const v = vars[rule.var];
  const want = rule.value;
  switch (rule.op) {
    case 'exists':
      return v !== undefined && v !== '';
    case 'eq':
      return v === String(want ?? '');
    case 'ne':
      return v !== String(want ?? '');
    case 'in':
      return v !== undefined && (Array.isArray(want) ? want : [String(want ?? '')]).includes(v);
    case 'matches':
      try {
        return v !== undefined && typeof want === 'string' && new RegExp(want).test(v);
      } catch {
        return false;
      }
    case 'gt':
    case 'lt': {
      const a = Number(v);
      const b = Number(want);
      if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
      return rule.op === 'gt' ? a > b : a < b;
    }
  }
}

export const conditionVerb: Verb<'condition'> = async (ctx) => {
  for (const [n, b] of ctx.node.branches.entries()) {
    if (await holds(b.when, ctx.state.vars, ctx.services, ctx.io.caller)) {
      ctx.note({ branch: `branch ${n}`, next: b.next, detail: { rule: b.when } });
      return { next: b.next };
    }
  }
  ctx.note({ branch: 'else', next: ctx.node.else });
  return { next: ctx.node.else };
};

export const setVerb: Verb<'set'> = async (ctx) => {
  const before = { ...ctx.state.vars };
  for (const [name, template] of Object.entries(ctx.node.vars)) ctx.state.vars[name] = fill(template, before);
  ctx.note({ next: ctx.node.next });
  return { next: ctx.node.next };
};

/** RFC 6901 §4: evaluates a JSON pointer; undefined when a token names nothing */
export function atPointer(doc: unknown, ptr: string): unknown {
  if (ptr === '') return doc;
  let v: unknown = doc;
  for (const raw of ptr.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(v)) v = /^(0|[1-9][0-9]*)$/.test(token) ? v[Number(token)] : undefined;
    else if (typeof v === 'object' && v !== null) v = Object.hasOwn(v, token) ? (v as Record<string, unknown>)[token] : undefined;
    else return undefined;
  }
  return v;
}

/** the body with every string filled from the variables */
function fillJson(v: unknown, vars: Readonly<Record<string, string>>): unknown {
  if (typeof v === 'string') return fill(v, vars);
  if (Array.isArray(v)) return v.map((x) => fillJson(x, vars));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillJson(x, vars)]));
  return v;
}

type Tried = { ok: true; status: number; json: unknown } | { ok: false; error: string; status?: number };

async function once(s: FlowServices, o: { url: string; method: string; headers: Record<string, string>; body: string | undefined; timeoutMs: number }): Promise<Tried> {
  try {
    const res = await s.fetch(o.url, { method: o.method, headers: o.headers, ...(o.body !== undefined ? { body: o.body } : {}), signal: AbortSignal.timeout(o.timeoutMs) });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) return { ok: false, error: `HTTP ${res.status}`, status: res.status };
    try {
      return { ok: true, status: res.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
    } catch {
      return { ok: false, error: 'reply is not JSON', status: res.status };
    }
  } catch (err) {
    const name = (err as Error).name;
    return { ok: false, error: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : `request failed: ${(err as Error).message}` };
  }
}

export const httpVerb: Verb<'http'> = async (ctx) => {
  const h = ctx.node;
  const vars = ctx.state.vars;
  const url = fill(h.url, Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, encodeURIComponent(v)])));
  const body = h.method === 'GET' || h.body === undefined ? undefined : JSON.stringify(fillJson(h.body, vars));
  const headers = { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...Object.fromEntries(Object.entries(h.headers ?? {}).map(([k, v]) => [k, fill(v, vars)])) };
  let last: Tried = { ok: false, error: 'not tried' };
  let tries = 0;
  for (; tries <= h.retries; tries++) {
    last = await once(ctx.services, { url, method: h.method, headers, body, timeoutMs: h.timeoutMs });
    // a 4xx will not change on a retry; timeouts, 5xx and network errors may
    if (last.ok || (last.status !== undefined && last.status >= 400 && last.status < 500)) break;
  }
  if (!last.ok) {
    ctx.state.vars.http_error = last.error;
    ctx.note({ branch: 'failure', next: h.failure, detail: { url, error: last.error, tries: Math.min(tries + 1, h.retries + 1) } });
    return { next: h.failure };
  }
  for (const [name, ptr] of Object.entries(h.assign)) {
    const v = atPointer(last.json, ptr);
    if (v !== undefined && v !== null) vars[name] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  ctx.note({ branch: 'success', next: h.next, detail: { url, status: last.status } });
  return { next: h.next };
};

export const enqueueVerb: Verb<'enqueue'> = async (ctx) => {
  const e = ctx.node;
  ctx.note({ branch: `queue ${e.queue}` });
  return { end: { kind: 'enqueue', queue: e.queue, ...(e.priority !== undefined ? { priority: e.priority } : {}), ...(e.skills ? { skills: e.skills } : {}), ...(e.attach ? { attach: e.attach } : {}) } };
};

export const transferVerb: Verb<'transfer'> = async (ctx) => {
  const to = ctx.node.to;
  ctx.note({ branch: 'extension' in to ? `extension ${to.extension}` : 'number' in to ? `number ${to.number}` : `flow ${to.flow}` });
  return { end: { kind: 'transfer', to } };
};

export const voicemailVerb: Verb<'voicemail'> = async (ctx) => {
  ctx.note({ branch: `voicemail ${ctx.node.mailbox}` });
  return { end: { kind: 'voicemail', mailbox: ctx.node.mailbox } };
};

export const hangupVerb: Verb<'hangup'> = async (ctx) => {
  ctx.note({ branch: 'hangup' });
  return { end: { kind: 'completed' } };
};
