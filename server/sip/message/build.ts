// Building messages: responses per RFC 3261 §8.2.6, requests, header edits, and the random
// identifiers (branch, tag, Call-ID) that RFC 3261 asks to be globally unique.
import type { SipHeader, SipMessage, SipRequest, SipResponse } from './types.js';
import { canonicalHeaderName, headerKey } from './names.js';
import { parseNameAddr } from './name-addr.js';
import { reasonPhrase } from './reasons.js';
import { randomBase64url, randomHex } from '../random.js';

export { reasonPhrase } from './reasons.js';

export type HeaderInput = SipHeader | readonly [name: string, value: string];
export type BodyInput = Uint8Array | string;

function toHeader(h: HeaderInput): SipHeader {
  // (no destructuring through a temporary array: this runs for every header of every response)
  if ('name' in h) return Object.freeze({ name: canonicalHeaderName(h.name), value: h.value });
  return Object.freeze({ name: canonicalHeaderName(h[0]), value: h[1] });
}

function toBody(body: BodyInput | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body;
}

export interface CreateResponseOptions {
  readonly status: number;
  readonly reason?: string;
  /** appended after the headers copied from the request */
  readonly headers?: readonly HeaderInput[];
  readonly body?: BodyInput;
  /** RFC 3261 §8.2.6.2: added to To when the request's To has no tag */
  readonly toTag?: string;
}

/**
 * RFC 3261 §8.2.6.2: "The From field of the response MUST equal the From header field of the
 * request. The Call-ID ... MUST equal ... The CSeq ... MUST equal ... The Via header field values
 * in the response MUST equal the Via header field values in the request and MUST maintain the
 * same ordering." §8.2.6.1: a 100 (Trying) copies Timestamp.
 */
export function createResponse(request: SipRequest, options: CreateResponseOptions): SipResponse {
  const copied: SipHeader[] = [];
  // indexed loops: this runs for every response, and for-of left an iterator per loop behind
  const headers = request.headers;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as SipHeader;
    if (h.name === 'Via' || h.name === 'From' || h.name === 'Call-ID' || h.name === 'CSeq') copied.push(h);
    else if (h.name === 'Timestamp' && options.status === 100) copied.push(h);
    else if (h.name === 'To') copied.push(withToTag(h, options.toTag));
  }
  const extra = options.headers;
  if (extra !== undefined) for (let i = 0; i < extra.length; i++) copied.push(toHeader(extra[i] as HeaderInput));
  return Object.freeze({
    kind: 'response',
    version: 'SIP/2.0',
    status: options.status,
    reason: options.reason ?? reasonPhrase(options.status),
    headers: Object.freeze(copied),
    body: toBody(options.body),
  });
}

function withToTag(to: SipHeader, tag: string | undefined): SipHeader {
  if (tag === undefined) return to;
  // A value without the letters "tag" anywhere has no tag parameter, and needs no parse.
  if (!/tag/i.test(to.value)) return Object.freeze({ name: 'To', value: `${to.value};tag=${tag}` });
  const parsed = parseNameAddr(to.value);
  // A To that already carries a tag (in-dialog request) keeps it (RFC 3261 §8.2.6.2).
  if (parsed.ok && parsed.value.params.has('tag')) return to;
  return Object.freeze({ name: 'To', value: `${to.value};tag=${tag}` });
}

export interface CreateRequestOptions {
  readonly method: string;
  readonly uri: string;
  readonly headers?: readonly HeaderInput[];
  readonly body?: BodyInput;
}

export function createRequest(options: CreateRequestOptions): SipRequest {
  return Object.freeze({
    kind: 'request',
    version: 'SIP/2.0',
    method: options.method,
    uri: options.uri,
    headers: Object.freeze((options.headers ?? []).map(toHeader)),
    body: toBody(options.body),
  });
}

export interface HeaderEdits {
  /** every header of each given name is replaced by the given ones, at the first old position */
  readonly replace?: readonly HeaderInput[];
  /** appended at the end */
  readonly add?: readonly HeaderInput[];
  /** inserted before all others (a proxy's Via, RFC 3261 §16.6 step 8) */
  readonly prepend?: readonly HeaderInput[];
  /** names whose headers are removed */
  readonly remove?: readonly string[];
  readonly body?: BodyInput;
}

/** A new frozen message with the header edits applied; the original is untouched. */
export function withHeaders<M extends SipMessage>(msg: M, edits: HeaderEdits): M {
  const replace = (edits.replace ?? []).map(toHeader);
  const replaceKeys = new Set(replace.map((h) => h.name.toLowerCase()));
  const removeKeys = new Set((edits.remove ?? []).map(headerKey));
  const out: SipHeader[] = (edits.prepend ?? []).map(toHeader);
  const placed = new Set<string>();
  for (const h of msg.headers) {
    const key = h.name.toLowerCase();
    if (replaceKeys.has(key)) {
      if (!placed.has(key)) {
        placed.add(key);
        out.push(...replace.filter((r) => r.name.toLowerCase() === key));
      }
    } else if (!removeKeys.has(key)) {
      out.push(h);
    }
  }
  for (const r of replace) if (!placed.has(r.name.toLowerCase())) out.push(r);
  out.push(...(edits.add ?? []).map(toHeader));
  const body = edits.body === undefined ? msg.body : toBody(edits.body);
  // the spread keeps every field of M and only swaps headers/body, so the result is still an M
  return Object.freeze({ ...msg, headers: Object.freeze(out), body }) as unknown as M;
}

/** RFC 3261 §8.1.1.7: branch ids start with the magic cookie "z9hG4bK" and are unique. */
export function newBranch(): string {
  return `z9hG4bK${randomBase64url(12)}`;
}

/** RFC 3261 §19.3: tags need at least 32 bits of randomness; we use 64. */
export function newTag(): string {
  return randomHex(8);
}

/** RFC 3261 §8.1.1.4: a globally unique Call-ID (128 random bits). */
export function newCallId(): string {
  return randomHex(16);
}
