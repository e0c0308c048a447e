// RFC 3261 §18.2.1 and RFC 3581 §4: the server marks the top Via of a received request with where
// the request really came from; responses copy that Via and are routed by it (RFC 3261 §18.2.2).
import { getHeaderValues } from '../message/headers.js';
import type { SipHeader, SipRequest, Via } from '../message/types.js';
import type { Flow, HostPort } from '../transport/types.js';
import { defaultPort } from '../transaction/identity.js';

const stripBrackets = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/**
 * Rewrite one Via value: fill rport, set received. Parameters other than these stay as written.
 * Scanned with indexOf rather than split/slice/spread: it runs for every request received.
 */
export function markVia(value: string, mark: { readonly received?: string; readonly rport?: number }): string {
  let start = value.indexOf(';');
  let out = start < 0 ? value : value.slice(0, start);
  while (start >= 0) {
    const end = value.indexOf(';', start + 1);
    const raw = end < 0 ? value.slice(start + 1) : value.slice(start + 1, end);
    const eq = raw.indexOf('=');
    const name = (eq < 0 ? raw : raw.slice(0, eq)).trim().toLowerCase();
    if (name === 'rport' && mark.rport !== undefined) out += `;rport=${mark.rport}`;
    else if (name !== 'received' || mark.received === undefined) out += `;${raw}`;
    start = end;
  }
  if (mark.received !== undefined) out += `;received=${mark.received}`;
  return out;
}

/** What §18.2.1 / RFC 3581 §4 call for on this request's top Via; undefined when nothing changes. */
export function viaMark(topVia: Via, source: HostPort): { received?: string; rport?: number } | undefined {
  // RFC 3581 §4: an empty rport is filled with the source port, and received is then added "even if
  // it is identical to the value of the sent-by component".
  if (topVia.rport === null) return { received: source.address, rport: source.port };
  // RFC 3261 §18.2.1: received is added when sent-by is a name or an address other than the source.
  if (stripBrackets(topVia.host).toLowerCase() !== source.address.toLowerCase()) return { received: source.address };
  return undefined;
}

/** The request with its top Via marked, so every response built from it carries the mark. */
export function withMarkedVia(request: SipRequest, topVia: Via, source: HostPort): SipRequest {
  const mark = viaMark(topVia, source);
  if (!mark) return request;
  const headers: SipHeader[] = [];
  let done = false;
  const given = request.headers;
  for (let i = 0; i < given.length; i++) {
    const h = given[i] as SipHeader;
    if (!done && h.name.toLowerCase() === 'via') {
      done = true;
      if (!h.value.includes(',')) {
        // one value on the line, the usual case: nothing to split
        headers.push({ name: 'Via', value: markVia(h.value.trim(), mark) });
        continue;
      }
      // the first Via line may hold several comma-separated values (RFC 3261 §7.3.1); split it
      const values = getHeaderValues({ ...request, headers: [h] }, 'Via');
      const [top, ...rest] = values.length > 0 ? values : [h.value];
      headers.push({ name: 'Via', value: markVia(top ?? h.value, mark) });
      for (const v of rest) headers.push({ name: 'Via', value: v });
    } else headers.push(h);
  }
  return { ...request, headers };
}

const RELIABLE = new Set(['tcp', 'tls', 'ws', 'wss']);
export const isReliable = (flow: Pick<Flow, 'protocol'>): boolean => RELIABLE.has(flow.protocol);

/**
 * RFC 3261 §18.2.2: where responses go. Reliable: back on the same connection. Unreliable: to the
 * source address (the received value), at the source port when rport was requested (RFC 3581 §4),
 * else at the sent-by port (default 5060).
 */
export function responseFlow(flow: Flow, topVia: Via): Flow {
  if (isReliable(flow)) return flow;
  const port = topVia.rport === null || typeof topVia.rport === 'number' ? flow.remote.port : (topVia.port ?? defaultPort(topVia.transport));
  return { ...flow, remote: { address: flow.remote.address, port } };
}
