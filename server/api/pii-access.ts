// Masking call records for callers without the pii.unmasked permission (server/users/roles.ts);
// POST /api/v1/cdrs/{id}/reveal (pii.reveal) gives one record unmasked, audited. The same rule
// covers every other place a role sees a caller's or callee's number: live calls, the ACD floor
// (GET /acd/live, the wallboard, the stream's acd topic), the calls and transcripts topics,
// voicemail messages and the agent's screen-pop (docs/data-at-rest.md, PII masking).
import { maskPii } from '../security/pii.js';
import type { LiveAgent, LiveQueue } from '../acd/live.js';

/** The one rule: a principal (a session's or an API token's) sees personal data unmasked only with pii.unmasked. */
export const seesUnmasked = (p: { readonly permissions: ReadonlySet<string> }): boolean => p.permissions.has('pii.unmasked');

type Parties = { caller?: string; callee?: string; callerName?: string | null; target?: string };

/** A live call, call event, ACD caller or voicemail message with its numbers (and the caller's name, a transfer's target) masked. */
export function maskParties<R extends Parties>(r: R): R {
  const out: Parties = { ...r };
  if (typeof r.caller === 'string') out.caller = maskPii(r.caller);
  if (typeof r.callee === 'string') out.callee = maskPii(r.callee);
  if (typeof r.callerName === 'string') out.callerName = maskPii(r.callerName);
  if (typeof r.target === 'string') out.target = maskPii(r.target);
  return out as R;
}

const maskQueue = (q: LiveQueue): LiveQueue => ({ ...q, callers: q.callers.map(maskParties) });
const maskAgent = (a: LiveAgent): LiveAgent => ({ ...a, work: a.work.map(maskParties) });

type FloorParts = { caller?: string; queues?: LiveQueue[]; agents?: LiveAgent[]; queue?: LiveQueue | string; agent?: LiveAgent | string };

/**
 * The ACD floor (snapshot, queue and agent deltas, offers) with every waiting or connected caller's
 * number masked. The event stream knows these events only as `{ type, at }` (types.ts AcdEventJson),
 * so each part is masked where it is present rather than trusted to be there.
 */
export function maskAcdEvent<E extends { readonly type: string }>(e: E): E {
  const parts = e as FloorParts;
  const out: FloorParts = maskParties(parts);
  if (Array.isArray(parts.queues)) out.queues = parts.queues.map(maskQueue);
  if (Array.isArray(parts.agents)) out.agents = parts.agents.map(maskAgent);
  // an offer's `queue` is the queue's id, a delta's the queue itself
  if (typeof parts.queue === 'object') out.queue = maskQueue(parts.queue);
  if (typeof parts.agent === 'object') out.agent = maskAgent(parts.agent);
  return out as E;
}

/** A call record's text fields with phone, ID-card, bank-card numbers and e-mail addresses masked. */
export function maskCallRecord<R extends { caller: string; callee: string; callerName: string | null; legs: readonly { uri: string }[] }>(r: R): R {
  return {
    ...maskParties(r),
    legs: r.legs.map((l) => ({ ...l, uri: maskPii(l.uri) })),
  };
}
