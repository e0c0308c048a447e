// Masking call records for callers without the pii.unmasked permission (server/users/roles.ts);
// POST /api/v1/cdrs/{id}/reveal (pii.reveal) gives one record unmasked, audited.
import { maskPii } from '../security/pii.js';

/** A call record's text fields with phone, ID-card, bank-card numbers and e-mail addresses masked. */
export function maskCallRecord<R extends { caller: string; callee: string; callerName: string | null; legs: readonly { uri: string }[] }>(r: R): R {
  return {
    ...r,
    caller: maskPii(r.caller),
    callee: maskPii(r.callee),
    callerName: r.callerName === null ? null : maskPii(r.callerName),
    legs: r.legs.map((l) => ({ ...l, uri: maskPii(l.uri) })),
  };
}
