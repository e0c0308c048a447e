// Typed, immutable SIP messages (RFC 3261 §7). The parser produces these; the serializer writes them.
// Header names are stored in canonical long form ("Via", "Call-ID", "WWW-Authenticate"), compact
// forms (RFC 3261 §7.3.3) expanded on parse. Multi-value headers are split on top-level commas
// (RFC 3261 §7.3.1) by the header accessors, not by the parser, so the original order and text
// survive for proxies and for Authorization/WWW-Authenticate values that contain commas.

export interface SipHeader {
  /** canonical long form, e.g. "Via", "Call-ID", "CSeq" */
  readonly name: string;
  /** the raw value with line folding (LWS) collapsed to one space and outer whitespace trimmed */
  readonly value: string;
}

interface SipMessageBase {
  /** "SIP/2.0" for every message the core accepts (505 otherwise) */
  readonly version: string;
  readonly headers: readonly SipHeader[];
  /** exactly Content-Length bytes (or the rest of the datagram when Content-Length is absent on UDP) */
  readonly body: Uint8Array;
}

export interface SipRequest extends SipMessageBase {
  readonly kind: 'request';
  /** method token, case-sensitive (RFC 3261 §7.1) */
  readonly method: string;
  /** the Request-URI text exactly as received; parse with parseUri() */
  readonly uri: string;
}

export interface SipResponse extends SipMessageBase {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Results are values, never exceptions (CONVENTIONS.md §10). */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export type ParseErrorCode =
  | 'incomplete' // stream framing: more bytes needed
  | 'too-large' // message over the configured limit → 513
  | 'bad-start-line'
  | 'bad-version' // → 505
  | 'bad-header'
  | 'too-many-headers'
  | 'line-too-long'
  | 'uri-too-long' // → 414
  | 'bad-content-length'
  | 'body-too-short' // Content-Length larger than the bytes received (datagram) → 400
  | 'missing-header' // a mandatory header (RFC 3261 §8.1.1) is missing → 400
  | 'bad-mandatory-header' // Via/CSeq/From/To/Call-ID/Max-Forwards malformed → 400
  | 'cseq-method-mismatch'; // → 400

export interface ParseError {
  readonly code: ParseErrorCode;
  /** human-readable detail, safe to put in a Warning header or a log */
  readonly detail: string;
  /** the response the RFC calls for, when one is owed (requests only) */
  readonly status?: number;
  /**
   * What could be read before the error: enough for the core to build the error response
   * (Via, From, To, Call-ID, CSeq) per RFC 3261 §8.2.6, when the start line was a request.
   */
  readonly partial?: { readonly kind: 'request' | 'response'; readonly method?: string; readonly headers: readonly SipHeader[] };
}

export type ParseResult = Result<SipMessage, ParseError>;

export interface ParserLimits {
  /** whole message, bytes (default 65536) */
  readonly maxMessageBytes: number;
  /** number of header lines (default 256) */
  readonly maxHeaders: number;
  /** one (unfolded) header line, bytes (default 8192) */
  readonly maxLineBytes: number;
  /** Request-URI, bytes (default 512) */
  readonly maxUriBytes: number;
}

export const DEFAULT_PARSER_LIMITS: ParserLimits = {
  maxMessageBytes: 65536,
  maxHeaders: 256,
  maxLineBytes: 8192,
  maxUriBytes: 512,
};

// ---- structured views of common headers (returned by accessors in headers.ts) ----

export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  readonly user?: string; // unescaped
  readonly password?: string;
  /** host as written; IPv6 references keep their brackets: "[2001:db8::10]" */
  readonly host: string;
  readonly port?: number;
  /** uri-parameters; names lower-cased; a flag parameter (";lr") has value null */
  readonly params: ReadonlyMap<string, string | null>;
  readonly headers: ReadonlyMap<string, string>;
}

export interface TelUri {
  readonly scheme: 'tel';
  /** global ("+8613800138000") or local number, visual separators removed */
  readonly number: string;
  readonly params: ReadonlyMap<string, string | null>;
}

/** Any other absoluteURI (RFC 3261 §25.1): the core answers 416 when it is a Request-URI */
export interface OtherUri {
  readonly scheme: string;
  readonly text: string;
}

export type Uri = SipUri | TelUri | OtherUri;

export interface NameAddr {
  readonly displayName?: string;
  /** raw URI text (parse with parseUri) */
  readonly uri: string;
  /** header parameters (tag, expires, q, +sip.instance …); names lower-cased */
  readonly params: ReadonlyMap<string, string | null>;
}

export interface Via {
  /** "SIP/2.0/UDP" → "UDP" (upper-cased) */
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  readonly branch?: string;
  readonly received?: string;
  /** present-but-empty rport (RFC 3581 request) is null; a filled one is a number */
  readonly rport?: number | null;
  readonly params: ReadonlyMap<string, string | null>;
}

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}
