// Post-call transcripts (issue 13): GET /api/v1/cdrs/{id}/transcript and GET /api/v1/transcripts?q=.
import { z } from 'zod';

export const TranscriptSegment = z.object({
  callId: z.string(),
  channel: z.number().int().meta({ description: 'recording channel: 0 left (caller), 1 right (callee)' }),
  speaker: z.string().meta({ description: "'caller', 'callee', or 'mixed' for a one-channel recording" }),
  startMs: z.number().int().meta({ description: "ms from the start of the recording (post-call), or from the call's start (live)" }),
  endMs: z.number().int(),
  text: z.string().meta({ description: 'phone, ID-card and bank-card numbers and e-mail addresses masked without the pii.unmasked permission' }),
  confidence: z.number().nullable().meta({ description: '0..1; null when the recogniser gives none' }),
  source: z.enum(['post-call', 'live']).meta({ description: "'post-call': transcribed from the recording after the call; 'live': a final of live transcription during the call" }),
});

export const Transcript = z.object({
  callId: z.string(),
  state: z.enum(['queued', 'running', 'done', 'failed', 'none']).meta({ description: "the transcription job's state; 'none': the call was never queued (not recorded, or transcription off)" }),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  segments: z.array(TranscriptSegment),
});

export const TranscriptQuery = z.object({
  q: z.string().trim().min(1, 'q: give the text to search for').max(200),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const TranscriptSearchResult = z.object({ items: z.array(TranscriptSegment), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
