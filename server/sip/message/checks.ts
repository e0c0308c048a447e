// Checks of the headers every request and response must carry (RFC 3261 §8.1.1, §20), run by the
// parser after framing so the core can answer 400 with the partial headers it got.
import type { ParseErrorCode, SipHeader } from './types.js';
import { getVias, parseCSeq } from './headers.js';
import { parseNameAddr } from './name-addr.js';
import type { Result, SipMessage, Uri } from './types.js';
import type { CoreHeaders } from './core-headers.js';

export interface CheckFailure {
  readonly code: ParseErrorCode;
  readonly detail: string;
}

// RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory in a request;
// Max-Forwards is treated as optional here because RFC 4475 §3.4.1 (inv2543) asks RFC 3261
// elements to accept RFC 2543 requests, which had no Max-Forwards.
const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;
// RFC 3261 §7.3.1 + RFC 4475 §3.3.8 (multi01): these take exactly one value
const SINGLE = ['From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards'] as const;

type Checked = (typeof MANDATORY)[number] | (typeof SINGLE)[number];

interface Tally {
  readonly count: Record<Checked, number>;
  readonly first: Record<Checked, string>;
}

/**
 * How often each checked header occurs and its first value, in one pass (this runs per message).
 * Plain records rather than Maps: two Maps per message were measurable garbage under load.
 */
function tally(headers: readonly SipHeader[]): Tally {
  const count: Record<Checked, number> = { Via: 0, From: 0, To: 0, 'Call-ID': 0, CSeq: 0, 'Max-Forwards': 0 };
  const first: Record<Checked, string> = { Via: '', From: '', To: '', 'Call-ID': '', CSeq: '', 'Max-Forwards': '' };
  for (const h of headers) {
    const name = h.name;
    if (name !== 'Via' && name !== 'From' && name !== 'To' && name !== 'Call-ID' && name !== 'CSeq' && name !== 'Max-Forwards') continue;
    if (count[name]++ === 0) first[name] = h.value;
  }
  return { count, first };
}

const fail = (code: ParseErrorCode, detail: string): Result<CoreHeaders, CheckFailure> => ({ ok: false, error: { code, detail } });

/**
 * The first problem with the mandatory headers, or, when they are sound, their parsed values
 * (with the Request-URI the parser already parsed, carried along for the same reason).
 */
export function checkMandatory(msg: SipMessage, requestUri?: Uri): Result<CoreHeaders, CheckFailure> {
  const { count, first } = tally(msg.headers);
  for (const name of MANDATORY) {
    if (count[name] === 0) return fail('missing-header', `missing ${name} header`);
  }
  for (const name of SINGLE) {
    if (count[name] > 1) return fail('bad-mandatory-header', `more than one ${name} header`);
  }
  const value = (name: Checked): string => first[name];
  const from = parseNameAddr(value('From'));
  if (!from.ok) return fail('bad-mandatory-header', `malformed From: ${from.error}`);
  const to = parseNameAddr(value('To'));
  if (!to.ok) return fail('bad-mandatory-header', `malformed To: ${to.error}`);
  // RFC 3261 §25.1: callid = word [ "@" word ]; no whitespace inside
  const callId = value('Call-ID');
  if (!/^[^\s@]+(?:@[^\s@]+)?$/.test(callId)) return fail('bad-mandatory-header', 'malformed Call-ID');
  const cseq = parseCSeq(value('CSeq'));
  if (!cseq.ok) return fail('bad-mandatory-header', `malformed CSeq: ${cseq.error}`);
  const vias = getVias(msg);
  if (!vias.ok) return fail('bad-mandatory-header', `malformed Via: ${vias.error}`);
  if (count['Max-Forwards'] === 1 && !/^\d+$/.test(value('Max-Forwards'))) {
    // An overlarge but numeric value may be treated as absent (RFC 4475 §3.1.2.4); garbage may not.
    return fail('bad-mandatory-header', 'malformed Max-Forwards');
  }
  if (msg.kind === 'request' && cseq.value.method !== msg.method) {
    // RFC 3261 §8.1.1.5: "The method MUST match that of the request" (RFC 4475 §3.1.2.17)
    return fail('cseq-method-mismatch', `CSeq method ${cseq.value.method} differs from ${msg.method}`);
  }
  const core: CoreHeaders = { vias: vias.value, cseq: cseq.value, callId, from: from.value, to: to.value };
  return { ok: true, value: requestUri === undefined ? core : { ...core, requestUri } };
}
