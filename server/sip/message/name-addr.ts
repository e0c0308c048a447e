// name-addr / addr-spec with header parameters (RFC 3261 §20.10, §25.1 for From, To, Contact,
// Route, Record-Route, Refer-To, P-Asserted-Identity …).
import type { NameAddr, Result } from './types.js';
import { isToken, parseGenericParams, readQuoted } from './lexer.js';
import { parseUri } from './uri.js';

function fail(error: string): Result<NameAddr, string> {
  return { ok: false, error };
}

/**
 * Parses one name-addr or addr-spec followed by `*( SEMI generic-param )`. Never throws.
 * Not memoised: a From carries a new tag in every request (RFC 3261 §8.1.1.3), and with thousands
 * of phones their To and Contact values are evicted from a bounded memo before they repeat, so
 * hashing them into one cost more than the parse it saved.
 */
export function parseNameAddr(value: string): Result<NameAddr, string> {
  try {
    const text = value.trim();
    if (text === '') return fail('empty address');
    let displayName: string | undefined;
    let uri: string;
    let rest: string;
    let afterDisplay = text;
    if (text.startsWith('"')) {
      const q = readQuoted(text, 0);
      if (q === undefined) return fail('unterminated quoted display name');
      displayName = q.value;
      afterDisplay = text.slice(q.end).trimStart();
      if (!afterDisplay.startsWith('<')) return fail('quoted display name not followed by <URI>');
    }
    const lt = afterDisplay.indexOf('<');
    const semi = lt > 0 ? afterDisplay.indexOf(';') : -1;
    if (lt >= 0 && (displayName !== undefined || semi < 0 || semi > lt)) {
      if (displayName === undefined && lt > 0) {
        const dn = afterDisplay.slice(0, lt).trim();
        // RFC 3261 §25.1: display-name = *(token LWS) / quoted-string; commas etc. need quotes
        // (RFC 4475 §3.1.2.15 baddn)
        if (dn !== '') {
          if (!dn.split(/\s+/).every(isToken)) return fail('display name with non-token characters must be quoted');
          displayName = dn;
        }
      }
      const gt = afterDisplay.indexOf('>', lt);
      if (gt < 0) return fail('missing ">"');
      uri = afterDisplay.slice(lt + 1, gt);
      rest = afterDisplay.slice(gt + 1);
    } else {
      // RFC 3261 §20.10: in addr-spec form, everything after the URI's first ";" is a header
      // parameter, and a URI containing "," "?" or ";" must be in name-addr form.
      const end = text.search(/[;\s]/);
      uri = end < 0 ? text : text.slice(0, end);
      rest = end < 0 ? '' : text.slice(end);
      if (/[,?]/.test(uri)) return fail('addr-spec with "," or "?" must be enclosed in <>');
    }
    // RFC 3261 §25.1: no LWS inside the URI, not even next to the brackets (RFC 4475 §3.1.2.14)
    const parsedUri = parseUri(uri);
    if (!parsedUri.ok) return fail(`invalid URI: ${parsedUri.error}`);
    const params = parseGenericParams(rest);
    if (!params.ok) return fail(params.error);
    const out: NameAddr = displayName !== undefined ? { displayName, uri, params: params.value } : { uri, params: params.value };
    return { ok: true, value: Object.freeze(out) };
  } catch (e) {
    return fail(`name-addr parser fault: ${String(e)}`);
  }
}
