// /api/v1/cdrs: call detail records as JSON, and as CSV in Asterisk's cdr_csv column order so
// existing billing and reporting tools can read them.
import type { Context, Hono } from 'hono';
import type { CallLegView, CallRecordFilter, CallRecordView } from '../../store/index.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, validate } from '../http-errors.js';
import { CdrCsvQuery, CdrParams, CdrQuery } from '../schemas.js';
import { callRecordJson } from '../schemas-cdr.js';
import { maskCallRecord } from '../pii-access.js';
import { callTouchOfPrincipal } from '../call-scope.js';

/** what the caller may see: masked personal data unless the role sees it unmasked (pii-access.ts) */
const shown = (c: Context<ApiEnv>, r: CallRecordView): CallRecordView => (c.get('auth').permissions.has('pii.unmasked') ? r : maskCallRecord(r));

/** Asterisk cdr_csv's columns, in its order (with loguniqueid and loguserfield on). */
export const CDR_CSV_COLUMNS = [
  'accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel', 'dstchannel', 'lastapp', 'lastdata',
  'start', 'answer', 'end', 'duration', 'billsec', 'disposition', 'amaflags', 'uniqueid', 'userfield',
] as const;

/** Asterisk's CDR time format, in UTC: YYYY-MM-DD HH:MM:SS; empty for a time that never came. */
function cdrTime(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * One CSV field. RFC 4180 §2: a field holding a comma, a double quote, CR or LF is enclosed in
 * double quotes, with each inner quote doubled. Against CSV formula injection (OWASP), a text
 * field that begins with = + - @, tab or CR gets a leading apostrophe, so a spreadsheet shows it
 * as text instead of evaluating it; such fields are quoted too. This marks E.164 numbers as well
 * ("'+4930…"), which Excel would otherwise turn into a number and lose the plus of.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  let text = value;
  let quote = false;
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
    quote = true;
  }
  if (quote || /[",\r\n]/.test(text)) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

/** Asterisk's channel name shape, SIP/<peer>-<8 hex>, with the leg id standing in for the counter. */
function channel(number: string, leg: CallLegView | undefined): string {
  return leg === undefined ? '' : `SIP/${number}-${leg.id.slice(0, 8)}`;
}

/** Caller ID as Asterisk merges it: "name" <number>, or the number alone without a name. */
function clid(r: CallRecordView): string {
  if (r.callerName === null || r.callerName === '') return r.caller;
  // RFC 3261 §25.1 quoted-string: backslash and double quote are escaped inside the quotes
  return `"${r.callerName.replace(/[\\"]/g, (ch) => `\\${ch}`)}" <${r.caller}>`;
}

type CsvCell = string | number | null;
interface CsvSource {
  readonly r: CallRecordView;
  readonly callerLeg: CallLegView | undefined;
  readonly calleeLeg: CallLegView | undefined;
}

/**
 * Each Asterisk column from the call record. The type holds this table to CDR_CSV_COLUMNS: a column
 * without a cell, or a cell for no column, fails tsc; a record field renamed or removed fails here.
 */
const CDR_CSV_CELLS: { readonly [C in (typeof CDR_CSV_COLUMNS)[number]]: (s: CsvSource) => CsvCell } = {
  accountcode: () => '',
  src: ({ r }) => r.caller,
  dst: ({ r }) => r.callee,
  dcontext: () => 'from-internal',
  clid: ({ r }) => clid(r),
  channel: ({ r, callerLeg }) => channel(r.caller, callerLeg),
  dstchannel: ({ r, calleeLeg }) => channel(r.callee, calleeLeg),
  lastapp: () => 'Dial',
  lastdata: ({ r }) => `SIP/${r.callee}`,
  start: ({ r }) => cdrTime(r.startedAt),
  answer: ({ r }) => cdrTime(r.answeredAt),
  end: ({ r }) => cdrTime(r.endedAt),
  duration: ({ r }) => r.durationS,
  billsec: ({ r }) => r.billableS,
  disposition: ({ r }) => r.disposition,
  amaflags: () => 'DOCUMENTATION',
  uniqueid: ({ r }) => r.id,
  userfield: ({ r }) => r.hangupCause,
};

export function cdrCsvRow(r: CallRecordView): string {
  const callees = r.legs.filter((l) => l.role === 'callee');
  const source: CsvSource = {
    r,
    callerLeg: r.legs.find((l) => l.role === 'caller'),
    // with forking, the destination channel is the leg that answered, else the first one tried
    calleeLeg: callees.find((l) => l.answeredAt !== null) ?? callees[0],
  };
  return CDR_CSV_COLUMNS.map((column) => csvField(CDR_CSV_CELLS[column](source))).join(',');
}

type CdrListQuery = { from?: number; to?: number; number?: string; disposition?: CallRecordFilter['disposition']; limit: number; offset: number };

/** the query's filter, narrowed to the calls a scoped supervisor oversees (call-scope.ts) */
function filterOf(deps: ApiDeps, c: Context<ApiEnv>, q: CdrListQuery): CallRecordFilter {
  const touching = callTouchOfPrincipal(deps, c.get('auth'));
  return {
    ...(touching !== undefined ? { touching } : {}),
    limit: q.limit,
    offset: q.offset,
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
    ...(q.number !== undefined ? { number: q.number } : {}),
    ...(q.disposition !== undefined ? { disposition: q.disposition } : {}),
  };
}

export function mountCdrRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const session = requireSession(deps);

  app.get('/api/v1/cdrs', session, async (c) => {
    const query = validate(c, CdrQuery, c.req.query());
    if (!query.ok) return query.response;
    const { items, total } = await deps.callRecords.list(filterOf(deps, c, query.value));
    return c.json({ items: items.map((r) => callRecordJson(shown(c, r))), total, limit: query.value.limit, offset: query.value.offset });
  });

  app.get('/api/v1/cdrs.csv', session, async (c) => {
    const query = validate(c, CdrCsvQuery, c.req.query());
    if (!query.ok) return query.response;
    const { items, total } = await deps.callRecords.list(filterOf(deps, c, query.value));
    // RFC 4180: CRLF after every record, the last one included
    const lines = [CDR_CSV_COLUMNS.join(','), ...items.map((r) => cdrCsvRow(shown(c, r)))];
    return c.body(`${lines.join('\r\n')}\r\n`, 200, {
      // RFC 4180 §3: the optional header parameter says the first line names the columns
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': 'attachment; filename="cdrs.csv"',
      'X-Total-Count': String(total),
    });
  });

  app.get('/api/v1/cdrs/:id', session, async (c) => {
    const params = validate(c, CdrParams, c.req.param());
    if (!params.ok) return params.response;
    const found = await deps.callRecords.get(params.value.id);
    return found ? c.json(callRecordJson(shown(c, found))) : jsonError(c, 404, { error: 'call record not found' });
  });
}
