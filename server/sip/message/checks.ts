// Checks of the headers every request and response must carry (RFC 3261 §8.1.1, §20), run by the
// parser after framing so the core can answer 400 with the partial headers it got.
import type { ParseErrorCode, SipHeader } from './types.js';
import { getVias, parseCSeq } from './headers.js';
import { parseNameAddr } from './name-addr.js';
import type { SipMessage } from './types.js';

export interface CheckFailure {
  readonly code: ParseErrorCode;
  readonly detail: string;
}

// RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory in a request;
// Max-Forwards is treated as optional here because RFC 4475 §3.4.1 (inv2543) asks RFC 3261
// elements to accept RFC 2543 requests, which had no Max-Forwards.
const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];
// RFC 3261 §7.3.1 + RFC 4475 §3.3.8 (multi01): these take exactly one value
const SINGLE = ['From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards'];

function count(headers: readonly SipHeader[], name: string): number {
  let n = 0;
  for (const h of headers) if (h.name === name) n++;
  return n;
}

/** Returns the first problem with the mandatory headers, or undefined when they are sound. */
export function checkMandatory(msg: SipMessage): CheckFailure | undefined {
  const { headers } = msg;
  for (const name of MANDATORY) {
    if (count(headers, name) === 0) return { code: 'missing-header', detail: `missing ${name} header` };
  }
  for (const name of SINGLE) {
    if (count(headers, name) > 1) return { code: 'bad-mandatory-header', detail: `more than one ${name} header` };
  }
  const value = (name: string): string => headers.find((h) => h.name === name)?.value ?? '';
  for (const name of ['From', 'To']) {
    const na = parseNameAddr(value(name));
    if (!na.ok) return { code: 'bad-mandatory-header', detail: `malformed ${name}: ${na.error}` };
  }
  // RFC 3261 §25.1: callid = word [ "@" word ]; no whitespace inside
  if (!/^[^\s@]+(?:@[^\s@]+)?$/.test(value('Call-ID'))) {
    return { code: 'bad-mandatory-header', detail: 'malformed Call-ID' };
  }
  const cseq = parseCSeq(value('CSeq'));
  if (!cseq.ok) return { code: 'bad-mandatory-header', detail: `malformed CSeq: ${cseq.error}` };
  const vias = getVias(msg);
  if (!vias.ok) return { code: 'bad-mandatory-header', detail: `malformed Via: ${vias.error}` };
  if (count(headers, 'Max-Forwards') === 1 && !/^\d+$/.test(value('Max-Forwards'))) {
    // An overlarge but numeric value may be treated as absent (RFC 4475 §3.1.2.4); garbage may not.
    return { code: 'bad-mandatory-header', detail: 'malformed Max-Forwards' };
  }
  if (msg.kind === 'request' && cseq.value.method !== msg.method) {
    // RFC 3261 §8.1.1.5: "The method MUST match that of the request" (RFC 4475 §3.1.2.17)
    return { code: 'cseq-method-mismatch', detail: `CSeq method ${cseq.value.method} differs from ${msg.method}` };
  }
  return undefined;
}
