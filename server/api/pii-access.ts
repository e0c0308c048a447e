// Who sees personal data unmasked in API output (issue 14). Until the roles work replaces this
// with a `pii.reveal` permission per role, the rule is by the built-in role: admins see call
// records as stored, everyone else sees them masked (server/security/pii.ts) and may ask for one
// record unmasked through POST /api/v1/cdrs/{id}/reveal, which is audited.
import type { AdminRole } from '../store/index.js';
import { maskPii } from '../security/pii.js';

/** roles that see call records unmasked in lists and exports */
const UNMASKED_ROLES: ReadonlySet<AdminRole> = new Set(['admin']);
/** roles that may reveal one record unmasked, with a reason, audited */
const REVEAL_ROLES: ReadonlySet<AdminRole> = new Set(['admin', 'supervisor']);

export const seesPiiUnmasked = (role: AdminRole): boolean => UNMASKED_ROLES.has(role);
export const mayRevealPii = (role: AdminRole): boolean => REVEAL_ROLES.has(role);

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
