// Header name normalisation: compact forms (RFC 3261 §7.3.3 and the extensions that register
// compact forms) expand to the long form, and well-known names get their canonical casing so that
// the rest of the stack compares names with `===`.

/** RFC 3261 §7.3.3, RFC 3262 (none), RFC 3515 (r), RFC 3891/3892 (b), RFC 4028 (x), RFC 3841 (a j d), RFC 3265 (o u), RFC 3428 … */
const COMPACT: ReadonlyMap<string, string> = new Map([
  ['i', 'Call-ID'],
  ['m', 'Contact'],
  ['e', 'Content-Encoding'],
  ['l', 'Content-Length'],
  ['c', 'Content-Type'],
  ['f', 'From'],
  ['s', 'Subject'],
  ['k', 'Supported'],
  ['t', 'To'],
  ['v', 'Via'],
  ['o', 'Event'], // RFC 6665 §8.2.1
  ['u', 'Allow-Events'], // RFC 6665 §8.2.2
  ['r', 'Refer-To'], // RFC 3515 §2.1
  ['b', 'Referred-By'], // RFC 3892 §3
  ['x', 'Session-Expires'], // RFC 4028 §4
  ['a', 'Accept-Contact'], // RFC 3841 §9.2
  ['j', 'Reject-Contact'], // RFC 3841 §9.3
  ['d', 'Request-Disposition'], // RFC 3841 §9.1
  ['y', 'Identity'], // RFC 8224 §4
  ['n', 'Identity-Info'], // RFC 4474 (historic)
]);

const CANONICAL_LIST = [
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
  'Authentication-Info', 'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition',
  'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Error-Info',
  'Event', 'Expires', 'From', 'History-Info', 'Identity', 'Identity-Info', 'In-Reply-To', 'Max-Forwards',
  'MIME-Version', 'Min-Expires', 'Min-SE', 'Organization', 'P-Asserted-Identity', 'P-Preferred-Identity',
  'Path', 'Priority', 'Privacy', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck',
  'Reason', 'Record-Route', 'Refer-To', 'Referred-By', 'Reject-Contact', 'Replaces', 'Reply-To',
  'Request-Disposition', 'Require', 'Retry-After', 'Route', 'RSeq', 'Security-Client', 'Security-Server',
  'Security-Verify', 'Server', 'Service-Route', 'Session-Expires', 'SIP-ETag', 'SIP-If-Match', 'Subject',
  'Subscription-State', 'Supported', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via', 'Warning',
  'WWW-Authenticate', 'Flow-Timer', 'Target-Dialog', 'Diversion', 'Remote-Party-ID',
];

const CANONICAL: ReadonlyMap<string, string> = new Map(CANONICAL_LIST.map((n) => [n.toLowerCase(), n]));

/**
 * The canonical long form of a header name: compact letters expanded, known names in their
 * RFC casing, unknown names exactly as written (RFC 3261 §7.3.1: names are case-insensitive).
 */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) {
    const long = COMPACT.get(lower);
    if (long !== undefined) return long;
  }
  return CANONICAL.get(lower) ?? name;
}

/** Case-insensitive, compact-aware comparison key for a header name. */
export function headerKey(name: string): string {
  return canonicalHeaderName(name).toLowerCase();
}

/** RFC 3261 §25.1 token characters, used to validate header names and methods. */
const TOKEN_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export function isToken(text: string): boolean {
  return TOKEN_RE.test(text);
}

/** The same token set as a table by char code, for scanners that test one character at a time. */
const TOKEN_CHARS = (() => {
  const table = new Uint8Array(128);
  const set = (from: string, to: string): void => {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) table[c] = 1;
  };
  set('A', 'Z');
  set('a', 'z');
  set('0', '9');
  for (const c of "-.!%*_+`'~") table[c.charCodeAt(0)] = 1;
  return table;
})();

/** RFC 3261 §25.1: whether the UTF-16 code unit `code` is a token character. */
export const isTokenCode = (code: number): boolean => code < 128 && TOKEN_CHARS[code] === 1;
