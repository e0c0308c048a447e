// SIP, SIPS (RFC 3261 §19.1, §25.1) and tel (RFC 3966) URI parsing, formatting and comparison.
// Pure functions over strings; errors are values.
import { isIP, isIPv6 } from 'node:net';
import type { OtherUri, Result, SipUri, TelUri, Uri } from './types.js';
import { ParseMemo } from './parse-memo.js';

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
// RFC 3261 §25.1: hostname = *( domainlabel "." ) toplabel [ "." ]
const HOSTNAME_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?$/;
const IPV4_RE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
// RFC 3261 §25.1 user / password / param / header characters (unreserved, escaped and the extras)
const USER_RE = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
const PASSWORD_RE = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,]|%[0-9A-Fa-f]{2})*$/;
const PARAMCHARS_RE = /^(?:[A-Za-z0-9\-_.!~*'()[\]/:&+$]|%[0-9A-Fa-f]{2})+$/;
const HCHARS_RE = /^(?:[A-Za-z0-9\-_.!~*'()[\]/?:+$]|%[0-9A-Fa-f]{2})*$/;

function err<T>(error: string): Result<T, string> {
  return { ok: false, error };
}

/** %HH → octets, decoded as UTF-8 (RFC 3261 §19.1.2). Returns undefined on malformed escapes. */
export function unescapePercent(text: string): string | undefined {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of Buffer.from(text[i] ?? '', 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** %-escapes every octet of `text` whose character is not matched by `allowed` (one char class). */
function escapeExcept(text: string, allowed: RegExp): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && allowed.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const USER_CHAR = /[A-Za-z0-9\-_.!~*'()&=+$,;?/]/;
const PASSWORD_CHAR = /[A-Za-z0-9\-_.!~*'()&=+$,]/;
const PARAM_CHAR = /[A-Za-z0-9\-_.!~*'()[\]/:&+$]/;
const HEADER_CHAR = /[A-Za-z0-9\-_.!~*'()[\]/?:+$]/;

/** Validates a host: hostname, IPv4address or "[" IPv6address "]" (RFC 3261 §25.1, RFC 5118). */
export function isValidHost(host: string): boolean {
  if (host.startsWith('[')) return host.endsWith(']') && isIPv6(host.slice(1, -1));
  if (IPV4_RE.test(host)) return isIP(host) === 4;
  return host.length <= 255 && HOSTNAME_RE.test(host);
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

function parseParams(text: string, re: RegExp): Map<string, string | null> | undefined {
  const params = new Map<string, string | null>();
  if (text === '') return params;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? null : part.slice(eq + 1);
    if (!re.test(name) || (value !== null && !re.test(value))) return undefined;
    // RFC 3261 §19.1.2: escapes are unescaped once, never recursively (RFC 4475 §3.1.1.3 esc01);
    // RFC 3261 §19.1.4: parameter names compare case-insensitively
    const key = (unescapePercent(name) ?? name).toLowerCase();
    if (!params.has(key)) params.set(key, value === null ? null : (unescapePercent(value) ?? value));
  }
  return params;
}

function parseSipUri(scheme: 'sip' | 'sips', rest: string): Result<SipUri, string> {
  // RFC 3261 §25.1: userinfo may contain '?' and ';' (RFC 4475 semiuri, intmeth), but
  // hostport, params and headers never contain '@', so the last '@' ends the userinfo.
  const at = rest.lastIndexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  let hostPart = rest;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const rawUser = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (!USER_RE.test(rawUser)) return err('invalid user part');
    user = unescapePercent(rawUser);
    if (user === undefined) return err('invalid escape in user part');
    if (colon >= 0) {
      const rawPw = userinfo.slice(colon + 1);
      if (!PASSWORD_RE.test(rawPw)) return err('invalid password');
      password = unescapePercent(rawPw);
    }
  }
  let headersText = '';
  const q = hostPart.indexOf('?');
  if (q >= 0) {
    headersText = hostPart.slice(q + 1);
    hostPart = hostPart.slice(0, q);
  }
  const semi = hostPart.indexOf(';');
  const paramsText = semi < 0 ? '' : hostPart.slice(semi + 1);
  const hostport = semi < 0 ? hostPart : hostPart.slice(0, semi);
  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) return err('unterminated IPv6 reference');
    host = hostport.slice(0, close + 1);
    const after = hostport.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return err('garbage after IPv6 reference');
      portText = after.slice(1);
    }
  } else {
    const colon = hostport.indexOf(':');
    host = colon < 0 ? hostport : hostport.slice(0, colon);
    if (colon >= 0) portText = hostport.slice(colon + 1);
  }
  if (!isValidHost(host)) return err(`invalid host "${host}"`);
  let port: number | undefined;
  if (portText !== undefined) {
    port = parsePort(portText);
    if (port === undefined) return err('invalid port');
  }
  const params = parseParams(paramsText, PARAMCHARS_RE);
  if (params === undefined) return err('invalid uri-parameter');
  const headers = new Map<string, string>();
  if (headersText !== '') {
    for (const part of headersText.split('&')) {
      const eq = part.indexOf('=');
      if (eq <= 0) return err('invalid uri header');
      const name = part.slice(0, eq);
      const value = part.slice(eq + 1);
      if (!HCHARS_RE.test(name) || !HCHARS_RE.test(value)) return err('invalid uri header');
      headers.set(unescapePercent(name) ?? name, unescapePercent(value) ?? value);
    }
  }
  // Optional fields are left off rather than set to undefined, so the result's keys match what was written.
  const uri: { -readonly [K in keyof SipUri]: SipUri[K] } = { scheme, host, params, headers };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (port !== undefined) uri.port = port;
  return { ok: true, value: Object.freeze(uri) };
}

function parseTelUri(rest: string): Result<TelUri, string> {
  // RFC 3966 §3: telephone-subscriber = global-number / local-number, then ;params
  const semi = rest.indexOf(';');
  const digits = semi < 0 ? rest : rest.slice(0, semi);
  const global = digits.startsWith('+');
  const body = global ? digits.slice(1) : digits;
  // RFC 3966 §5.1.1: visual separators "-" "." "(" ")" carry no meaning
  const number = (global ? '+' : '') + body.replace(/[-.()]/g, '');
  const valid = global ? /^\+\d+$/.test(number) : /^[0-9A-Fa-f*#]+$/.test(number);
  if (!valid) return err('invalid telephone number');
  const params = parseParams(semi < 0 ? '' : rest.slice(semi + 1), PARAMCHARS_RE);
  if (params === undefined) return err('invalid tel parameter');
  return { ok: true, value: Object.freeze({ scheme: 'tel', number, params }) };
}

const uriMemo = new ParseMemo({ maxEntries: 1024, parse: parseUriUncached });

/** Parses an absolute URI as found in a Request-URI or a name-addr. Never throws. */
export function parseUri(text: string): Result<Uri, string> {
  return uriMemo.get(text);
}

function parseUriUncached(text: string): Result<Uri, string> {
  try {
    const colon = text.indexOf(':');
    if (colon <= 0) return err('missing scheme');
    const scheme = text.slice(0, colon);
    if (!SCHEME_RE.test(scheme)) return err('invalid scheme');
    const rest = text.slice(colon + 1);
    if (rest === '' || /[\s<>"]/.test(rest)) return err('empty URI or illegal character');
    const lower = scheme.toLowerCase();
    if (lower === 'sip' || lower === 'sips') return parseSipUri(lower, rest);
    if (lower === 'tel') return parseTelUri(rest);
    const other: OtherUri = Object.freeze({ scheme: lower, text });
    return { ok: true, value: other };
  } catch (e) {
    return err(`uri parser fault: ${String(e)}`);
  }
}

function formatParams(params: ReadonlyMap<string, string | null>): string {
  let out = '';
  const enc = (t: string): string => escapeExcept(t, PARAM_CHAR);
  for (const [k, v] of params) out += v === null ? `;${enc(k)}` : `;${enc(k)}=${enc(v)}`;
  return out;
}

export function formatUri(uri: SipUri | TelUri): string {
  if (uri.scheme === 'tel') return `tel:${uri.number}${formatParams(uri.params)}`;
  let out = `${uri.scheme}:`;
  if (uri.user !== undefined) {
    out += escapeExcept(uri.user, USER_CHAR);
    if (uri.password !== undefined) out += `:${escapeExcept(uri.password, PASSWORD_CHAR)}`;
    out += '@';
  }
  out += uri.host;
  if (uri.port !== undefined) out += `:${uri.port}`;
  out += formatParams(uri.params);
  if (uri.headers.size > 0) {
    const enc = (t: string): string => escapeExcept(t, HEADER_CHAR);
    out += `?${[...uri.headers].map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`;
  }
  return out;
}

/** Canonical address-of-record: `sip:user@host`, host lower-cased, no port or parameters. */
export function aorOf(uri: SipUri): string {
  const user = uri.user !== undefined ? `${escapeExcept(uri.user, USER_CHAR)}@` : '';
  return `${uri.scheme}:${user}${uri.host.toLowerCase()}`;
}

export { uriEquals } from './uri-equals.js';
