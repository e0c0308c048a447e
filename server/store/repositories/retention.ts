// Retention: the policies, and the call records the purge walks (ended, with a recording, not yet
// purged), legal holds and tags. Deciding what expires is the domain's (server/recording).
import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, or, type SQL } from 'drizzle-orm';
import type { Db } from '../database.js';
import { callLegs, callRecords, callTagsJson, type CallDirection } from '../schema/call-records.js';
import { retentionPolicies, type RetentionPolicyRow } from '../schema/retention.js';
import { transcriptionJobs, transcriptSegments } from '../schema/transcripts.js';
import { keywordHits } from '../schema/keywords.js';
import { ivrRuns } from '../schema/ivr.js';
import { acdInteractions } from '../schema/acd.js';

export type RetentionPolicy = RetentionPolicyRow;

export interface RetentionPolicyInput {
  readonly name: string;
  readonly direction: string | null;
  readonly disposition: string | null;
  readonly tag: string | null;
  readonly queue: string | null;
  readonly retainDays: number;
}

/** what the purge needs of a call */
export interface PurgeCandidate {
  readonly id: string;
  readonly direction: CallDirection;
  readonly disposition: string | null;
  readonly tags: readonly string[];
  /** the ACD queues the call waited in */
  readonly queues: readonly string[];
  readonly endedAt: number;
  readonly recordingPath: string;
  readonly legalHold: boolean;
}

/** what replaces a purged call's personal data: the record stays for statistics */
export const PURGED = 'purged';

export class RetentionRepository {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(options: { db: Db; now?: () => number }) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  listPolicies(): Promise<RetentionPolicy[]> {
    return this.#db.select().from(retentionPolicies).orderBy(asc(retentionPolicies.id));
  }

  async getPolicy(id: number): Promise<RetentionPolicy | undefined> {
    return (await this.#db.select().from(retentionPolicies).where(eq(retentionPolicies.id, id)))[0];
  }

  async createPolicy(input: RetentionPolicyInput): Promise<RetentionPolicy> {
    const now = this.#now();
    const rows = await this.#db.insert(retentionPolicies).values({ ...input, createdAt: now, updatedAt: now }).returning();
    return rows[0] as RetentionPolicy;
  }

  async updatePolicy(id: number, input: RetentionPolicyInput): Promise<RetentionPolicy | undefined> {
    const rows = await this.#db.update(retentionPolicies).set({ ...input, updatedAt: this.#now() }).where(eq(retentionPolicies.id, id)).returning();
    return rows[0];
  }

  async deletePolicy(id: number): Promise<boolean> {
    return (await this.#db.delete(retentionPolicies).where(eq(retentionPolicies.id, id)).returning({ id: retentionPolicies.id })).length > 0;
  }

  /**
   * Ended calls with a recording not yet purged that ended at or before `endedBy`, oldest first,
   * after the cursor (endedAt, id) of the previous page.
   */
  async purgeCandidates(o: { readonly endedBy: number; readonly after?: { endedAt: number; id: string }; readonly limit: number }): Promise<PurgeCandidate[]> {
    const where: SQL[] = [isNull(callRecords.purgedAt), isNotNull(callRecords.recordingPath), isNotNull(callRecords.endedAt), lte(callRecords.endedAt, o.endedBy)];
    if (o.after) where.push(or(gt(callRecords.endedAt, o.after.endedAt), and(eq(callRecords.endedAt, o.after.endedAt), gt(callRecords.id, o.after.id))) as SQL);
    const rows = await this.#db
      .select({
        id: callRecords.id,
        direction: callRecords.direction,
        disposition: callRecords.disposition,
        tags: callRecords.tags,
        endedAt: callRecords.endedAt,
        recordingPath: callRecords.recordingPath,
        hold: callRecords.legalHoldReason,
      })
      .from(callRecords)
      .where(and(...where))
      .orderBy(asc(callRecords.endedAt), asc(callRecords.id))
      .limit(o.limit);
    const queues = await this.#queuesOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      direction: r.direction,
      disposition: r.disposition,
      tags: callTagsJson.decode(r.tags),
      queues: queues.get(r.id) ?? [],
      endedAt: r.endedAt ?? 0,
      recordingPath: r.recordingPath ?? '',
      legalHold: r.hold !== null,
    }));
  }

  /** call id → the ACD queues each call waited in (a call moved or overflowed waited in several) */
  async #queuesOf(callIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (callIds.length === 0) return out;
    const rows = await this.#db.selectDistinct({ callId: acdInteractions.callId, queueId: acdInteractions.queueId }).from(acdInteractions).where(inArray(acdInteractions.callId, [...callIds]));
    for (const r of rows) if (r.callId !== null) out.set(r.callId, [...(out.get(r.callId) ?? []), r.queueId]);
    return out;
  }

  /** the retention facts of one call; undefined when there is no such call */
  async candidate(id: string): Promise<(Omit<PurgeCandidate, 'endedAt'> & { readonly purgedAt: number | null; readonly endedAt: number | null }) | undefined> {
    const r = (await this.#db.select().from(callRecords).where(eq(callRecords.id, id)))[0];
    if (r === undefined) return undefined;
    const queues = (await this.#queuesOf([id])).get(id) ?? [];
    return { id: r.id, direction: r.direction, disposition: r.disposition, tags: callTagsJson.decode(r.tags), queues, endedAt: r.endedAt, recordingPath: r.recordingPath ?? '', legalHold: r.legalHoldReason !== null, purgedAt: r.purgedAt };
  }

  /**
   * Marks calls purged: the recording's path is cleared and the personal data (numbers, names,
   * addresses, user agents) replaced, in one transaction; the rest (times, disposition) stays.
   */
  async markPurged(o: { readonly ids: readonly string[]; readonly at: number }): Promise<void> {
    if (o.ids.length === 0) return;
    // one statement per table for the whole page (the purge hands at most 1000 ids)
    await this.#db.transaction(async (tx) => {
      await tx
        .update(callRecords)
        .set({ purgedAt: o.at, recordingPath: null, caller: PURGED, callee: PURGED, callerName: null, routing: null, ivr: null, wrapUpNotes: null })
        .where(inArray(callRecords.id, [...o.ids]));
      await tx.update(callLegs).set({ uri: `sip:${PURGED}@invalid`, sourceAddress: null, userAgent: null, sipCallId: PURGED }).where(inArray(callLegs.callId, [...o.ids]));
      // what was said on the call goes with its recording: transcripts (post-call and live), their
      // jobs, keyword hits, and the IVR run's trace (what the caller keyed and said); the run's
      // outcome and path stay for the flow's containment figures
      await tx.delete(transcriptSegments).where(inArray(transcriptSegments.callId, [...o.ids]));
      await tx.delete(transcriptionJobs).where(inArray(transcriptionJobs.callId, [...o.ids]));
      await tx.delete(keywordHits).where(inArray(keywordHits.callId, [...o.ids]));
      await tx.update(ivrRuns).set({ trace: [] }).where(inArray(ivrRuns.id, [...o.ids]));
    });
  }

  /** false when there is no such call */
  async setLegalHold(o: { readonly id: string; readonly hold: { readonly reason: string; readonly by: string } | null }): Promise<boolean> {
    const rows = await this.#db
      .update(callRecords)
      .set(o.hold === null ? { legalHoldReason: null, legalHoldBy: null, legalHoldAt: null } : { legalHoldReason: o.hold.reason, legalHoldBy: o.hold.by, legalHoldAt: this.#now() })
      .where(eq(callRecords.id, o.id))
      .returning({ id: callRecords.id });
    return rows.length > 0;
  }

  /** an ACD agent's wrap-up on the call it handled; false when there is no such call (yet) */
  async setWrapUp(o: { readonly id: string; readonly code: string | null; readonly notes: string | null; readonly agentId: string }): Promise<boolean> {
    const rows = await this.#db
      .update(callRecords)
      .set({ wrapUpCode: o.code, wrapUpNotes: o.notes, wrapUpBy: o.agentId, wrapUpAt: this.#now() })
      .where(eq(callRecords.id, o.id))
      .returning({ id: callRecords.id });
    return rows.length > 0;
  }

  async setTags(o: { readonly id: string; readonly tags: readonly string[] }): Promise<boolean> {
    const rows = await this.#db.update(callRecords).set({ tags: callTagsJson.encode(o.tags) ?? '[]' }).where(eq(callRecords.id, o.id)).returning({ id: callRecords.id });
    return rows.length > 0;
  }
}
