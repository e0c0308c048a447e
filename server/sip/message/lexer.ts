// Small lexical helpers shared by the header parsers (RFC 3261 §25.1 basic rules).
// They work on header values that the parser has already unfolded (LWS → one SP).
import type { Result } from './types.js';
import { isToken } from './names.js';

export { isToken };

/**
 * Splits on `sep` outside quoted strings and angle brackets (RFC 3261 §7.3.1: a comma inside a
 * quoted string or a <URI> does not separate values). Returns undefined for unbalanced quotes.
 */
export function splitTopLevel(text: string, sep: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === '<') inAngle = true;
    else if (c === '>') inAngle = false;
    else if (c === sep && !inAngle) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (inQuote) return undefined;
  parts.push(text.slice(start));
  return parts;
}

/**
 * Reads a quoted-string starting at `text[start] === '"'` (RFC 3261 §25.1 quoted-string,
 * quoted-pair). Returns the unescaped content and the index just past the closing quote.
 */
export function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  if (text[start] !== '"') return undefined;
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): CR and LF may not be quoted
      if (next === undefined || next === '\r' || next === '\n') return undefined;
      value += next;
      i++;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  return undefined;
}

// gen-value = token / host / quoted-string; host adds ':' '[' ']' for IPv6 (RFC 3261 §25.1)
const GEN_VALUE_RE = /^[A-Za-z0-9\-.!%*_+`'~:[\]]+$/;

/**
 * Parses `*( SEMI generic-param )` (RFC 3261 §25.1): SEMI = SWS ";" SWS, EQUAL = SWS "=" SWS.
 * Names are lower-cased; values keep their text as written (quotes included) unless `unquote`.
 */
export function parseGenericParams(
  text: string,
  options: { unquote?: boolean } = {},
): Result<Map<string, string | null>, string> {
  const params = new Map<string, string | null>();
  const rest = text.trim();
  if (rest === '') return { ok: true, value: params };
  if (!rest.startsWith(';')) return { ok: false, error: `expected ";" before "${rest.slice(0, 20)}"` };
  // Without quotes or brackets there is nothing for splitTopLevel to skip over: a plain split
  // gives the same parts without the character-by-character walk.
  const body = rest.slice(1);
  const parts = body.includes('"') || body.includes('<') ? splitTopLevel(body, ';') : body.split(';');
  if (parts === undefined) return { ok: false, error: 'unterminated quoted string in parameters' };
  for (let i = 0; i < parts.length; i++) {
    const part = (parts[i] as string).trim();
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    // RFC 3261 §25.1: generic-param = token [ EQUAL gen-value ]; an empty name is not a token
    if (!isToken(name)) return { ok: false, error: `invalid parameter name "${name}"` };
    let value: string | null = null;
    if (eq >= 0) {
      const v = part.slice(eq + 1).trim();
      if (v.startsWith('"')) {
        const q = readQuoted(v, 0);
        if (q === undefined || q.end !== v.length) return { ok: false, error: `bad quoted value for ${name}` };
        value = options.unquote === true ? q.value : v;
      } else if (GEN_VALUE_RE.test(v)) {
        value = v;
      } else {
        return { ok: false, error: `invalid value for parameter ${name}` };
      }
    }
    const key = name.toLowerCase();
    if (!params.has(key)) params.set(key, value);
  }
  return { ok: true, value: params };
}

/** Leading SWS skipped, then RFC 3261 §25.1 `1*DIGIT` as a bounded integer; undefined otherwise. */
export function parseBoundedInt(text: string, max: number): number | undefined {
  const t = text.trim();
  if (!/^\d{1,20}$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) && n <= max ? n : undefined;
}
