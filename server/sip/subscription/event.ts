// The header fields of SIP-specific event notification (RFC 6665 §8.2): Event, Allow-Events and
// Subscription-State. Sans-IO, never throws.
import { splitTopLevel } from '../message/lexer.js';

export interface EventHeader {
  /** RFC 6665 §8.2.1: event-type tokens compare case-sensitively; kept as written */
  readonly package: string;
  /** the "id" parameter that tells subscriptions in one dialog apart (RFC 6665 §8.2.1) */
  readonly id?: string;
}

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** RFC 6665 §8.4: Event = ( "Event" / "o" ) HCOLON event-type *( SEMI event-param ) */
export function parseEventHeader(value: string | undefined): EventHeader | undefined {
  if (value === undefined) return undefined;
  const [type, ...params] = (splitTopLevel(value, ';') ?? []).map((p) => p.trim());
  if (type === undefined || !TOKEN.test(type)) return undefined;
  let id: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq > 0 && p.slice(0, eq).trim().toLowerCase() === 'id') id = p.slice(eq + 1).trim();
  }
  return id === undefined ? { package: type } : { package: type, id };
}

export type SubscriptionStateValue =
  | { readonly state: 'active' | 'pending'; readonly expiresS: number }
  | { readonly state: 'terminated'; readonly reason?: 'timeout' | 'noresource' | 'deactivated' | 'rejected' | 'giveup' };

/** RFC 6665 §8.2.3: Subscription-State: active;expires=N, or terminated;reason=R */
export function formatSubscriptionState(value: SubscriptionStateValue): string {
  if (value.state === 'terminated') return value.reason === undefined ? 'terminated' : `terminated;reason=${value.reason}`;
  return `${value.state};expires=${Math.max(0, Math.floor(value.expiresS))}`;
}

/** RFC 3261 §20.1 Accept: does the list admit this media type? Absent Accept means the package default. */
export function accepts(acceptValues: readonly string[], type: string): boolean {
  if (acceptValues.length === 0) return true;
  const [major] = type.split('/');
  return acceptValues
    .flatMap((v) => splitTopLevel(v, ',') ?? [])
    .map((v) => (v.split(';')[0] ?? '').trim().toLowerCase())
    .some((t) => t === '*/*' || t === type || t === `${major}/*`);
}
