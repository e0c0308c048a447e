// Via header field values (RFC 3261 §20.42, §25.1 via-parm; RFC 3581 rport).
import type { Result, Via } from './types.js';
import { parseGenericParams } from './lexer.js';
import { isValidHost } from './uri.js';

// sent-protocol = protocol-name SLASH protocol-version SLASH transport, SLASH = SWS "/" SWS
const SENT_PROTOCOL_RE = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+([^;]*)(.*)$/is;

function fail(error: string): Result<Via, string> {
  return { ok: false, error };
}

/**
 * Parses one via-parm (one comma-separated element of a Via header). Never throws. Not memoised:
 * every new request carries a new branch (RFC 3261 §8.1.1.7), so a memo would only ever miss.
 */
export function parseVia(value: string): Result<Via, string> {
  try {
    const m = SENT_PROTOCOL_RE.exec(value.trim());
    if (m === null) return fail('bad sent-protocol (expected SIP/2.0/transport sent-by)');
    const transport = (m[1] ?? '').toUpperCase();
    const sentBy = (m[2] ?? '').trim();
    let host: string;
    let portText: string | undefined;
    if (sentBy.startsWith('[')) {
      const close = sentBy.indexOf(']');
      if (close < 0) return fail('unterminated IPv6 reference in sent-by');
      host = sentBy.slice(0, close + 1);
      const after = sentBy.slice(close + 1).trim();
      if (after !== '') {
        if (!after.startsWith(':')) return fail('garbage after sent-by host');
        portText = after.slice(1).trim();
      }
    } else {
      // sent-by = host [ COLON port ], COLON = SWS ":" SWS
      const colon = sentBy.indexOf(':');
      host = (colon < 0 ? sentBy : sentBy.slice(0, colon)).trim();
      if (colon >= 0) portText = sentBy.slice(colon + 1).trim();
    }
    if (!isValidHost(host)) return fail(`invalid sent-by host "${host}"`);
    let port: number | undefined;
    if (portText !== undefined) {
      if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return fail('invalid sent-by port');
      port = Number(portText);
    }
    const params = parseGenericParams(m[3] ?? '');
    if (!params.ok) return fail(params.error);
    const p = params.value;
    const branch = p.get('branch');
    const received = p.get('received');
    let rport: number | null | undefined;
    if (p.has('rport')) {
      const r = p.get('rport') ?? null;
      // RFC 3581 §3: an empty rport asks for the source port; a filled one is that port
      if (r === null) rport = null;
      else if (/^\d{1,5}$/.test(r) && Number(r) <= 65535) rport = Number(r);
      else return fail('invalid rport');
    }
    // fields set one by one rather than spread from temporaries: every request's Via comes here
    const via: { -readonly [K in keyof Via]: Via[K] } = { transport, host, params: p };
    if (port !== undefined) via.port = port;
    if (branch !== undefined && branch !== null) via.branch = branch;
    if (received !== undefined && received !== null) via.received = received;
    if (rport !== undefined) via.rport = rport;
    return { ok: true, value: Object.freeze(via) };
  } catch (e) {
    return fail(`via parser fault: ${String(e)}`);
  }
}
