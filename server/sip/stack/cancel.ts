// RFC 3261 §9.1: the CANCEL a UAC builds for its own pending INVITE.
import type { SipHeader, SipRequest } from '../message/types.js';
import { firstHeaderValue } from '../transaction/ack.js';

/** `reason`: an RFC 3326 Reason value for the CANCEL (e.g. a fork cancelled because another answered) */
export function buildCancel(invite: SipRequest, reason?: string): SipRequest {
  const find = (name: string): SipHeader | undefined => invite.headers.find((h) => h.name.toLowerCase() === name);
  const headers: SipHeader[] = [];
  // "the Via header field of the CANCEL MUST contain a single Via header matching the top Via value of the request being cancelled"
  const via = find('via');
  if (via) headers.push({ name: 'Via', value: firstHeaderValue(via.value) });
  headers.push({ name: 'Max-Forwards', value: find('max-forwards')?.value ?? '70' });
  // "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields ... MUST be identical"
  for (const name of ['from', 'to', 'call-id']) {
    const h = find(name);
    if (h) headers.push({ name: h.name, value: h.value });
  }
  const seq = /^\s*(\d+)/.exec(find('cseq')?.value ?? '')?.[1] ?? '1';
  headers.push({ name: 'CSeq', value: `${seq} CANCEL` });
  // "If the request being cancelled contains a Route header field, the CANCEL request MUST include that Route header field's values."
  for (const h of invite.headers) if (h.name.toLowerCase() === 'route') headers.push({ name: 'Route', value: h.value });
  // RFC 3326 §2: "The Reason header field MAY appear in any request within a dialog, in any CANCEL request"
  if (reason !== undefined) headers.push({ name: 'Reason', value: reason });
  headers.push({ name: 'Content-Length', value: '0' });
  return { kind: 'request', method: 'CANCEL', uri: invite.uri, version: 'SIP/2.0', headers, body: new Uint8Array(0) };
}
