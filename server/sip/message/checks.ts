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
// RFC 3261 §7.3.1 + RFC 4475 §3.3.8 (multi01): From, To, Call-ID, CSeq and Max-Forwards take
// exactly one value.

/**
 * How often each checked header occurs and its first value, in one pass (this runs per message).
 * Plain fields of one object rather than Maps or records keyed by name: per-message Maps were
 * measurable garbage under load, and keyed stores by header name were slow property accesses.
 */
class Tally {
  via = 0;
  from = 0;
  to = 0;
  callId = 0;
  cseq = 0;
  maxForwards = 0;
  fromValue = '';
  toValue = '';
  callIdValue = '';
  cseqValue = '';
  maxForwardsValue = '';

  constructor(headers: readonly SipHeader[]) {
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i] as SipHeader;
      switch (h.name) {
        case 'Via':
          this.via++;
          break;
        case 'From':
          if (this.from++ === 0) this.fromValue = h.value;
          break;
        case 'To':
          if (this.to++ === 0) this.toValue = h.value;
          break;
        case 'Call-ID':
          if (this.callId++ === 0) this.callIdValue = h.value;
          break;
        case 'CSeq':
          if (this.cseq++ === 0) this.cseqValue = h.value;
          break;
        case 'Max-Forwards':
          if (this.maxForwards++ === 0) this.maxForwardsValue = h.value;
          break;
      }
    }
  }

  /** the first mandatory header missing, in the order RFC 3261 §8.1.1 lists them */
  missing(): string | undefined {
    if (this.via === 0) return 'Via';
    if (this.from === 0) return 'From';
    if (this.to === 0) return 'To';
    if (this.callId === 0) return 'Call-ID';
    if (this.cseq === 0) return 'CSeq';
    return undefined;
  }

  /** the first single-valued header that occurs more than once */
  repeated(): string | undefined {
    if (this.from > 1) return 'From';
    if (this.to > 1) return 'To';
    if (this.callId > 1) return 'Call-ID';
    if (this.cseq > 1) return 'CSeq';
    if (this.maxForwards > 1) return 'Max-Forwards';
    return undefined;
  }
}

// RFC 3261 §25.1: callid = word [ "@" word ]; no whitespace inside
const CALL_ID_RE = /^[^\s@]+(?:@[^\s@]+)?$/;
const DIGITS_RE = /^\d+$/;

const fail = (code: ParseErrorCode, detail: string): Result<CoreHeaders, CheckFailure> => ({ ok: false, error: { code, detail } });

/**
 * The first problem with the mandatory headers, or, when they are sound, their parsed values
 * (with the Request-URI the parser already parsed, carried along for the same reason).
 */
export function checkMandatory(msg: SipMessage, requestUri?: Uri): Result<CoreHeaders, CheckFailure> {
  const tally = new Tally(msg.headers);
  const missing = tally.missing();
  if (missing !== undefined) return fail('missing-header', `missing ${missing} header`);
  const repeated = tally.repeated();
  if (repeated !== undefined) return fail('bad-mandatory-header', `more than one ${repeated} header`);
  const from = parseNameAddr(tally.fromValue);
  if (!from.ok) return fail('bad-mandatory-header', `malformed From: ${from.error}`);
  const to = parseNameAddr(tally.toValue);
  if (!to.ok) return fail('bad-mandatory-header', `malformed To: ${to.error}`);
  const callId = tally.callIdValue;
  if (!CALL_ID_RE.test(callId)) return fail('bad-mandatory-header', 'malformed Call-ID');
  const cseq = parseCSeq(tally.cseqValue);
  if (!cseq.ok) return fail('bad-mandatory-header', `malformed CSeq: ${cseq.error}`);
  const vias = getVias(msg);
  if (!vias.ok) return fail('bad-mandatory-header', `malformed Via: ${vias.error}`);
  if (tally.maxForwards === 1 && !DIGITS_RE.test(tally.maxForwardsValue)) {
    // An overlarge but numeric value may be treated as absent (RFC 4475 §3.1.2.4); garbage may not.
    return fail('bad-mandatory-header', 'malformed Max-Forwards');
  }
  if (msg.kind === 'request' && cseq.value.method !== msg.method) {
    // RFC 3261 §8.1.1.5: "The method MUST match that of the request" (RFC 4475 §3.1.2.17)
    return fail('cseq-method-mismatch', `CSeq method ${cseq.value.method} differs from ${msg.method}`);
  }
  // (written out twice rather than spread: this runs per message)
  const core: CoreHeaders =
    requestUri === undefined
      ? { vias: vias.value, cseq: cseq.value, callId, from: from.value, to: to.value }
      : { vias: vias.value, cseq: cseq.value, callId, from: from.value, to: to.value, requestUri };
  return { ok: true, value: core };
}
