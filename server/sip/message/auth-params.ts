// Authorization / WWW-Authenticate / Proxy-* values (RFC 3261 §25.1 challenge, credentials;
// RFC 7616 §3.3/§3.4 for Digest): `scheme 1*SP auth-param *(COMMA auth-param)`.
import type { Result } from './types.js';
import { isToken, readQuoted, splitTopLevel } from './lexer.js';

export interface AuthParams {
  readonly scheme: string;
  /** names lower-cased; quoted values unquoted and unescaped */
  readonly params: Map<string, string>;
}

function fail(error: string): Result<AuthParams, string> {
  return { ok: false, error };
}

export function parseAuthParams(value: string): Result<AuthParams, string> {
  try {
    const text = value.trim();
    const m = /^([^\s,]+)(?:\s+([\s\S]*))?$/.exec(text);
    if (m === null) return fail('missing auth scheme');
    const scheme = m[1] ?? '';
    if (!isToken(scheme)) return fail('auth scheme is not a token');
    const params = new Map<string, string>();
    const rest = (m[2] ?? '').trim();
    if (rest === '') return { ok: true, value: { scheme, params } };
    const parts = splitTopLevel(rest, ',');
    if (parts === undefined) return fail('unterminated quoted string');
    for (const raw of parts) {
      const part = raw.trim();
      // RFC 7230 §7 list rule: empty elements are tolerated
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) return fail(`auth-param without "=": "${part.slice(0, 20)}"`);
      const name = part.slice(0, eq).trim();
      if (!isToken(name)) return fail(`invalid auth-param name "${name}"`);
      const v = part.slice(eq + 1).trim();
      let val: string;
      if (v.startsWith('"')) {
        const q = readQuoted(v, 0);
        if (q === undefined || q.end !== v.length) return fail(`bad quoted value for ${name}`);
        val = q.value;
      } else if (/^[^\s",;]+$/.test(v)) {
        val = v;
      } else {
        return fail(`invalid value for ${name}`);
      }
      const key = name.toLowerCase();
      if (params.has(key)) return fail(`duplicate auth-param ${key}`);
      params.set(key, val);
    }
    return { ok: true, value: { scheme, params } };
  } catch (e) {
    return fail(`auth-param parser fault: ${String(e)}`);
  }
}
