// The transcription job queue and transcript segments (schema/transcripts.ts). Jobs are claimed one
// at a time by an UPDATE that only succeeds on a queued row, so a job is never run twice at once.
import { and, asc, eq, like, lte, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { transcriptionJobs, transcriptSegments, type TranscriptionJobRow, type TranscriptSegmentRow } from '../schema/transcripts.js';

export type NewTranscriptSegment = Omit<TranscriptSegmentRow, 'id' | 'callId' | 'source'>;

export class TranscriptsRepository {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(options: { db: Db; now?: () => number }) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  /** queues the call's transcription; a call already queued or done is left as it is */
  async enqueue(callId: string): Promise<void> {
    const now = this.#now();
    await this.#db.insert(transcriptionJobs).values({ callId, state: 'queued', attempts: 0, notBefore: now, createdAt: now, updatedAt: now }).onConflictDoNothing();
  }

  /** jobs a crash left 'running' are queued again (called once at start) */
  async requeueRunning(): Promise<number> {
    const r = await this.#db.update(transcriptionJobs).set({ state: 'queued', updatedAt: this.#now() }).where(eq(transcriptionJobs.state, 'running')).returning({ id: transcriptionJobs.callId });
    return r.length;
  }

  /** the oldest queued job that is due, now 'running' with one more attempt; undefined when none */
  async claim(): Promise<TranscriptionJobRow | undefined> {
    const now = this.#now();
    for (;;) {
      const [next] = await this.#db
        .select()
        .from(transcriptionJobs)
        .where(and(eq(transcriptionJobs.state, 'queued'), lte(transcriptionJobs.notBefore, now)))
        .orderBy(asc(transcriptionJobs.notBefore))
        .limit(1);
      if (!next) return undefined;
      const [claimed] = await this.#db
        .update(transcriptionJobs)
        .set({ state: 'running', attempts: sql`${transcriptionJobs.attempts} + 1`, updatedAt: now })
        .where(and(eq(transcriptionJobs.callId, next.callId), eq(transcriptionJobs.state, 'queued')))
        .returning();
      if (claimed) return claimed;
    }
  }

  /** the job's segments replace any earlier post-call ones (live ones stay), and the job is done */
  async complete(callId: string, segments: readonly NewTranscriptSegment[]): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.delete(transcriptSegments).where(and(eq(transcriptSegments.callId, callId), eq(transcriptSegments.source, 'post-call')));
      if (segments.length > 0) await tx.insert(transcriptSegments).values(segments.map((s) => ({ ...s, callId, source: 'post-call' as const })));
      await tx.update(transcriptionJobs).set({ state: 'done', lastError: null, updatedAt: this.#now() }).where(eq(transcriptionJobs.callId, callId));
    });
  }

  /** one final of live transcription, stored as the call goes on */
  async addLive(callId: string, segment: NewTranscriptSegment): Promise<void> {
    await this.#db.insert(transcriptSegments).values({ ...segment, callId, source: 'live' });
  }

  /** a failed attempt: queued again after `retryInMs`, or 'failed' for good once attempts reach `maxAttempts` */
  async fail(job: TranscriptionJobRow, reason: string, o: { maxAttempts: number; retryInMs: number }): Promise<void> {
    const now = this.#now();
    const final = job.attempts >= o.maxAttempts;
    await this.#db
      .update(transcriptionJobs)
      .set({ state: final ? 'failed' : 'queued', lastError: reason, notBefore: final ? job.notBefore : now + o.retryInMs, updatedAt: now })
      .where(eq(transcriptionJobs.callId, job.callId));
  }

  async job(callId: string): Promise<TranscriptionJobRow | undefined> {
    const [row] = await this.#db.select().from(transcriptionJobs).where(eq(transcriptionJobs.callId, callId));
    return row;
  }

  async segments(callId: string): Promise<TranscriptSegmentRow[]> {
    return this.#db.select().from(transcriptSegments).where(eq(transcriptSegments.callId, callId)).orderBy(asc(transcriptSegments.startMs), asc(transcriptSegments.channel));
  }

  /** segments whose text contains `q` (a plain substring: % and _ match themselves), newest call first */
  async search(o: { q: string; limit: number; offset: number }): Promise<{ items: TranscriptSegmentRow[]; total: number }> {
    const pattern = `%${o.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const where = sql`${like(transcriptSegments.text, pattern)} escape '\\'`;
    const items = await this.#db.select().from(transcriptSegments).where(where).orderBy(sql`${transcriptSegments.id} desc`).limit(o.limit).offset(o.offset);
    const [count] = await this.#db.select({ n: sql<number>`count(*)` }).from(transcriptSegments).where(where);
    return { items, total: Number(count?.n ?? 0) };
  }
}
