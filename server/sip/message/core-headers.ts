// The mandatory headers of a parsed message (RFC 3261 §8.1.1), parsed once. The parser has to parse
// Via, From, To, CSeq and Call-ID to check them; it keeps the result here so that transaction
// matching (RFC 3261 §17.2.3), merge detection (§8.2.2.2) and handlers read it instead of parsing
// the same text again. Hidden on the message rather than a field of it: a copy with edited headers
// (withHeaders, a marked Via) is made by spreading, which leaves it behind, so no copy inherits a
// view of headers it no longer has.
import type { CSeq, NameAddr, SipMessage, Uri, Via } from './types.js';

export interface CoreHeaders {
  /** every Via value, topmost first; never empty */
  readonly vias: readonly Via[];
  readonly cseq: CSeq;
  readonly callId: string;
  readonly from: NameAddr;
  readonly to: NameAddr;
  /** a request's parsed Request-URI (the parser must parse it to accept the request, RFC 3261 §7.1) */
  readonly requestUri?: Uri;
}

// A non-enumerable symbol property rather than a WeakMap: spreads and Object.assign skip it, and a
// WeakMap entry per message made every young-generation GC walk its ephemeron table under load.
const CORE_HEADERS = Symbol('coreHeaders');

/** Called by the parser, before it freezes a message whose mandatory headers passed its checks. */
export function rememberCoreHeaders(message: SipMessage, headers: CoreHeaders): void {
  Object.defineProperty(message, CORE_HEADERS, { value: headers, enumerable: false });
}

/** The parsed mandatory headers of a message that came from the parser; undefined for others. */
export function coreHeadersOf(message: SipMessage): CoreHeaders | undefined {
  return (message as { [CORE_HEADERS]?: CoreHeaders })[CORE_HEADERS];
}
