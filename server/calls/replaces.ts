// The Replaces header (RFC 3891): which dialog a new INVITE, or the INVITE a REFER asks for
// (attended transfer, RFC 5589 §7), takes the place of. Sans-IO: text in, a typed dialog id or
// undefined out; nothing here throws on bad input.
import { getHeader, parseNameAddr, parseUri } from '../sip/index.js';
import type { SipRequest, Uri } from '../sip/index.js';

/** RFC 3891 §6.1: replaces = callid *(SEMI replaces-param); to-tag and from-tag each exactly once */
export interface ReplacesId {
  readonly callId: string;
  /** the tag of the party the request goes to (Hailing, as the recipient sees it: §3) */
  readonly toTag: string;
  /** the tag of the party whose dialog is replaced */
  readonly fromTag: string;
  /** §6.1 "early-only": replace the dialog only while it is not yet confirmed */
  readonly earlyOnly: boolean;
}

/** RFC 3891 §6.1 */
export function parseReplaces(value: string): ReplacesId | undefined {
  const [callIdPart, ...params] = value.split(';');
  const callId = callIdPart?.trim() ?? '';
  if (callId === '' || /\s/.test(callId)) return undefined;
  let toTag: string | undefined;
  let fromTag: string | undefined;
  let earlyOnly = false;
  for (const param of params) {
    const eq = param.indexOf('=');
    const name = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
    const val = eq < 0 ? '' : param.slice(eq + 1).trim();
    if (name === 'to-tag') {
      // §6.1: "MUST contain exactly one <to-tag> and exactly one <from-tag>"
      if (toTag !== undefined) return undefined;
      toTag = val;
    } else if (name === 'from-tag') {
      if (fromTag !== undefined) return undefined;
      fromTag = val;
    } else if (name === 'early-only') earlyOnly = true;
  }
  if (!toTag || !fromTag) return undefined;
  return { callId, toTag, fromTag, earlyOnly };
}

/** The target of a Refer-To (RFC 3515 §2.1) and, for an attended transfer, the Replaces in its URI headers. */
export interface ReferTarget {
  readonly user: string | undefined;
  /** present when the URI carries a Replaces header; undefined value when it is malformed */
  readonly replaces?: ReplacesId | 'malformed';
}

export function referTargetOf(value: string, userOf: (uri: Uri) => string | undefined): ReferTarget | undefined {
  const addr = parseNameAddr(value);
  const uri = parseUri(addr.ok ? addr.value.uri : value.trim());
  if (!uri.ok) return undefined;
  const headers = 'headers' in uri.value ? (uri.value.headers as ReadonlyMap<string, string>) : new Map<string, string>();
  const raw = [...headers].find(([k]) => k.toLowerCase() === 'replaces')?.[1];
  const user = userOf(uri.value);
  if (raw === undefined) return { user };
  return { user, replaces: parseReplaces(raw) ?? 'malformed' };
}

/** an INVITE's Replaces header (RFC 3891 §3); 'malformed' when present but unusable (→ 400) */
export function replacesOf(message: SipRequest): ReplacesId | 'malformed' | undefined {
  const raw = getHeader(message, 'Replaces');
  if (raw === undefined) return undefined;
  return parseReplaces(raw) ?? 'malformed';
}
