// Request checks the core makes before any handler sees a request, in the order RFC 3261 §8.2
// lists them. Each failure is a value naming the response it calls for (CONVENTIONS.md §11).
import { getHeaderValues } from '../message/headers.js';
import type { SipHeader, SipRequest } from '../message/types.js';
import { parseUri } from '../message/uri.js';
import { coreHeadersOf } from '../message/core-headers.js';
import type { MessageIdentity } from '../transaction/identity.js';

export interface Rejection {
  readonly status: number;
  readonly reason?: string;
  readonly headers?: readonly SipHeader[];
}

export interface ValidationPolicy {
  /** option tags this server supports (RFC 3261 §8.2.2.3) */
  readonly supported: readonly string[];
}

/**
 * Returns the response owed to a request that fails the core's checks, or undefined.
 *
 * Max-Forwards is deliberately not checked: RFC 3261 §8.2 gives a UAS no Max-Forwards rule, and
 * §16.3 step 3 (483 at zero) binds proxies that forward. A request with Max-Forwards: 0 that ends
 * here (OPTIONS, REGISTER) is answered normally (§11.1: an OPTIONS with Max-Forwards 0 is how a
 * proxy's capabilities are queried); the B2BUA checks it before it forwards.
 */
export function validateRequest(request: SipRequest, id: MessageIdentity, policy: ValidationPolicy): Rejection | undefined {
  // RFC 3261 §8.2 / §21.5.7: a version we do not speak.
  if (request.version.toUpperCase() !== 'SIP/2.0') return { status: 505 };
  // RFC 3261 §8.1.1.5: "The method MUST match that of the request."
  if (id.cseq.method !== request.method) return { status: 400, reason: 'CSeq Method Does Not Match Request' };
  // RFC 3261 §8.2.2.1: "If the Request-URI uses a scheme not supported by the UAS, it SHOULD reject the request with a 416"
  // a request from the parser carries its Request-URI parsed (core-headers.ts)
  const parsedUri = coreHeadersOf(request)?.requestUri;
  const uri = parsedUri !== undefined ? { ok: true as const, value: parsedUri } : parseUri(request.uri);
  if (!uri.ok) return { status: 400, reason: 'Malformed Request-URI' };
  if (uri.value.scheme !== 'sip' && uri.value.scheme !== 'sips' && uri.value.scheme !== 'tel') return { status: 416 };
  // RFC 3261 §8.2.2.3: Require with unknown option tags → 420 listing them in Unsupported.
  // "An ACK or CANCEL request ... MUST NOT" be rejected for this (RFC 3261 §8.2.2.3).
  if (request.method !== 'ACK' && request.method !== 'CANCEL' && request.headers.some((h) => h.name.length === 7 && h.name.toLowerCase() === 'require')) {
    const supported = new Set(policy.supported.map((t) => t.toLowerCase()));
    const unknown = getHeaderValues(request, 'Require')
      .map((t) => t.trim())
      .filter((t) => t !== '' && !supported.has(t.toLowerCase()));
    if (unknown.length > 0) return { status: 420, headers: [{ name: 'Unsupported', value: unknown.join(', ') }] };
  }
  return undefined;
}

export interface ContentPolicy {
  /** media types the handler accepts, e.g. ["application/sdp"] */
  readonly types: readonly string[];
  /** content codings; identity is always accepted (RFC 3261 §20.12) */
  readonly encodings?: readonly string[];
  /** languages; absent means any */
  readonly languages?: readonly string[];
}

const mediaType = (value: string): string => (value.split(';')[0] ?? '').trim().toLowerCase();

/**
 * RFC 3261 §8.2.3: the 415 a handler owes for a body it cannot process, with Accept,
 * Accept-Encoding and Accept-Language listing what it can; undefined when the body is acceptable.
 */
export function checkContent(request: SipRequest, policy: ContentPolicy): Rejection | undefined {
  const accept = (): SipHeader[] => {
    const headers: SipHeader[] = [{ name: 'Accept', value: policy.types.join(', ') }];
    if (policy.encodings) headers.push({ name: 'Accept-Encoding', value: ['identity', ...policy.encodings].join(', ') });
    if (policy.languages) headers.push({ name: 'Accept-Language', value: policy.languages.join(', ') });
    return headers;
  };
  if (request.body.length === 0) return undefined;
  const types = new Set(policy.types.map((t) => t.toLowerCase()));
  const contentType = getHeaderValues(request, 'Content-Type')[0];
  if (contentType === undefined || !types.has(mediaType(contentType))) return { status: 415, headers: accept() };
  const encodings = new Set(['identity', ...(policy.encodings ?? [])].map((t) => t.toLowerCase()));
  for (const coding of getHeaderValues(request, 'Content-Encoding')) {
    if (!encodings.has(coding.trim().toLowerCase())) return { status: 415, headers: accept() };
  }
  if (policy.languages) {
    const languages = new Set(policy.languages.map((t) => t.toLowerCase()));
    for (const lang of getHeaderValues(request, 'Content-Language')) {
      if (!languages.has(lang.trim().toLowerCase())) return { status: 415, headers: accept() };
    }
  }
  return undefined;
}
