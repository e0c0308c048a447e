// Registrar outcomes mapped by table to SIP responses (CONVENTIONS.md §11, after Kamailio's
// registrar rerrno → reply table).
import type { SipHeader } from '../sip/message/types.js';
import type { ReplyOptions } from '../sip/stack/types.js';
import type { Binding } from './ports.js';
import type { RegisterError } from './register-plan.js';

export function errorReply(error: RegisterError): ReplyOptions {
  switch (error.kind) {
    case 'bad-request':
      return { status: 400, reason: 'Bad Request', headers: [{ name: 'Warning', value: warning(error.detail) }] };
    case 'interval-too-brief':
      // RFC 3261 §10.3 step 7: 423 "MUST contain a Min-Expires header field"
      return { status: 423, reason: 'Interval Too Brief', headers: [{ name: 'Min-Expires', value: String(error.minExpires) }] };
    case 'out-of-order':
      // RFC 3261 §10.3 step 7: "the update MUST be aborted and the request fails"
      return { status: 400, reason: 'Invalid CSeq number' };
    case 'too-many-contacts':
      return { status: 403, reason: 'Too many registered contacts' };
  }
}

/** RFC 3261 §20.43: Warning: 399 with our agent name and a quoted, escaped text. */
function warning(text: string): string {
  return `399 hailing "${text.replace(/["\\]/g, '').slice(0, 200)}"`;
}

/** One Contact value of a 200 OK: the binding with its remaining lifetime (RFC 3261 §10.3 step 8). */
export function contactValue(binding: Binding, now: number): string {
  const remaining = Math.max(0, Math.ceil((binding.expiresAt - now) / 1000));
  let value = `<${binding.contact}>;expires=${remaining}`;
  if (binding.q !== 1) value += `;q=${binding.q}`;
  if (binding.instanceId !== undefined) value += `;+sip.instance="${binding.instanceId}"`;
  return value;
}

/**
 * RFC 3261 §10.3 step 8: "The response SHOULD include a Contact header field value enumerating all
 * current bindings", each with its expires parameter, and "SHOULD include a Date header field".
 */
export function okReply(bindings: readonly Binding[], now: number): ReplyOptions {
  const headers: SipHeader[] = bindings.map((b) => ({ name: 'Contact', value: contactValue(b, now) }));
  headers.push({ name: 'Date', value: new Date(now).toUTCString() });
  return { status: 200, reason: 'OK', headers };
}

export function challengeReply(challenges: readonly string[], status = 401): ReplyOptions {
  const name = status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  return { status, reason: status === 407 ? 'Proxy Authentication Required' : 'Unauthorized', headers: challenges.map((value) => ({ name, value })) };
}
