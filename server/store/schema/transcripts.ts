// Post-call transcription (issue 13): a durable job per recorded call, and the transcript's
// segments. The job row is the queue: it survives a restart (a job left 'running' by a crash is
// taken up again), and its attempts are bounded (a job that keeps failing ends 'failed' with the
// last reason). Segments hold the recogniser's text as it was heard; masking of personal data
// happens on the way out of the API, as for call records.
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const transcriptionJobStates = ['queued', 'running', 'done', 'failed'] as const;
export type TranscriptionJobState = (typeof transcriptionJobStates)[number];

export const transcriptionJobs = sqliteTable(
  'transcription_jobs',
  {
    /** the call record's id: one job per call */
    callId: text('call_id').primaryKey(),
    state: text('state', { enum: transcriptionJobStates }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** ms since the epoch: a queued job is not taken before (back-off after a failure) */
    notBefore: integer('not_before').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('transcription_jobs_state').on(t.state, t.notBefore)],
);

export const transcriptSources = ['post-call', 'live'] as const;
export type TranscriptSource = (typeof transcriptSources)[number];

export const transcriptSegments = sqliteTable(
  'transcript_segments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    callId: text('call_id').notNull(),
    /** recording channel: 0 left (caller), 1 right (callee); a mixed recording has only 0 */
    channel: integer('channel').notNull(),
    /** who spoke: 'caller' or 'callee' (from the channel), 'mixed' for a one-channel recording */
    speaker: text('speaker').notNull(),
    /** ms from the start of the recording (post-call), or from the call's start (live) */
    startMs: integer('start_ms').notNull(),
    endMs: integer('end_ms').notNull(),
    text: text('text').notNull(),
    /** 0..1; null when the recogniser gives none */
    confidence: real('confidence'),
    /** 'post-call': from the recording after the call; 'live': a final recognised during the call */
    source: text('source', { enum: transcriptSources }).notNull().default('post-call'),
  },
  (t) => [index('transcript_segments_call').on(t.callId, t.startMs)],
);

export type TranscriptionJobRow = typeof transcriptionJobs.$inferSelect;
export type TranscriptSegmentRow = typeof transcriptSegments.$inferSelect;
