// Parser for the credentials in an Authorization / Proxy-Authorization header (RFC 7616 §3.4,
// RFC 3261 §25.1 "digest-response"). Sans-IO: returns a Result and never throws (CONVENTIONS.md §10).
// It is local to the digest module (rather than the generic header accessors) because digest needs
// strictness the generic parser does not: duplicate parameters are an error (RFC 7616 §3.4: "each
// parameter MUST NOT appear more than once") and quoted-pair unescaping must be exact.
import type { Result } from '../message/types.js';
import { isTokenCode } from '../message/names.js';

export interface DigestChallengeResponse {
  /** auth-scheme, as written (compared case-insensitively) */
  readonly scheme: string;
  /** parameter names lower-cased; values unquoted and unescaped */
  readonly params: ReadonlyMap<string, string>;
}

const MAX_LENGTH = 4096;
const MAX_PARAMS = 32;
const QUOTED_PAIR = /\\([\s\S])/g;
const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Parse `Digest name=value, name="quoted", ...`. */
export function parseDigestCredentials(text: string): Result<DigestChallengeResponse, string> {
  if (text.length > MAX_LENGTH) return { ok: false, error: 'credentials too long' };
  let i = 0;
  const n = text.length;
  const skipWs = (): void => {
    while (i < n && (isWs(text[i]) || text[i] === '\r' || text[i] === '\n')) i++;
  };
  skipWs();
  const schemeStart = i;
  while (i < n && isTokenCode(text.charCodeAt(i))) i++;
  const scheme = text.slice(schemeStart, i);
  if (scheme.length === 0) return { ok: false, error: 'missing auth-scheme' };
  if (i < n && !isWs(text[i])) return { ok: false, error: 'bad auth-scheme' };
  const params = new Map<string, string>();
  skipWs();
  while (i < n) {
    const nameStart = i;
    while (i < n && isTokenCode(text.charCodeAt(i))) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    if (name.length === 0) return { ok: false, error: `bad parameter name at ${i}` };
    skipWs();
    if (text[i] !== '=') return { ok: false, error: `missing "=" after ${name}` };
    i++;
    skipWs();
    let value: string;
    if (text[i] === '"') {
      // one slice for the whole value; only a value with quoted-pairs is rebuilt (keeps a REGISTER
      // from allocating a string per character)
      const valueStart = ++i;
      let escaped = false;
      while (i < n && text[i] !== '"') {
        // RFC 3261 §25.1 quoted-pair; a trailing backslash leaves the string unterminated
        if (text[i] === '\\') {
          escaped = true;
          i += 2;
        } else i++;
      }
      if (i >= n) return { ok: false, error: `unterminated quoted value for ${name}` };
      value = escaped ? text.slice(valueStart, i).replace(QUOTED_PAIR, '$1') : text.slice(valueStart, i);
      i++;
    } else {
      const valueStart = i;
      while (i < n && isTokenCode(text.charCodeAt(i))) i++;
      value = text.slice(valueStart, i);
      if (value.length === 0) return { ok: false, error: `empty value for ${name}` };
    }
    if (params.has(name)) return { ok: false, error: `duplicate parameter ${name}` };
    if (params.size >= MAX_PARAMS) return { ok: false, error: 'too many parameters' };
    params.set(name, value);
    skipWs();
    if (i >= n) break;
    if (text[i] !== ',') return { ok: false, error: `expected "," at ${i}` };
    i++;
    skipWs();
  }
  return { ok: true, value: { scheme, params } };
}

/** Quote a value for a challenge (RFC 3261 §25.1 quoted-string). */
export function quote(value: string): string {
  // a nonce, opaque or realm rarely holds a quote or backslash: skip the regex when none does
  if (!value.includes('"') && !value.includes('\\')) return `"${value}"`;
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}
