// Call detail records: one row per call, one per leg. Times are ms since the epoch; durations are
// whole seconds as Asterisk's CDR counts them (duration = end − start, billsec = end − answer).
//
// THE ONE DEFINITION OF THE CALL RECORD (issue 10). `callRecordFields` and `callLegFields` below
// declare each field once: its column, what kind of value it is outside the database and what it
// means. Derived from them: the tables (and so the migrations drizzle-kit writes), the store's
// upserts and views (CallRecordView, CallLegView), the call's record in server/calls (CallRecord is
// CallRecordView), the API's zod schemas and OpenAPI document (server/api/schemas-cdr.ts) and its
// JSON (times as ISO 8601). The CSV export keeps Asterisk's fixed columns, each mapped from the view
// in a table the type checker holds to the column list (server/api/routes/cdrs.ts).
//
// To add a field (a queue, a trunk, ...):
//   1. add one entry here, e.g. `queue: { column: text('queue'), kind: 'text', doc: 'the ACD queue the call waited in' }`
//      (a nullable column unless every old row can have a value: existing rows read as null);
//   2. `npm run db:generate` and name the migration as docs say;
//   3. give it a value where the call builds its record (server/calls/record.ts): tsc reports the
//      object that lacks it. Nothing else changes: store, API, OpenAPI and views follow.
// A JSON-valued field is kind 'json' with a JsonCodec (schema, encode, decode); see the two below.
//
// TWO FIELD GROUPS, ONE TABLE (issue 14). The call layer writes its record as whole-row upserts
// (begin, answer, end, the recording's figures after the end; coalesced in the batch writer), each
// the call's full state. Facts that are set on the record from outside the call (tags, legal hold,
// purged_at: the API and the retention purge, any time, also while the call or its recording is
// still going) must not be overwritten by those upserts. So they are a second group,
// `callRetentionFields`, in the same table: the call's upsert is built from `callRecordFields`
// alone (its column list is the keys of that group, so it cannot name a retention column and
// leaves them as they are on conflict), they are written only by RetentionRepository's targeted
// UPDATEs, and the views, the API's schema and its JSON derive them from the group under
// `retention` (CallRetentionView). `direction` is a fact of the call (call control sets it when
// a trunk carries the call in or out) and so belongs to the call's group. To add a field set from outside the call
// (a review flag, a case number ...), add it to callRetentionFields, not callRecordFields.
// The definition lives in the store because the layer rule lets every server module import the
// store and the store import none of them (docs/decisions.md).
import { getTableColumns, isNull } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { columnsOf, factsOf, type FieldSpecs, type JsonCodec, type ViewOf } from './record-fields.js';

export const callDispositions = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CANCELLED', 'INTERRUPTED'] as const;
export type CallDisposition = (typeof callDispositions)[number];

export const callLegRoles = ['caller', 'callee'] as const;
export type CallLegRole = (typeof callLegRoles)[number];

export const callHangupSides = ['caller', 'callee', 'system'] as const;
export type CallHangupSide = (typeof callHangupSides)[number];

export const recordingFormats = ['wav', 'ogg'] as const;
export type RecordingFormat = (typeof recordingFormats)[number];

export const callDirections = ['inbound', 'outbound', 'internal'] as const;
export type CallDirection = (typeof callDirections)[number];

/** A pause in a recording (card payments): `atMs` into the file, `durationMs` of silence written meanwhile. */
export interface RecordingPause {
  readonly atMs: number;
  readonly durationMs: number;
}

/** The dial plan's resolution trace (calls/dialplan/resolver.ts TraceLine) and the handlers a call ran, in order. */
export interface CallRouting {
  readonly trace: readonly unknown[];
  readonly handlers: readonly string[];
}

const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** JSON array of { atMs, durationMs }; text that is not such an array reads as no pauses, entries without both numbers are dropped. */
export const recordingPausesJson: JsonCodec<readonly RecordingPause[]> = {
  schema: z.array(
    z.object({
      atMs: z.number().meta({ description: 'ms into the recording' }),
      durationMs: z.number().meta({ description: 'silence written while paused, ms' }),
    }),
  ),
  encode: (pauses) => JSON.stringify(pauses.map((p) => ({ atMs: p.atMs, durationMs: p.durationMs }))),
  decode(text) {
    let value: unknown;
    try {
      value = JSON.parse(text ?? '[]');
    } catch {
      return [];
    }
    if (!Array.isArray(value)) return [];
    const pauses: RecordingPause[] = [];
    for (const item of value as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const { atMs, durationMs } = item as { atMs?: unknown; durationMs?: unknown };
      if (isMs(atMs) && isMs(durationMs)) pauses.push({ atMs, durationMs });
    }
    return pauses;
  },
};

/**
 * A call shares one routing object across its records until a step adds to it (server/calls
 * call-facts.ts), and each of its four or so writes encodes the record: the text is kept with the object.
 */
const routingText = new WeakMap<CallRouting, string>();

/** JSON { trace: [...], handlers: [string] }; null (older rows) or anything else reads as absent. */
export const callRoutingJson: JsonCodec<CallRouting | undefined> = {
  schema: z.object({ trace: z.array(z.unknown()), handlers: z.array(z.string()) }).optional(),
  encode(r) {
    if (r === undefined) return null;
    let text = routingText.get(r);
    if (text === undefined) routingText.set(r, (text = JSON.stringify({ trace: r.trace, handlers: r.handlers })));
    return text;
  },
  decode(text) {
    if (text === null) return undefined;
    try {
      const v = JSON.parse(text) as { trace?: unknown; handlers?: unknown };
      if (!Array.isArray(v.trace) || !Array.isArray(v.handlers)) return undefined;
      return { trace: v.trace as unknown[], handlers: (v.handlers as unknown[]).filter((h): h is string => typeof h === 'string') };
    } catch {
      return undefined;
    }
  },
};

/**
 * What an IVR flow learned before the call left it (issue 15): the flow and version, variables,
 * the path of node ids, each attempt at an answer, the failures, the matched intent, the outcome
 * and the step-by-step trace. Its shape is server/ivr's FlowContext; null (no flow) reads as absent.
 */
export const callIvrJson: JsonCodec<Readonly<Record<string, unknown>> | undefined> = {
  schema: z.record(z.string(), z.unknown()).optional(),
  encode: (v) => (v === undefined ? null : JSON.stringify(v)),
  decode(text) {
    if (text === null) return undefined;
    try {
      const v: unknown = JSON.parse(text);
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  },
};

/** One call as its record shows it: in progress (endedAt null) or finished. */
export const callRecordFields = {
  id: { column: text('id').primaryKey(), kind: 'text', doc: 'call id (uuid)' },
  caller: { column: text('caller').notNull(), kind: 'text', doc: 'calling extension number' },
  callerName: { column: text('caller_name'), kind: 'text' },
  callee: { column: text('callee').notNull(), kind: 'text', doc: 'dialled number' },
  startedAt: { column: integer('started_at').notNull(), kind: 'time', doc: 'the INVITE arrived' },
  answeredAt: { column: integer('answered_at'), kind: 'time' },
  endedAt: { column: integer('ended_at'), kind: 'time', doc: 'null while the call is in progress' },
  durationS: { column: integer('duration_s'), kind: 'integer', doc: 'end − start in whole seconds (Asterisk: duration)' },
  billableS: { column: integer('billable_s'), kind: 'integer', doc: 'end − answer in whole seconds (Asterisk: billsec)' },
  disposition: { column: text('disposition', { enum: callDispositions }), kind: 'enum', doc: 'null while the call is in progress' },
  hangupCause: {
    column: text('hangup_cause'),
    kind: 'text',
    doc: "e.g. 'normal-clearing', 'busy', 'no-answer', 'cancelled', 'not-found', 'media-timeout', 'interrupted'",
  },
  sipStatus: { column: integer('sip_status'), kind: 'integer', doc: 'the final status the caller got (200, 486, 480, 487, 404, 403 …)' },
  hangupBy: { column: text('hangup_by', { enum: callHangupSides }), kind: 'enum' },
  codec: { column: text('codec'), kind: 'text' },
  recordingPath: {
    column: text('recording_path'),
    kind: 'text',
    doc: "the recording file, relative to <dataDir>/recordings ('YYYY/MM/DD/<id>.wav'; older records: absolute); null when the call has none (yet)",
  },
  recordingFormat: { column: text('recording_format', { enum: recordingFormats }), kind: 'enum' },
  recordingDurationMs: { column: integer('recording_duration_ms'), kind: 'integer' },
  recordingPauses: {
    column: text('recording_pauses').notNull().default('[]'),
    kind: 'json',
    json: recordingPausesJson,
    doc: 'where the recording was paused (card payments)',
  },
  routing: {
    column: text('routing'),
    kind: 'json',
    json: callRoutingJson,
    optional: true,
    doc: 'how the dial plan resolved the dialled number (GET /api/v1/dialplan/resolve trace lines) and the handlers the call ran',
  },
  ivr: {
    column: text('ivr'),
    kind: 'json',
    json: callIvrJson,
    optional: true,
    doc: 'the IVR flow the call ran: flowId, version, vars, path, attempts, failures, intent, outcome, trace',
  },
  direction: {
    column: text('direction', { enum: callDirections }).notNull().default('internal'),
    kind: 'enum',
    doc: "'inbound' (a carrier's DID brought it in), 'outbound' (a trunk route took it out) or 'internal' (between extensions); retention policies match by it",
  },
} as const satisfies FieldSpecs;

/** JSON array of strings; text that is not such an array reads as no tags, entries that are not strings are dropped. */
export const callTagsJson: JsonCodec<readonly string[]> = {
  schema: z.array(z.string()),
  encode: (tags) => JSON.stringify([...tags]),
  decode(text) {
    try {
      const v: unknown = JSON.parse(text ?? '[]');
      return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
    } catch {
      return [];
    }
  },
};

/**
 * Set on a call's record from outside the call (issue 14): through the API and by the retention
 * purge. Same table as callRecordFields, never in the call's upsert (see the comment at the top).
 */
export const callRetentionFields = {
  tags: {
    column: text('tags').notNull().default('[]'),
    kind: 'json',
    json: callTagsJson,
    doc: 'tags set through the API (PUT /api/v1/cdrs/{id}/tags); retention policies match them',
  },
  legalHoldReason: {
    column: text('legal_hold_reason'),
    kind: 'text',
    doc: 'legal hold: while set, the purge and every delete leave the recording alone; null: not held',
  },
  legalHoldBy: { column: text('legal_hold_by'), kind: 'text', doc: 'who placed the legal hold' },
  legalHoldAt: { column: integer('legal_hold_at'), kind: 'time', doc: 'when the legal hold was placed' },
  wrapUpCode: { column: text('wrap_up_code'), kind: 'text', doc: "the ACD agent's wrap-up code (POST /api/v1/acd/agents/{id}/wrap-up); null: none given" },
  wrapUpNotes: { column: text('wrap_up_notes'), kind: 'text', doc: "the agent's wrap-up notes; cleared by the retention purge with the call's other personal data" },
  wrapUpBy: { column: text('wrap_up_by'), kind: 'text', doc: 'the ACD agent id that wrapped the call up' },
  wrapUpAt: { column: integer('wrap_up_at'), kind: 'time', doc: 'when the wrap-up was saved' },
  purgedAt: {
    column: integer('purged_at'),
    kind: 'time',
    doc: "when retention (or an admin) deleted the recording and the call's personal data; null while kept",
  },
} as const satisfies FieldSpecs;

/** One leg of a call: the caller's, or one callee fork. */
export const callLegFields = {
  id: { column: text('id').primaryKey(), kind: 'text', doc: 'leg id (uuid)' },
  role: { column: text('role', { enum: callLegRoles }).notNull(), kind: 'enum' },
  sipCallId: { column: text('sip_call_id').notNull(), kind: 'text' },
  uri: { column: text('uri').notNull(), kind: 'text', doc: 'the contact/URI this leg talks to' },
  transport: { column: text('transport'), kind: 'text', doc: 'udp/tcp/tls/ws/wss' },
  sourceAddress: { column: text('source_address'), kind: 'text', doc: '"ip:port"' },
  userAgent: { column: text('user_agent'), kind: 'text' },
  startedAt: { column: integer('started_at').notNull(), kind: 'time' },
  answeredAt: { column: integer('answered_at'), kind: 'time' },
  endedAt: { column: integer('ended_at'), kind: 'time' },
  sipStatus: { column: integer('sip_status'), kind: 'integer', doc: "final status of this leg's INVITE" },
  codec: { column: text('codec'), kind: 'text', doc: 'e.g. "PCMU"' },
  packetsReceived: { column: integer('packets_received').notNull().default(0), kind: 'integer' },
  packetsSent: { column: integer('packets_sent').notNull().default(0), kind: 'integer' },
  bytesReceived: { column: integer('bytes_received').notNull().default(0), kind: 'integer' },
  bytesSent: { column: integer('bytes_sent').notNull().default(0), kind: 'integer' },
  packetsLost: { column: integer('packets_lost'), kind: 'integer', doc: 'from RTCP receiver reports (RFC 3550 §6.4.1) where the peer sends them' },
  fractionLost: { column: real('fraction_lost'), kind: 'real' },
  jitterMs: { column: real('jitter_ms'), kind: 'real' },
  rttMs: {
    column: real('rtt_ms'),
    kind: 'real',
    doc: "round trip to this leg's phone from RTCP (RFC 3550 §6.4.1), ms, smoothed; null when it answered no report",
  },
  mos: {
    column: real('mos'),
    kind: 'real',
    doc: "ITU-T G.107 E-model MOS (1 to 4.5) of this leg from its loss, jitter and round trip; null when its phone sent no RTP that reached us",
  },
  packetsDropped: {
    column: integer('packets_dropped').notNull().default(0),
    kind: 'integer',
    doc: 'packets discarded: from a source signalling did not name for this leg or not the latched one (strict source), failing SRTP, or not RTP/RTCP',
  },
  srtpFailures: {
    column: integer('srtp_failures').notNull().default(0),
    kind: 'integer',
    doc: 'SRTP packets that failed authentication or the replay check (0 on plain RTP)',
  },
} as const satisfies FieldSpecs;

export const callRecords = sqliteTable('call_records', { ...columnsOf(callRecordFields), ...columnsOf(callRetentionFields) }, (t) => [
  index('call_records_started_idx').on(t.startedAt),
  index('call_records_caller_idx').on(t.caller),
  index('call_records_callee_idx').on(t.callee),
  // only calls not final yet (in progress, or ended with their figures to come): what
  // completeEnded() and interruptOpen() look for at boot, without a full scan
  index('call_records_open_idx').on(t.startedAt).where(isNull(t.disposition)),
  // what the purge walks: ended calls with a recording not yet purged, oldest first
  index('call_records_purge_idx').on(t.endedAt).where(isNull(t.purgedAt)),
]);

export const callLegs = sqliteTable(
  'call_legs',
  {
    // the store's own link to the call; the view has its legs inside the call instead
    callId: text('call_id')
      .notNull()
      .references(() => callRecords.id, { onDelete: 'cascade' }),
    ...columnsOf(callLegFields),
  },
  (t) => [index('call_legs_call_idx').on(t.callId)],
);

export type CallRecordRow = typeof callRecords.$inferSelect;
export type CallLegRow = typeof callLegs.$inferSelect;

export type CallLegView = ViewOf<typeof callLegFields, CallLegRow>;
/** Where a stored record stands for retention: the callRetentionFields group. */
export type CallRetentionView = ViewOf<typeof callRetentionFields, CallRecordRow>;
/**
 * A call record as every layer sees it (server/calls' CallRecord, the store's views, the API's source).
 * `retention` is on every record the store reads and on none the call builds (the call does not
 * write it, see the top of this file): optional, so the call's own record is a view too.
 */
export type CallRecordView = ViewOf<typeof callRecordFields, CallRecordRow> & {
  readonly legs: readonly CallLegView[];
  readonly retention?: CallRetentionView;
};

/** The fields as plain facts (kind, nullability, enum values, description) for the API's schema. */
export const callRecordFacts = factsOf(callRecordFields, getTableColumns(callRecords));
export const callRetentionFacts = factsOf(callRetentionFields, getTableColumns(callRecords));
export const callLegFacts = factsOf(callLegFields, getTableColumns(callLegs));
