// Final outcomes mapped by table (CONVENTIONS.md §11): what a failed or ended call becomes in its
// record, and which of several forked failures the caller is told (RFC 3261 §16.7 step 6).
import type { CallDisposition } from './types.js';

export interface Failure {
  readonly status: number;
  readonly reason?: string;
  readonly disposition: CallDisposition;
  readonly cause: string;
}

/** Outcomes Hailing decides itself, before or instead of any callee's answer. */
export const FAILURES = {
  notFound: { status: 404, disposition: 'FAILED', cause: 'not-found' },
  forbidden: { status: 403, disposition: 'FAILED', cause: 'forbidden' },
  unavailable: { status: 480, disposition: 'FAILED', cause: 'unavailable' },
  noAnswer: { status: 480, reason: 'No Answer', disposition: 'NO ANSWER', cause: 'no-answer' },
  cancelled: { status: 487, disposition: 'CANCELLED', cause: 'cancelled' },
  notAcceptable: { status: 488, disposition: 'FAILED', cause: 'incompatible-media' },
  noMedia: { status: 503, reason: 'No Media Ports', disposition: 'FAILED', cause: 'media-unavailable' },
  tooManyHops: { status: 483, disposition: 'FAILED', cause: 'too-many-hops' },
  shutdown: { status: 503, disposition: 'FAILED', cause: 'shutdown' },
} as const satisfies Record<string, Failure>;

/** RFC 3262 §3: a reliable provisional never PRACKed within 64*T1: the UAS "SHOULD reject the original request with a 5xx" */
export const PRACK_TIMEOUT: Failure = { status: 504, reason: 'No PRACK', disposition: 'FAILED', cause: 'prack-timeout' };

/** RFC 3326 Reason of the CANCEL to forks another phone answered (as RFC 3326 §2's example of SIP causes; phones then log no missed call) */
export const ANSWERED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"';

/**
 * RFC 3326 Reason values for the BYE of a call ended for a known cause: Q.850 cause 16 for a
 * normal end, the SIP status that names the failure otherwise. Causes not listed send none.
 */
const BYE_REASONS: Readonly<Record<string, string>> = {
  'normal-clearing': 'Q.850;cause=16;text="Normal call clearing"',
  'session-timer-expired': 'SIP;cause=408;text="Session timer expired"',
  'session-refresh-failed': 'SIP;cause=408;text="Session refresh failed"',
  'ack-timeout': 'SIP;cause=408;text="ACK timeout"',
  'media-timeout': 'SIP;cause=408;text="Media timeout"',
  shutdown: 'SIP;cause=503;text="Service shutting down"',
};

export const byeReason = (cause: string): string | undefined => BYE_REASONS[cause];

const BUSY = new Set([486, 600]);
const DECLINED = new Set([603]);

/** What the callee's final failure means for the record (Asterisk's dial statuses). */
export function failureFromCallee(status: number, reason: string | undefined): Failure {
  if (BUSY.has(status)) return { status: 486, disposition: 'BUSY', cause: 'busy' };
  if (DECLINED.has(status)) return { status: 603, ...(reason ? { reason } : {}), disposition: 'BUSY', cause: 'declined' };
  if (status === 408 || status === 480) return { status: 480, disposition: 'NO ANSWER', cause: 'no-answer' };
  if (status === 487) return { status: 487, disposition: 'CANCELLED', cause: 'cancelled' };
  return { status, ...(reason ? { reason } : {}), disposition: 'FAILED', cause: `callee-${status}` };
}

/**
 * RFC 3261 §16.7 step 6: with no 2xx, a 6xx wins; otherwise the lowest class, and within 4xx the
 * busy signal is the most useful one for a caller ("the callee is there but busy" beats "not there").
 */
export function bestFailure(statuses: readonly { status: number; reason?: string }[]): { status: number; reason?: string } | undefined {
  if (statuses.length === 0) return undefined;
  const sixes = statuses.filter((s) => s.status >= 600);
  if (sixes.length > 0) return sixes[0];
  const busy = statuses.find((s) => s.status === 486);
  if (busy) return busy;
  return [...statuses].sort((a, b) => Math.floor(a.status / 100) - Math.floor(b.status / 100) || (a.status === 408 ? 1 : 0) - (b.status === 408 ? 1 : 0))[0];
}
