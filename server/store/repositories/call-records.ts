// Call detail records. begin()/update() go through the BatchWriter as whole-row upserts, so the
// B2BUA only enqueues (no query building, no await on its path) and many calls' rows share one
// commit; each returned promise settles when that commit is durable. The row always carries the
// call's full current state, so a later update simply overwrites an earlier one.
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { InValue } from '@libsql/client';
import type { Db } from '../database.js';
import type { BatchWriter } from '../batch-writer.js';
import type { StoreLogger } from '../logger.js';
import { RowInsert } from '../row-insert.js';
import {
  callLegFields,
  callLegs,
  callRecordFields,
  callRecords,
  type CallDisposition,
  type CallLegRow,
  type CallLegView,
  type CallRecordView,
  type CallRetentionView,
  type RecordingFormat,
} from '../schema/call-records.js';
import type { FieldSpecs } from '../schema/record-fields.js';
import { acdInteractions } from '../schema/acd.js';
import { legsByCall, recordView } from './call-records-views.js';

// The call record's shape is defined once, in schema/call-records.ts: what is written is what is read.
// The call writes the callRecordFields group only; `retention` (callRetentionFields) is read here
// and written by RetentionRepository alone, so an input's `retention`, if any, is never written.
export type CallLegInput = CallLegView;
export type CallRecordInput = CallRecordView;
export type { CallLegView, CallRecordView, CallRetentionView };

export interface CallRecordFilter {
  /** started at or after, ms */
  from?: number;
  /** started at or before, ms */
  to?: number;
  /** caller or callee */
  number?: string;
  disposition?: CallDisposition;
  /** a scoped supervisor's: only calls that touched these queues, agents or extensions (issue 14) */
  touching?: CallTouchFilter;
  limit: number;
  offset: number;
}

/** server/acd/scope.ts' CallTouch, as the store filters by it */
export interface CallTouchFilter {
  readonly queues: readonly string[];
  readonly agents: readonly string[];
  readonly extensions: readonly string[];
}

/**
 * The SQL for "this call touched the scope": an ACD interaction of the call in one of the queues or
 * with one of the agents (acd_interactions, linked by call id), the wrap-up by one of the agents, or
 * one of the extensions as caller or callee. Empty lists match nothing.
 */
function touchCondition(t: CallTouchFilter): SQL {
  const some = <T>(list: readonly T[], f: (l: T[]) => SQL): SQL[] => (list.length > 0 ? [f([...list])] : []);
  const interaction = [...some(t.queues, (l) => inArray(acdInteractions.queueId, l)), ...some(t.agents, (l) => inArray(acdInteractions.agentId, l))];
  const parts = [
    ...some(t.extensions, (l) => inArray(callRecords.caller, l)),
    ...some(t.extensions, (l) => inArray(callRecords.callee, l)),
    ...some(t.agents, (l) => inArray(callRecords.wrapUpBy, l)),
    ...(interaction.length > 0
      ? [sql`exists (select 1 from ${acdInteractions} where ${acdInteractions.callId} = ${callRecords.id} and (${or(...interaction)}))`]
      : []),
  ];
  return parts.length > 0 ? or(...parts)! : sql`0`;
}

export interface CallRecordRepositoryOptions {
  db: Db;
  writer: BatchWriter;
  logger: StoreLogger;
}

/** A row's values in the order of its RowInsert's columns: each field of the definition, a JSON field encoded. */
type Encoder = (value: Readonly<Record<string, unknown>>) => unknown;

function encodersOf(fields: FieldSpecs): Encoder[] {
  return Object.entries(fields).map(([key, field]): Encoder => {
    const json = field.json;
    return json === undefined ? (v) => v[key] ?? null : (v) => json.encode(v[key] as never);
  });
}

const recordKeys = Object.keys(callRecordFields) as (keyof typeof callRecordFields)[];
const legKeys = Object.keys(callLegFields) as (keyof typeof callLegFields)[];
// Built once; the column order is that of the definition's fields (the leg's call id first).
// Coalescing: a call's updates (answer, end, final record) that arrive while its previous row still
// waits for a batch replace that row, so a call costs fewer row writes (each row is its full state).
// Grouping: a batch's call rows go into one statement and its leg rows (after the calls they
// reference) into another, whatever the calls' interleaving.
const upsertCall = new RowInsert({ table: callRecords, columns: recordKeys, conflict: ['id'], coalesce: true, groups: true });
const upsertLeg = new RowInsert({ table: callLegs, columns: ['callId', ...legKeys], conflict: ['id'], coalesce: true, groups: true, after: [upsertCall] });
const recordEncoders = encodersOf(callRecordFields);
const legEncoders = encodersOf(callLegFields);

const LEG_QUERY_SLICE = 5000;

export class CallRecordRepository {
  readonly #db: Db;
  readonly #writer: BatchWriter;
  readonly #logger: StoreLogger;

  constructor(options: CallRecordRepositoryOptions) {
    this.#db = options.db;
    this.#writer = options.writer;
    this.#logger = options.logger;
  }

  /** The durable in-progress row and its legs; resolves when committed. */
  begin(record: CallRecordInput): Promise<void> {
    return this.#enqueue(record);
  }

  /** Upserts the call and every leg given (answer, new legs, final state); resolves when committed. */
  update(record: CallRecordInput): Promise<void> {
    return this.#enqueue(record);
  }

  #enqueue(r: CallRecordInput): Promise<void> {
    // The call's row is queued before its legs, and the writer commits in queue order, so the
    // legs' foreign key always finds it.
    const writes = [this.#writer.enqueueRow(upsertCall, recordEncoders.map((encode) => encode(r) as InValue))];
    for (const l of r.legs) {
      const args: InValue[] = [r.id];
      for (const encode of legEncoders) args.push(encode(l) as InValue);
      writes.push(this.#writer.enqueueRow(upsertLeg, args));
    }
    return writes.length === 1 ? writes[0]! : Promise.all(writes).then(() => undefined);
  }

  /**
   * At boot, before any new call: every call still open was cut off by a crash or kill. Each is
   * closed as INTERRUPTED at the last moment the process is known to have been alive with it: the
   * last heartbeat (`lastAliveAt`), or the call's own start or answer when those came later, and
   * never after `now`, so the downtime before the restart is not part of the call. With no
   * heartbeat (a database from before heartbeats) that moment is unknown and `now` is used.
   * Durations are computed the way Asterisk does (whole seconds, truncated; billsec 0 when never
   * answered), and the open legs end with their call (not before their own start or answer).
   */
  async interruptOpen(o: { now: number; lastAliveAt: number | null }): Promise<number> {
    await this.#writer.flush();
    const now = Math.trunc(o.now);
    const alive = Math.trunc(o.lastAliveAt ?? o.now);
    const callEnd = sql`min(${now}, max(${alive}, ${callRecords.startedAt}, coalesce(${callRecords.answeredAt}, 0)))`;
    const elapsedS = (since: typeof callRecords.startedAt | typeof callRecords.answeredAt) =>
      // libsql binds JS numbers as REAL, so the division is exact and the CAST truncates it
      sql`max(0, CAST((${callEnd} - ${since}) / 1000 AS INTEGER))`;
    return await this.#db.transaction(async (tx) => {
      // legs first, while their calls are still recognisably open; a sub-select, not a list of
      // ids, so any number of open calls stays one statement
      const open = tx.select({ id: callRecords.id }).from(callRecords).where(and(isNull(callRecords.disposition), isNull(callRecords.endedAt)));
      const legEnd = sql`(SELECT min(${now}, max(${callEnd}, ${callLegs.startedAt}, coalesce(${callLegs.answeredAt}, 0))) FROM ${callRecords} WHERE ${callRecords.id} = ${callLegs.callId})`;
      await tx
        .update(callLegs)
        .set({ endedAt: legEnd })
        .where(and(isNull(callLegs.endedAt), inArray(callLegs.callId, open)));
      const rows = await tx
        .update(callRecords)
        .set({
          endedAt: callEnd,
          durationS: sql`${elapsedS(callRecords.startedAt)}`,
          billableS: sql`CASE WHEN ${callRecords.answeredAt} IS NULL THEN 0 ELSE ${elapsedS(callRecords.answeredAt)} END`,
          disposition: 'INTERRUPTED',
          hangupCause: 'interrupted',
          hangupBy: 'system',
        })
        .where(and(isNull(callRecords.disposition), isNull(callRecords.endedAt)))
        .returning({ id: callRecords.id });
      return rows.length;
    });
  }

  /**
   * At boot, before interruptOpen(): calls whose end was stored before their BYE was answered but
   * whose final record (disposition, media figures) a crash cut off. Only an answered call is ended
   * by a BYE, so they are ANSWERED; their end is the one stored, not the crash.
   */
  async completeEnded(): Promise<number> {
    await this.#writer.flush();
    const rows = await this.#db
      .update(callRecords)
      .set({ disposition: 'ANSWERED' })
      .where(and(isNull(callRecords.disposition), isNotNull(callRecords.endedAt)))
      .returning({ id: callRecords.id });
    return rows.length;
  }

  /**
   * Calls still open (or ended but not final, see completeEnded()) whose record names a recording (read at boot before interruptOpen(), so that
   * the files of calls a crash cut off can be measured: their recorder never reported a duration).
   */
  async openRecordings(): Promise<{ id: string; recordingPath: string; recordingFormat: RecordingFormat | null }[]> {
    await this.#writer.flush();
    const rows = await this.#db
      .select({ id: callRecords.id, recordingPath: callRecords.recordingPath, recordingFormat: callRecords.recordingFormat })
      .from(callRecords)
      .where(and(isNull(callRecords.disposition), isNotNull(callRecords.recordingPath)));
    return rows.flatMap((r) => (r.recordingPath === null ? [] : [{ id: r.id, recordingPath: r.recordingPath, recordingFormat: r.recordingFormat }]));
  }

  /** The length of a recording measured from its file after the fact (an interrupted call's). */
  async setRecordingDuration(id: string, durationMs: number): Promise<void> {
    await this.#db.update(callRecords).set({ recordingDurationMs: Math.max(0, Math.round(durationMs)) }).where(eq(callRecords.id, id));
  }

  /** Newest first, with legs. */
  async list(filter: CallRecordFilter): Promise<{ items: CallRecordView[]; total: number }> {
    const where: SQL[] = [];
    if (filter.from !== undefined) where.push(gte(callRecords.startedAt, filter.from));
    if (filter.to !== undefined) where.push(lte(callRecords.startedAt, filter.to));
    if (filter.number !== undefined) {
      where.push(or(eq(callRecords.caller, filter.number), eq(callRecords.callee, filter.number))!);
    }
    if (filter.disposition !== undefined) where.push(eq(callRecords.disposition, filter.disposition));
    if (filter.touching !== undefined) where.push(touchCondition(filter.touching));
    const condition = where.length > 0 ? and(...where) : undefined;
    const rows = await this.#db
      .select()
      .from(callRecords)
      .where(condition)
      .orderBy(desc(callRecords.startedAt), desc(callRecords.id))
      .limit(Math.max(0, Math.trunc(filter.limit)))
      .offset(Math.max(0, Math.trunc(filter.offset)));
    const totals = await this.#db.select({ n: count() }).from(callRecords).where(condition);
    const legs = await this.#legsOf(rows.map((r) => r.id));
    return { items: rows.map((r) => recordView(r, legs.get(r.id) ?? [])), total: totals[0]?.n ?? 0 };
  }

  /** One call with its legs; undefined when unknown. */
  async get(id: string): Promise<CallRecordView | undefined> {
    const rows = await this.#db.select().from(callRecords).where(eq(callRecords.id, id)).limit(1);
    const row = rows[0];
    if (row === undefined) return undefined;
    const legs = await this.#legsOf([id]);
    return recordView(row, legs.get(id) ?? []);
  }

  /** Which of these calls touched the scope (touchCondition); unknown ids are not among them. */
  async touching(ids: readonly string[], touching: CallTouchFilter): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += LEG_QUERY_SLICE) {
      const slice = [...ids.slice(i, i + LEG_QUERY_SLICE)];
      const rows = await this.#db.select({ id: callRecords.id }).from(callRecords).where(and(inArray(callRecords.id, slice), touchCondition(touching)));
      for (const r of rows) found.add(r.id);
    }
    return found;
  }

  async #legsOf(callIds: readonly string[]): Promise<Map<string, CallLegView[]>> {
    const rows: CallLegRow[] = [];
    // in slices, well under SQLite's host-parameter limit however large a page is asked for
    for (let i = 0; i < callIds.length; i += LEG_QUERY_SLICE) {
      const ids = callIds.slice(i, i + LEG_QUERY_SLICE);
      rows.push(
        ...(await this.#db
          .select()
          .from(callLegs)
          .where(inArray(callLegs.callId, ids))
          // rowid: the order the legs were first written in, which an upsert keeps
          .orderBy(asc(callLegs.startedAt), sql`rowid`)),
      );
    }
    return legsByCall(rows, (row) => this.#logger.warn({ leg: row.id, role: row.role }, 'skipping call leg with unknown role'));
  }
}
