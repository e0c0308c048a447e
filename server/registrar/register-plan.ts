// The binding update of a REGISTER (RFC 3261 §10.3 steps 6 and 7) as a pure function: given the
// request's contacts and the AOR's current bindings, compute the new binding set or the error
// that aborts the whole request. No I/O, so every rule is unit-testable, and the registrar can
// persist the outcome before it touches memory or answers.
import type { NameAddr, Result, Uri } from '../sip/message/types.js';
import { parseUri, uriEquals } from '../sip/message/uri.js';
import type { Flow } from '../sip/transport/types.js';
import type { Binding } from './ports.js';

export interface ExpiryLimits {
  readonly minExpires: number;
  readonly maxExpires: number;
  readonly defaultExpires: number;
}

export interface PlanInput {
  readonly aor: string;
  /** parseContacts() of the request: '*' or the Contact list (empty for a query) */
  readonly contacts: '*' | readonly NameAddr[];
  /** the Expires header field, when present and valid */
  readonly headerExpires: number | undefined;
  readonly callId: string;
  readonly cseq: number;
  /** the AOR's current live bindings */
  readonly existing: readonly Binding[];
  readonly limits: ExpiryLimits;
  readonly maxContacts: number;
  readonly now: number;
  readonly flow: Flow;
  readonly source: { readonly address: string; readonly port: number };
  readonly userAgent: string | undefined;
}

/** Errors are values mapped by table to responses (CONVENTIONS.md §11; see responses.ts). */
export type RegisterError =
  | { readonly kind: 'bad-request'; readonly detail: string }
  | { readonly kind: 'interval-too-brief'; readonly minExpires: number }
  | { readonly kind: 'out-of-order'; readonly contact: string }
  | { readonly kind: 'too-many-contacts'; readonly max: number };

export interface RegisterPlan {
  /** bindings to save (new or refreshed) */
  readonly save: readonly Binding[];
  /** bindings to remove */
  readonly remove: readonly Binding[];
  /** the AOR's bindings after the update: what the 200 OK lists */
  readonly result: readonly Binding[];
}

/** RFC 3261 §20.19 / §25.1: delta-seconds is 1*DIGIT; values beyond 2^32-1 are taken as 2^32-1. */
export function parseDeltaSeconds(text: string | null | undefined): number | undefined {
  if (text === undefined || text === null || !/^\d{1,20}$/.test(text.trim())) return undefined;
  return Math.min(Number(text.trim()), 4294967295);
}

/** RFC 3261 §20.10: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
export function parseQValue(text: string | null | undefined): number | undefined {
  if (text === undefined) return 1;
  if (text === null || !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

interface ParsedContact {
  readonly text: string;
  readonly uri: Uri;
  readonly expires: number;
  readonly q: number;
  readonly instanceId: string | undefined;
}

/**
 * The parsed Contact URI of a binding, so that step 7's comparison does not re-parse every stored
 * Contact of an AOR on every refresh (with thousands of phones the parse memo cannot hold them all).
 * Kept on the binding under a non-enumerable symbol, as core-headers.ts does for messages: a copy
 * made by spreading (which could change the Contact) leaves it behind, JSON and persistence never
 * see it, and unlike a WeakMap it adds nothing for the young-generation GC to walk. A binding
 * restored from the database is parsed on its first comparison. null: not parseable.
 */
const CONTACT_URI = Symbol('contactUri');

function rememberContactUri(binding: Binding, uri: Uri | null): void {
  Object.defineProperty(binding, CONTACT_URI, { value: uri, enumerable: false });
}

function contactUriOf(binding: Binding): Uri | undefined {
  let uri = (binding as { [CONTACT_URI]?: Uri | null })[CONTACT_URI];
  if (uri === undefined) {
    const parsed = parseUri(binding.contact);
    uri = parsed.ok ? parsed.value : null;
    // (a binding someone froze is simply parsed each time)
    if (Object.isExtensible(binding)) rememberContactUri(binding, uri);
  }
  return uri ?? undefined;
}

function matches(binding: Binding, contact: ParsedContact): boolean {
  // RFC 5626 §6: with +sip.instance the instance names the device, whatever its (NATed) Contact says
  if (contact.instanceId !== undefined && binding.instanceId === contact.instanceId) return true;
  if (binding.contact === contact.text) return true;
  // RFC 3261 §10.3 step 7: "compared ... using the URI comparison rules of Section 19.1.4"
  const stored = contactUriOf(binding);
  return stored !== undefined && uriEquals(stored, contact.uri);
}

function unquote(value: string | null | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
}

function parseContacts(input: PlanInput, list: readonly NameAddr[]): Result<ParsedContact[], RegisterError> {
  const out: ParsedContact[] = [];
  let tooBrief = false;
  for (const c of list) {
    const uri = parseUri(c.uri);
    if (!uri.ok) return { ok: false, error: { kind: 'bad-request', detail: `invalid Contact URI: ${uri.error}` } };
    // RFC 3261 §10.2.1.1: the contact's expires parameter wins over the Expires header, which wins
    // over the registrar's default; a malformed value counts as absent (§20.19 "treated as 3600").
    let expires = parseDeltaSeconds(c.params.get('expires')) ?? input.headerExpires ?? input.limits.defaultExpires;
    // RFC 3261 §10.3 step 7: "If and only if the requested expiration interval is greater than zero
    // AND smaller than one hour AND less than a registrar-configured minimum, the registrar MAY
    // reject the registration with a response of 423". We apply the configured minimum.
    if (expires > 0 && expires < input.limits.minExpires) tooBrief = true;
    // ... "the registrar MAY shorten the expiration interval" when it is too long.
    expires = Math.min(expires, input.limits.maxExpires);
    const q = parseQValue(c.params.get('q'));
    if (q === undefined) return { ok: false, error: { kind: 'bad-request', detail: 'invalid q value' } };
    out.push({ text: c.uri, uri: uri.value, expires, q, instanceId: unquote(c.params.get('+sip.instance')) });
  }
  if (tooBrief) return { ok: false, error: { kind: 'interval-too-brief', minExpires: input.limits.minExpires } };
  return { ok: true, value: out };
}

/** Whether the request is older than the binding it would change (RFC 3261 §10.3 step 7). */
function outOfOrder(binding: Binding, input: PlanInput): boolean {
  // "If they are the same, the registrar compares the CSeq value. If the value is higher than that
  // of the existing binding, it MUST update or remove the binding as above. If not, the update
  // MUST be aborted and the request fails."
  return binding.callId === input.callId && input.cseq <= binding.cseq;
}

export function planRegister(input: PlanInput): Result<RegisterPlan, RegisterError> {
  if (input.contacts === '*') {
    // RFC 3261 §10.3 step 6: "*" is only valid with an Expires header of zero
    if (input.headerExpires !== 0) {
      return { ok: false, error: { kind: 'bad-request', detail: 'wildcard Contact requires Expires: 0' } };
    }
    // ... and then every binding is removed, subject to the Call-ID/CSeq check of step 7
    for (const b of input.existing) if (outOfOrder(b, input)) return { ok: false, error: { kind: 'out-of-order', contact: b.contact } };
    return { ok: true, value: { save: [], remove: [...input.existing], result: [] } };
  }
  const parsed = parseContacts(input, input.contacts);
  if (!parsed.ok) return parsed;
  // Work on a copy so a later error leaves nothing half-applied (the whole request fails).
  let current = [...input.existing];
  const saved = new Map<Binding, Binding>();
  const removed = new Set<Binding>();
  for (const contact of parsed.value) {
    const match = current.find((b) => matches(b, contact));
    // (a binding made earlier in this same request is not "existing": no CSeq check against itself)
    if (match && !saved.has(match) && outOfOrder(match, input)) return { ok: false, error: { kind: 'out-of-order', contact: match.contact } };
    if (match) {
      current = current.filter((b) => b !== match);
      if (saved.has(match)) saved.delete(match);
      else removed.add(match);
    }
    if (contact.expires === 0) continue;
    const binding: Binding = {
      aor: input.aor,
      contact: contact.text,
      q: contact.q,
      expiresAt: input.now + contact.expires * 1000,
      callId: input.callId,
      cseq: input.cseq,
      flow: input.flow,
      source: input.source,
      ...(input.userAgent !== undefined ? { userAgent: input.userAgent } : {}),
      ...(contact.instanceId !== undefined ? { instanceId: contact.instanceId } : {}),
      updatedAt: input.now,
    };
    rememberContactUri(binding, contact.uri);
    current.push(binding);
    saved.set(binding, binding);
  }
  if (current.length > input.maxContacts) return { ok: false, error: { kind: 'too-many-contacts', max: input.maxContacts } };
  // A binding both removed and re-saved under the same Contact is a refresh: save only.
  const savedContacts = new Set([...saved.keys()].map((b) => b.contact));
  const remove = [...removed].filter((b) => !savedContacts.has(b.contact));
  return { ok: true, value: { save: [...saved.keys()], remove, result: current } };
}
