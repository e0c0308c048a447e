// Call detail records. begin()/update() go through the BatchWriter as whole-row upserts, so the
// B2BUA only enqueues (no query building, no await on its path) and many calls' rows share one
// commit; each returned promise settles when that commit is durable. The row always carries the
// call's full current state, so a later update simply overwrites an earlier one.
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../database.js';
import type { BatchWriter } from '../batch-writer.js';
import type { StoreLogger } from '../logger.js';
import { RowInsert } from '../row-insert.js';
import {
  callLegs,
  callRecords,
  type CallLegRow,
  type CallDisposition,
  type CallHangupSide,
  type CallLegRole,
  type RecordingFormat,
} from '../schema/call-records.js';
import { legsByCall, recordView } from './call-records-views.js';

export interface CallLegInput {
  /** leg uuid */
  readonly id: string;
  readonly role: CallLegRole;
  readonly sipCallId: string;
  /** the contact/URI this leg talks to */
  readonly uri: string;
  /** udp/tcp/tls/ws/wss */
  readonly transport: string | null;
  /** "ip:port" */
  readonly sourceAddress: string | null;
  readonly userAgent: string | null;
  /** ms since the epoch */
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  /** final status of this leg's INVITE */
  readonly sipStatus: number | null;
  /** e.g. "PCMU" */
  readonly codec: string | null;
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  readonly packetsLost: number | null;
  readonly fractionLost: number | null;
  readonly jitterMs: number | null;
  /** RTCP round trip to the leg's phone (RFC 3550 §6.4.1); null when unknown */
  readonly rttMs: number | null;
  /** ITU-T G.107 E-model MOS (1..4.5); null when the leg carried no RTP */
  readonly mos: number | null;
  /** packets from a wrong source after latching, or not RTP/RTCP at all */
  readonly packetsDropped: number;
  /** SRTP packets failing authentication or the replay check */
  readonly srtpFailures: number;
}

/** A pause in a recording: `atMs` into the file, `durationMs` of silence written meanwhile. */
export interface RecordingPauseInput {
  readonly atMs: number;
  readonly durationMs: number;
}

export interface CallRecordInput {
  /** call uuid */
  readonly id: string;
  /** calling extension number */
  readonly caller: string;
  readonly callerName: string | null;
  /** dialled number */
  readonly callee: string;
  /** ms since the epoch (INVITE received) */
  readonly startedAt: number;
  readonly answeredAt: number | null;
  /** null while in progress */
  readonly endedAt: number | null;
  /** end − start in whole seconds (Asterisk: duration) */
  readonly durationS: number | null;
  /** end − answer in whole seconds (Asterisk: billsec) */
  readonly billableS: number | null;
  /** null while in progress */
  readonly disposition: CallDisposition | null;
  /** e.g. 'normal-clearing', 'busy', 'no-answer', 'cancelled', 'not-found', 'media-timeout', 'interrupted' */
  readonly hangupCause: string | null;
  /** the final status the caller got (200, 486, 480, 487, 404, 403 …) */
  readonly sipStatus: number | null;
  readonly hangupBy: CallHangupSide | null;
  readonly codec: string | null;
  /** the recording file, relative to <dataDir>/recordings (older rows: absolute); set when recording starts, null when none was made */
  readonly recordingPath: string | null;
  readonly recordingFormat: RecordingFormat | null;
  readonly recordingDurationMs: number | null;
  /** stored as JSON text */
  readonly recordingPauses: readonly RecordingPauseInput[];
  readonly legs: readonly CallLegInput[];
  /** the dial plan's resolution trace and the handlers the call ran (absent in older rows) */
  readonly routing?: CallRoutingInput;
}

export interface CallRoutingInput {
  readonly trace: readonly unknown[];
  readonly handlers: readonly string[];
}

export type CallLegView = CallLegInput;
/** where a record stands for retention (issue 14): what policies match, legal hold, purge */
export interface CallRetentionView {
  readonly direction: 'inbound' | 'outbound' | 'internal';
  readonly tags: readonly string[];
  readonly legalHold: { readonly reason: string; readonly by: string | null; readonly at: number | null } | null;
  /** when the recording and the call's personal data were deleted; null while kept */
  readonly purgedAt: number | null;
}

export type CallRecordView = CallRecordInput & { readonly retention?: CallRetentionView };

export interface CallRecordFilter {
  /** started at or after, ms */
  from?: number;
  /** started at or before, ms */
  to?: number;
  /** caller or callee */
  number?: string;
  disposition?: CallDisposition;
  limit: number;
  offset: number;
}

export interface CallRecordRepositoryOptions {
  db: Db;
  writer: BatchWriter;
  logger: StoreLogger;
}

// Built once; the column order is that of the arrays in #enqueue().
const upsertCall = new RowInsert({
  table: callRecords,
  columns: [
    'id', 'caller', 'callerName', 'callee', 'startedAt', 'answeredAt', 'endedAt', 'durationS', 'billableS',
    'disposition', 'hangupCause', 'sipStatus', 'hangupBy', 'codec', 'recordingPath', 'recordingFormat',
    'recordingDurationMs', 'recordingPauses', 'routing',
  ],
  conflict: ['id'],
});

const upsertLeg = new RowInsert({
  table: callLegs,
  columns: [
    'id', 'callId', 'role', 'sipCallId', 'uri', 'transport', 'sourceAddress', 'userAgent', 'startedAt', 'answeredAt',
    'endedAt', 'sipStatus', 'codec', 'packetsReceived', 'packetsSent', 'bytesReceived', 'bytesSent', 'packetsLost',
    'fractionLost', 'jitterMs', 'rttMs', 'mos', 'packetsDropped', 'srtpFailures',
  ],
  conflict: ['id'],
});

const LEG_QUERY_SLICE = 5000;

/** Only the two numbers of each pause go into the column, whatever else the objects carry. */
function pausesJson(pauses: readonly RecordingPauseInput[]): string {
  return JSON.stringify(pauses.map((p) => ({ atMs: p.atMs, durationMs: p.durationMs })));
}

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
    const writes = [
      this.#writer.enqueueRow(upsertCall, [
        r.id, r.caller, r.callerName, r.callee, r.startedAt, r.answeredAt, r.endedAt, r.durationS, r.billableS,
        r.disposition, r.hangupCause, r.sipStatus, r.hangupBy, r.codec, r.recordingPath, r.recordingFormat,
        r.recordingDurationMs, pausesJson(r.recordingPauses), r.routing === undefined ? null : JSON.stringify({ trace: r.routing.trace, handlers: r.routing.handlers }),
      ]),
    ];
    for (const l of r.legs) {
      writes.push(
        this.#writer.enqueueRow(upsertLeg, [
          l.id, r.id, l.role, l.sipCallId, l.uri, l.transport, l.sourceAddress, l.userAgent, l.startedAt, l.answeredAt,
          l.endedAt, l.sipStatus, l.codec, l.packetsReceived, l.packetsSent, l.bytesReceived, l.bytesSent, l.packetsLost,
          l.fractionLost, l.jitterMs, l.rttMs, l.mos, l.packetsDropped, l.srtpFailures,
        ]),
      );
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
