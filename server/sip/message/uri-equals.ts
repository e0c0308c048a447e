// URI comparison (RFC 3261 §19.1.4, RFC 3966 §4).
import type { SipUri, TelUri, Uri } from './types.js';

/** RFC 3261 §19.1.4: these parameters, when present in only one URI, make the URIs unequal. */
const SIGNIFICANT_PARAMS = ['user', 'ttl', 'method', 'maddr'];

function paramValuesEqual(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return a.toLowerCase() === b.toLowerCase();
}

function sipEquals(a: SipUri, b: SipUri): boolean {
  // "A SIP and SIPS URI are never equivalent."
  if (a.scheme !== b.scheme) return false;
  // "Comparison of the userinfo of SIP and SIPS URIs is case-sensitive" (after unescaping).
  if (a.user !== b.user || a.password !== b.password) return false;
  // "Comparison of all other components of the URI is case-insensitive"
  if (a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  // "An IP address that is the result of a DNS lookup of a host name does not match that host name";
  // a URI with an explicit port never equals one with none, even the default.
  if (a.port !== b.port) return false;
  // "URI uri-parameter components are compared as follows": parameters in both must match
  for (const [k, v] of a.params) {
    if (b.params.has(k) && !paramValuesEqual(v, b.params.get(k) ?? null)) return false;
  }
  // "A URI that includes a user, ttl, method, maddr, or transport parameter ... never matches a URI without it"
  for (const k of [...SIGNIFICANT_PARAMS, 'transport']) {
    if (a.params.has(k) !== b.params.has(k)) return false;
  }
  // "URI header components are never ignored ... must match in both"
  if (a.headers.size !== b.headers.size) return false;
  for (const [k, v] of a.headers) {
    const other = [...b.headers].find(([bk]) => bk.toLowerCase() === k.toLowerCase());
    if (other === undefined || other[1] !== v) return false;
  }
  return true;
}

function telEquals(a: TelUri, b: TelUri): boolean {
  // RFC 3966 §4: numbers compare after removing visual separators; params must all match
  if (a.number.toLowerCase() !== b.number.toLowerCase() || a.params.size !== b.params.size) return false;
  for (const [k, v] of a.params) {
    if (!b.params.has(k) || !paramValuesEqual(v, b.params.get(k) ?? null)) return false;
  }
  return true;
}

export function uriEquals(a: Uri, b: Uri): boolean {
  if ((a.scheme === 'sip' || a.scheme === 'sips') && (b.scheme === 'sip' || b.scheme === 'sips')) {
    return sipEquals(a as SipUri, b as SipUri);
  }
  if (a.scheme === 'tel' && b.scheme === 'tel') return telEquals(a as TelUri, b as TelUri);
  if ('text' in a && 'text' in b) return a.text === b.text;
  return false;
}
