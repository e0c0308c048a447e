// The fields of a message that transaction matching (RFC 3261 §17.1.3, §17.2.3), merged-request
// detection (§8.2.2.2) and dialog checks (§12.2.2) look at, read once through the message accessors.
import { getHeader, getVias, parseCSeq } from '../message/headers.js';
import { coreHeadersOf } from '../message/core-headers.js';
import { parseNameAddr } from '../message/name-addr.js';
import type { CSeq, Result, SipMessage, Via } from '../message/types.js';

export interface MessageIdentity {
  readonly topVia: Via;
  readonly vias: readonly Via[];
  readonly cseq: CSeq;
  readonly callId: string;
  readonly fromTag: string | undefined;
  readonly toTag: string | undefined;
}

/** RFC 3261 §8.1.1.7: the magic cookie marking a branch made by an RFC 3261 implementation. */
export const MAGIC_COOKIE = 'z9hG4bK';

const tagOf = (value: string | undefined): Result<string | undefined, string> => {
  if (value === undefined) return { ok: false, error: 'missing' };
  const parsed = parseNameAddr(value);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  return { ok: true, value: parsed.value.params.get('tag') ?? undefined };
};

export function messageIdentity(message: SipMessage): Result<MessageIdentity, string> {
  // A message from the parser had these headers parsed and checked there (RFC 3261 §8.1.1).
  const core = coreHeadersOf(message);
  const topVia = core?.vias[0];
  if (core && topVia) {
    const { vias, cseq, callId } = core;
    return { ok: true, value: { topVia, vias, cseq, callId, fromTag: core.from.params.get('tag') ?? undefined, toTag: core.to.params.get('tag') ?? undefined } };
  }
  return parseIdentity(message);
}

/** The same fields for a message built locally, read from its header text. */
function parseIdentity(message: SipMessage): Result<MessageIdentity, string> {
  const vias = getVias(message);
  if (!vias.ok) return { ok: false, error: `Via: ${vias.error}` };
  const topVia = vias.value[0];
  if (!topVia) return { ok: false, error: 'missing Via' };
  const cseqText = getHeader(message, 'CSeq');
  if (cseqText === undefined) return { ok: false, error: 'missing CSeq' };
  const cseq = parseCSeq(cseqText);
  if (!cseq.ok) return { ok: false, error: `CSeq: ${cseq.error}` };
  const callId = getHeader(message, 'Call-ID')?.trim();
  if (!callId) return { ok: false, error: 'missing Call-ID' };
  const from = tagOf(getHeader(message, 'From'));
  if (!from.ok) return { ok: false, error: `From: ${from.error}` };
  const to = tagOf(getHeader(message, 'To'));
  if (!to.ok) return { ok: false, error: `To: ${to.error}` };
  return { ok: true, value: { topVia, vias: vias.value, cseq: cseq.value, callId, fromTag: from.value, toTag: to.value } };
}

/** RFC 3261 §18.2.1 default ports: 5061 for TLS (and WSS has no SIP default; use 443 as RFC 7118 does). */
export function defaultPort(transport: string): number {
  switch (transport.toUpperCase()) {
    case 'TLS':
      return 5061;
    case 'WSS':
      return 443;
    case 'WS':
      return 80;
    default:
      return 5060;
  }
}

export const sentBy = (via: Via): string => `${via.host.toLowerCase()}:${via.port ?? defaultPort(via.transport)}`;

export const hasMagicCookie = (branch: string | undefined): branch is string =>
  branch !== undefined && branch.startsWith(MAGIC_COOKIE) && branch.length > MAGIC_COOKIE.length;

/**
 * RFC 3261 §17.2.3: the server transaction key. With the magic cookie: branch + sent-by + method
 * (ACK counts as INVITE). Without it (RFC 2543 peers): Request-URI, From tag, Call-ID, CSeq number
 * and top Via. The To-tag is left out so that the ACK (which carries our To-tag) finds the INVITE;
 * the method stays out of the RFC 2543 key for the same reason and is appended as INVITE/other.
 */
export function serverKey(uri: string, method: string, id: MessageIdentity, asMethod?: string): string {
  const m = asMethod ?? (method === 'ACK' ? 'INVITE' : method);
  const branch = id.topVia.branch;
  if (hasMagicCookie(branch)) return `3261|${branch}|${sentBy(id.topVia)}|${m}`;
  const via = `${id.topVia.transport}|${sentBy(id.topVia)}|${branch ?? ''}`;
  return `2543|${uri}|${id.fromTag ?? ''}|${id.callId}|${id.cseq.seq}|${via}|${m}`;
}

/** RFC 3261 §8.2.2.2: From tag + Call-ID + CSeq identify a request across forked copies. */
export const mergeKey = (id: MessageIdentity): string => `${id.fromTag ?? ''}|${id.callId}|${id.cseq.seq} ${id.cseq.method}`;

/**
 * The keys a received request is looked up and indexed under, built once per request: matching,
 * merge detection and indexing each need them, and building them three times was measurable.
 */
export interface RequestKeys {
  /** RFC 3261 §17.2.3 */
  readonly server: string;
  /** RFC 3261 §8.2.2.2; undefined when the request has a To-tag (it cannot be a merged copy) */
  readonly merge: string | undefined;
}

export const requestKeys = (request: { readonly uri: string; readonly method: string }, id: MessageIdentity): RequestKeys => ({
  server: serverKey(request.uri, request.method, id),
  merge: id.toTag === undefined ? mergeKey(id) : undefined,
});

/** RFC 3261 §17.1.3: a response matches a client transaction by top Via branch and CSeq method. */
export const clientKey = (branch: string, cseqMethod: string): string => `${branch}|${cseqMethod}`;
