// Where a call went before reaching the phone it rings now: an extension's forwards (unconditional,
// busy, no answer) and a ring group handing it to its members. The INVITE to the new target says
// so in both headers phones, voicemail systems and carriers read: Diversion (RFC 5806, the most
// recent first) and History-Info (RFC 7044, the oldest first, indexed as a chain of retargets).
// Pure: the hops in, header values out.

/** why the call left `from`: a forward (RFC 5806 §4 reasons) or a ring group reaching its member */
export type RetargetReason = 'unconditional' | 'busy' | 'no-answer' | 'group';

export interface Retarget {
  /** the number the call was for before this hop (the first one: the number dialled) */
  readonly from: string;
  readonly reason: RetargetReason;
}

/** RFC 5806 §4 diversion-reason; a ring group is none of the named ones */
const DIVERSION_REASON: Record<RetargetReason, string> = { unconditional: 'unconditional', busy: 'user-busy', 'no-answer': 'no-answer', group: 'unknown' };

/**
 * RFC 4458 §3 cause (carried in the new target's URI, RFC 7044 §10.1) and the SIP response the old
 * target's entry records in an escaped Reason (RFC 7044 §4.3.3.1.1; RFC 3326). A group is not a
 * failure of its number: its member's entry is only a mapping (mp).
 */
const CAUSE: Record<RetargetReason, { readonly code: number; readonly text: string } | undefined> = {
  unconditional: { code: 302, text: 'Moved Temporarily' },
  busy: { code: 486, text: 'Busy Here' },
  'no-answer': { code: 408, text: 'Request Timeout' },
  group: undefined,
};

const aor = (number: string, domain: string) => `sip:${number}@${domain}`;

/** RFC 5806 §3: one Diversion value per hop, the most recent first */
export function diversionValues(o: { readonly domain: string; readonly hops: readonly Retarget[] }): string[] {
  return [...o.hops].reverse().map((h) => `<${aor(h.from, o.domain)}>;reason=${DIVERSION_REASON[h.reason]};counter=1`);
}

/**
 * RFC 7044 §9-10: the hi-entries from the number first dialled to `target`. Each hop's target is a
 * child of the one before (index 1, 1.1, 1.1.1, ...) with mp naming its parent (the request was
 * retargeted to a new AOR); the entry the call left carries why in an escaped Reason, the next one
 * the RFC 4458 cause.
 */
export function historyInfoValues(o: { readonly domain: string; readonly hops: readonly Retarget[]; readonly target: string; readonly targetDomain?: string }): string[] {
  if (o.hops.length === 0) return [];
  const numbers = [...o.hops.map((h) => h.from), o.target];
  let index = '1';
  return numbers.map((number, i) => {
    const before = i > 0 ? CAUSE[o.hops[i - 1]!.reason] : undefined;
    const left = i < o.hops.length ? CAUSE[o.hops[i]!.reason] : undefined;
    // the hops are Hailing's extensions; the target may be a carrier's number (a trunk call)
    const uri = aor(number, i === o.hops.length ? (o.targetDomain ?? o.domain) : o.domain) + (before ? `;cause=${before.code}` : '') + (left ? `?Reason=${encodeURIComponent(`SIP;cause=${left.code};text="${left.text}"`)}` : '');
    const parent = index;
    if (i > 0) index = `${index}.1`;
    return `<${uri}>;index=${index}${i > 0 ? `;mp=${parent}` : ''}`;
  });
}

/** both headers for an INVITE to `target` (at `targetDomain`, default `domain`) after `hops` (none when the call was not retargeted) */
export function retargetHeaders(o: { readonly domain: string; readonly hops: readonly Retarget[]; readonly target: string; readonly targetDomain?: string }): [string, string][] {
  return [...diversionValues(o).map((v): [string, string] => ['Diversion', v]), ...historyInfoValues(o).map((v): [string, string] => ['History-Info', v])];
}
