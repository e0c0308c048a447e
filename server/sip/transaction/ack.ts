// RFC 3261 §17.1.1.3: the ACK an INVITE client transaction builds itself for a 3xx-6xx response.
// Built from plain header copies, so it needs no parser: Request-URI, Call-ID, From and the top
// Via (with the INVITE's branch) come from the request, To (with the tag) from the response,
// CSeq keeps the number with method ACK, and Route headers are copied.
import type { SipHeader, SipRequest, SipResponse } from '../message/types.js';

/** The first comma-separated value of a header (top-level commas only, quoted strings respected). */
export function firstHeaderValue(value: string): string {
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') angle++;
    else if (c === '>') angle = Math.max(0, angle - 1);
    else if (c === ',' && angle === 0) return value.slice(0, i).trim();
  }
  return value.trim();
}

const find = (headers: readonly SipHeader[], name: string): SipHeader | undefined => {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower);
};

export function buildNonSuccessAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers: SipHeader[] = [];
  const via = find(invite.headers, 'Via');
  // RFC 3261 §17.1.1.3: "equal to the top Via header field of the original request"
  if (via) headers.push({ name: 'Via', value: firstHeaderValue(via.value) });
  const maxForwards = find(invite.headers, 'Max-Forwards');
  headers.push({ name: 'Max-Forwards', value: maxForwards?.value ?? '70' });
  for (const name of ['From', 'Call-ID']) {
    const h = find(invite.headers, name);
    if (h) headers.push({ name: h.name, value: h.value });
  }
  const to = find(response.headers, 'To') ?? find(invite.headers, 'To');
  if (to) headers.push({ name: 'To', value: to.value });
  const cseq = find(invite.headers, 'CSeq');
  const seq = cseq ? (/^\s*(\d+)/.exec(cseq.value)?.[1] ?? '1') : '1';
  headers.push({ name: 'CSeq', value: `${seq} ACK` });
  // RFC 3261 §17.1.1.3: "If the INVITE request ... contained Route header fields, the ACK MUST contain those"
  for (const h of invite.headers) if (h.name.toLowerCase() === 'route') headers.push({ name: 'Route', value: h.value });
  headers.push({ name: 'Content-Length', value: '0' });
  return { kind: 'request', method: 'ACK', uri: invite.uri, version: 'SIP/2.0', headers, body: new Uint8Array(0) };
}
