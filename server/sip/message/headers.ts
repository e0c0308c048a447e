// Accessors that give structured views of a parsed message's headers. The parser keeps the raw
// header text; these functions interpret it on demand (and never throw).
import type { CSeq, NameAddr, Result, SipHeader, SipMessage, Via } from './types.js';
import { canonicalHeaderName, headerKey } from './names.js';
import { parseBoundedInt, splitTopLevel } from './lexer.js';
import { parseNameAddr } from './name-addr.js';
import { parseVia } from './via.js';

export { parseNameAddr } from './name-addr.js';
export { parseVia } from './via.js';
export { parseAuthParams } from './auth-params.js';
export type { AuthParams } from './auth-params.js';

/**
 * RFC 3261 §7.3.1: these headers carry commas inside a single value and are not comma lists
 * (the four auth headers are named there; Date's RFC 1123 form and Retry-After's comment too).
 */
const NOT_LISTS = new Set([
  'www-authenticate', 'authorization', 'proxy-authenticate', 'proxy-authorization',
  'date', 'call-id', 'retry-after', 'subject', 'user-agent', 'server', 'organization',
]);

/** The first value of the named header (case-insensitive, compact forms accepted). */
export function getHeader(msg: SipMessage, name: string): string | undefined {
  // told apart by identity or length before any lower-casing, as in getHeaderLines below
  const canonical = canonicalHeaderName(name);
  const key = canonical.toLowerCase();
  const headers = msg.headers;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as SipHeader;
    if (h.name === canonical || (h.name.length === key.length && h.name.toLowerCase() === key)) return h.value;
  }
  return undefined;
}

/**
 * Every occurrence's value, unsplit, in order. Parsed messages carry canonical names (names.ts),
 * so most headers are told apart by an identity or length check before any lower-casing (a name
 * that lower-cases to an ASCII key has that key's length).
 */
export function getHeaderLines(msg: SipMessage, name: string): string[] {
  const canonical = canonicalHeaderName(name);
  const key = canonical.toLowerCase();
  const out: string[] = [];
  // (indexed loops in this file: these run several times per message, and the for-of iterator
  // objects were a tenth of the garbage per REGISTER)
  const headers = msg.headers;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as SipHeader;
    if (h.name === canonical || (h.name.length === key.length && h.name.toLowerCase() === key)) out.push(h.value);
  }
  return out;
}

/** All values of a header: every occurrence, each split on top-level commas (RFC 3261 §7.3.1). */
export function getHeaderValues(msg: SipMessage, name: string): string[] {
  const key = headerKey(name);
  const lines = getHeaderLines(msg, name);
  if (NOT_LISTS.has(key)) return lines;
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const parts = splitTopLevel(line, ',') ?? [line];
    for (let j = 0; j < parts.length; j++) {
      const t = (parts[j] as string).trim();
      if (t !== '') out.push(t);
    }
  }
  return out;
}

/**
 * Every Via value in order (topmost first). Empty elements (RFC 4475 badinv01) are errors. Not
 * memoised: a request's Via values are new with every request (see parseVia).
 */
export function getVias(msg: SipMessage): Result<Via[], string> {
  const vias: Via[] = [];
  const lines = getHeaderLines(msg, 'Via');
  for (let i = 0; i < lines.length; i++) {
    const parts = splitTopLevel(lines[i] as string, ',');
    if (parts === undefined) return { ok: false, error: 'unterminated quote in Via' };
    for (let j = 0; j < parts.length; j++) {
      const v = parseVia(parts[j] as string);
      if (!v.ok) return v;
      vias.push(v.value);
    }
  }
  return { ok: true, value: vias };
}

/** RFC 3261 §20.16: CSeq = 1*DIGIT LWS Method; the number is a 32-bit unsigned integer (§8.1.1.5). */
export function parseCSeq(value: string): Result<CSeq, string> {
  const m = /^\s*(\d+)\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(value);
  if (m === null) return { ok: false, error: 'CSeq is not "number method"' };
  const seq = parseBoundedInt(m[1] ?? '', 0xffffffff);
  // RFC 4475 §3.1.2.4 scalar02: a sequence number over 2**32-1 draws a 400
  if (seq === undefined) return { ok: false, error: 'CSeq number out of range' };
  return { ok: true, value: Object.freeze({ seq, method: m[2] ?? '' }) };
}

/** Contact values: '*' (RFC 3261 §10.2.2, only alone) or name-addrs. */
export function parseContacts(msg: SipMessage): Result<'*' | NameAddr[], string> {
  const values = [];
  for (const line of getHeaderLines(msg, 'Contact')) {
    const parts = splitTopLevel(line, ',');
    if (parts === undefined) return { ok: false, error: 'unterminated quote in Contact' };
    values.push(...parts.map((p) => p.trim()));
  }
  if (values.includes('*')) {
    return values.length === 1 ? { ok: true, value: '*' } : { ok: false, error: '"*" Contact mixed with others' };
  }
  const out: NameAddr[] = [];
  for (const v of values) {
    const na = parseNameAddr(v);
    if (!na.ok) return na;
    out.push(na.value);
  }
  return { ok: true, value: out };
}

/**
 * RFC 3261 §20.19 Expires = delta-seconds (32-bit). Undefined when absent or out of range; per
 * RFC 4475 §3.1.2.4 an overlarge value may be treated as absent (the default then applies).
 */
export function getExpires(msg: SipMessage): number | undefined {
  const v = getHeader(msg, 'Expires');
  return v === undefined ? undefined : parseBoundedInt(v, 0xffffffff);
}

/** RFC 3261 §20.22 Max-Forwards = 1*DIGIT in 0..255; undefined when absent or invalid. */
export function getMaxForwards(msg: SipMessage): number | undefined {
  const v = getHeader(msg, 'Max-Forwards');
  return v === undefined ? undefined : parseBoundedInt(v, 255);
}
