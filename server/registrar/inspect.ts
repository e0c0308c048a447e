// The checks of RFC 3261 §10.3 steps 1-2 and the syntax a REGISTER must have, which come before
// authentication. Both the stateless 401 path and the transactional path run them, so they live
// apart from the registrar's state and reuse what the parser already parsed and checked.
import { getHeader, getHeaderValues, parseCSeq, parseContacts, parseNameAddr } from '../sip/message/headers.js';
import { parseUri } from '../sip/message/uri.js';
import { coreHeadersOf } from '../sip/message/core-headers.js';
import type { NameAddr, SipMessage, SipUri } from '../sip/message/types.js';
import type { IncomingRequest, ReplyOptions } from '../sip/stack/types.js';

/** RFC 3261 §10.3 step 2: we implement no extension a REGISTER could require. */
const SUPPORTED_EXTENSIONS: ReadonlySet<string> = new Set();

/** What the pre-authentication checks parsed, for the steps after authentication. */
export interface Inspected {
  readonly toSip: SipUri;
  readonly contacts: '*' | NameAddr[];
  readonly cseq: number;
  readonly callId: string;
}

export type Inspection = { readonly refuse: ReplyOptions } | { readonly refuse?: undefined; readonly parsed: Inspected };

const hasRequire = (msg: SipMessage): boolean => msg.headers.some((h) => h.name.length === 7 && h.name.toLowerCase() === 'require');

export const stripBrackets = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host).toLowerCase();

/**
 * The response owed when a check fails, else the parsed values the later steps use.
 * `isOurHost` says whether a host names this registrar for the request (domain, alias, or the
 * address it arrived at).
 */
export function inspectRegister(request: IncomingRequest, isOurHost: (host: string) => boolean): Inspection {
  const msg = request.message;
  // RFC 3261 §10.3 step 1: "The registrar inspects the Request-URI to determine whether it has
  // access to bindings for the domain identified". We serve our domain, its aliases and the
  // address the request reached; we are no proxy, so another domain gets 404 rather than a forward.
  // A request from the parser carries its Request-URI, To, CSeq and Call-ID already parsed and
  // checked (core-headers.ts); only a request built some other way has them parsed here.
  const core = coreHeadersOf(msg);
  const ruri = core?.requestUri !== undefined ? { ok: true as const, value: core.requestUri } : parseUri(msg.uri);
  if (!ruri.ok) return { refuse: { status: 400, reason: 'Bad Request-URI' } };
  if (ruri.value.scheme !== 'sip' && ruri.value.scheme !== 'sips') return { refuse: { status: 416, reason: 'Unsupported URI Scheme' } };

  // RFC 3261 §8.2 / §10.3: a malformed request is refused as such (400) before any semantic
  // check; RFC 4475 §3.3.4 (unksm2) and §3.1.2.13 (regbadct) ask for exactly this 400.
  const toValue = core === undefined ? getHeader(msg, 'To') : undefined;
  const to = core !== undefined ? { ok: true as const, value: core.to } : toValue === undefined ? undefined : parseNameAddr(toValue);
  if (!to?.ok) return { refuse: { status: 400, reason: 'Bad To header' } };
  const toUri = parseUri(to.value.uri);
  // RFC 3261 §10.2: the To of a REGISTER is the address of record, a SIP or SIPS URI
  if (!toUri.ok || (toUri.value.scheme !== 'sip' && toUri.value.scheme !== 'sips')) return { refuse: { status: 400, reason: 'To Must Be a SIP URI' } };
  const contacts = parseContacts(msg);
  if (!contacts.ok) return { refuse: { status: 400, reason: 'Bad Contact', headers: [{ name: 'Warning', value: `399 hailing "${contacts.error.replace(/"/g, '')}"` }] } };
  const cseqValue = core === undefined ? getHeader(msg, 'CSeq') : undefined;
  const cseq = core !== undefined ? { ok: true as const, value: core.cseq } : cseqValue === undefined ? undefined : parseCSeq(cseqValue);
  const callId = core !== undefined ? core.callId : getHeader(msg, 'Call-ID');
  if (!cseq?.ok || callId === undefined) return { refuse: { status: 400, reason: 'Bad Request' } };

  if (!isOurHost((ruri.value as SipUri).host)) return { refuse: { status: 404, reason: 'Domain Not Served' } };

  // RFC 3261 §10.3 step 2 (via §8.2.2.3): unknown Require options → 420 listing them in Unsupported
  // (most REGISTERs carry no Require, so the header list is only split when one is there)
  const unsupported = hasRequire(msg) ? getHeaderValues(msg, 'Require').filter((o) => !SUPPORTED_EXTENSIONS.has(o.toLowerCase())) : [];
  if (unsupported.length > 0) return { refuse: { status: 420, reason: 'Bad Extension', headers: [{ name: 'Unsupported', value: unsupported.join(', ') }] } };
  return { parsed: { toSip: toUri.value as SipUri, contacts: contacts.value, cseq: cseq.value.seq, callId } };
}
