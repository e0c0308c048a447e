// Post-call transcripts: GET /api/v1/cdrs/:id/transcript (the job's state and the segments) and
// GET /api/v1/transcripts?q= (search). A transcript says what was spoken, so it is read with the
// recordings.listen permission, and personal data in it (phone, ID-card, bank-card numbers, e-mail
// addresses) is masked as call records are, unless the role has pii.unmasked.
import type { Context, Hono } from 'hono';
import type { TranscriptSegmentRow } from '../../store/index.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, validate } from '../http-errors.js';
import { CdrParams } from '../schemas.js';
import { TranscriptQuery } from '../schemas-transcripts.js';
import { maskPii } from '../../security/pii.js';
import { callTouchOfPrincipal } from '../call-scope.js';

/** a masked viewer's search looks through at most this many matches (filtered on the masked text) */
const MASKED_SEARCH_CAP = 1000;

const unmasked = (c: Context<ApiEnv>): boolean => c.get('auth').permissions.has('pii.unmasked');

function segmentJson(row: TranscriptSegmentRow, mask: boolean) {
  return { callId: row.callId, channel: row.channel, speaker: row.speaker, startMs: row.startMs, endMs: row.endMs, text: mask ? maskPii(row.text) : row.text, confidence: row.confidence, source: row.source };
}

export function mountTranscriptRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const session = requireSession(deps);

  app.get('/api/v1/cdrs/:id/transcript', session, async (c) => {
    const repo = deps.transcripts;
    if (!repo) return jsonError(c, 404, { error: 'transcription is off' });
    const params = validate(c, CdrParams, c.req.param());
    if (!params.ok) return params.response;
    const id = params.value.id;
    if (!(await deps.callRecords.get(id))) return jsonError(c, 404, { error: 'call record not found' });
    const [job, rows] = await Promise.all([repo.job(id), repo.segments(id)]);
    const mask = !unmasked(c);
    return c.json({ callId: id, state: job?.state ?? 'none', attempts: job?.attempts ?? 0, lastError: job?.lastError ?? null, segments: rows.map((r) => segmentJson(r, mask)) });
  });

  app.get('/api/v1/transcripts', session, async (c) => {
    const repo = deps.transcripts;
    if (!repo) return jsonError(c, 404, { error: 'transcription is off' });
    const query = validate(c, TranscriptQuery, c.req.query());
    if (!query.ok) return query.response;
    const { q, limit, offset } = query.value;
    // a scoped supervisor finds only the calls it oversees (call-scope.ts): matches filtered, as the masked ones are
    const touch = callTouchOfPrincipal(deps, c.get('auth'));
    if (touch !== undefined) {
      const { items } = await repo.search({ q, limit: MASKED_SEARCH_CAP, offset: 0 });
      const mine = await deps.callRecords.touching([...new Set(items.map((r) => r.callId))], touch);
      const mask = !unmasked(c);
      const visible = items.filter((r) => mine.has(r.callId)).map((r) => segmentJson(r, mask)).filter((s) => !mask || s.text.includes(q));
      return c.json({ items: visible.slice(offset, offset + limit), total: visible.length, limit, offset });
    }
    if (unmasked(c)) {
      const { items, total } = await repo.search({ q, limit, offset });
      return c.json({ items: items.map((r) => segmentJson(r, false)), total, limit, offset });
    }
    // a masked viewer must not find a number by searching for it: only matches in the masked text count
    const { items } = await repo.search({ q, limit: MASKED_SEARCH_CAP, offset: 0 });
    const visible = items.map((r) => segmentJson(r, true)).filter((s) => s.text.includes(q));
    return c.json({ items: visible.slice(offset, offset + limit), total: visible.length, limit, offset });
  });
}
