// Sans-IO SIP message parser (RFC 3261 §7, §18.3, §25): bytes in, a frozen SipRequest or
// SipResponse out, or a ParseError value that tells the core which response is owed.
import type { ParseError, ParseErrorCode, ParseResult, ParserLimits, SipHeader, SipMessage, Uri } from './types.js';
import { DEFAULT_PARSER_LIMITS } from './types.js';
import { canonicalHeaderName, isToken } from './names.js';
import { checkMandatory } from './checks.js';
import { rememberCoreHeaders } from './core-headers.js';
import { parseUri } from './uri.js';

const CR = 0x0d;
const LF = 0x0a;
const NO_BODY = new Uint8Array(0);

type PartialInfo = NonNullable<ParseError['partial']>;

interface Head {
  readonly startLine: string;
  readonly headerLines: string[];
  /** index of the first body byte */
  readonly bodyStart: number;
}

function failure(code: ParseErrorCode, detail: string, status?: number, partial?: PartialInfo): ParseResult {
  const error: ParseError = {
    code,
    detail,
    ...(status !== undefined ? { status } : {}),
    ...(partial !== undefined ? { partial: Object.freeze(partial) } : {}),
  };
  return { ok: false, error: Object.freeze(error) };
}

/**
 * Splits the head into lines. RFC 3261 §7.5: empty lines before the start line are ignored;
 * the head ends at the first empty line. Bare LF line ends are tolerated (robustness).
 * The bytes are scanned for line ends natively and the head is decoded once, then sliced: a
 * decode per line was a measurable share of the parse. LF (0x0a) never occurs inside a UTF-8
 * sequence, so the decoded text has its line ends exactly where the bytes do.
 */
function splitHead(bytes: Uint8Array, maxLine: number): Head | { tooLong: true } | undefined {
  let pos = 0;
  while (pos < bytes.length && (bytes[pos] === CR || bytes[pos] === LF)) pos++;
  const start = pos;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // No empty line: a datagram that ends right after its last header has an empty body.
  let headEnd = bytes.length;
  let bodyStart = bytes.length;
  while (pos < bytes.length) {
    let end = buf.indexOf(LF, pos);
    const last = end < 0;
    if (last) end = bytes.length;
    const lineEnd = end > pos && bytes[end - 1] === CR ? end - 1 : end;
    if (lineEnd - pos > maxLine) return { tooLong: true };
    if (lineEnd === pos) {
      headEnd = pos;
      bodyStart = last ? end : end + 1;
      break;
    }
    pos = last ? end : end + 1;
  }
  if (headEnd <= start) return undefined;
  const text = buf.toString('utf8', start, headEnd);
  let startLine: string | undefined;
  const headerLines: string[] = [];
  let from = 0;
  while (from < text.length) {
    let end = text.indexOf('\n', from);
    if (end < 0) end = text.length;
    const line = text.slice(from, end > from && text.charCodeAt(end - 1) === CR ? end - 1 : end);
    from = end + 1;
    if (startLine === undefined) startLine = line;
    else headerLines.push(line);
  }
  return startLine === undefined ? undefined : { startLine, headerLines, bodyStart };
}

/** The header name before HCOLON without its trailing SP / HTAB (rare, so the regex runs rarely). */
const trimEndSpTab = (text: string): string => {
  const last = text.charCodeAt(text.length - 1);
  return last === 0x20 || last === 0x09 ? text.replace(/[ \t]+$/, '') : text;
};

interface HeaderParse {
  readonly headers: SipHeader[];
  readonly error?: { code: ParseErrorCode; detail: string };
}

const isWsStart = (line: string): boolean => {
  const first = line.charCodeAt(0);
  return first === 0x20 || first === 0x09;
};

/**
 * Header names as written → canonical names, for names that passed the token check: a message
 * repeats the same few dozen names, and the check and the canonicalisation were paid per line.
 * Bounded, so a flood of invented names cannot grow it.
 */
const KNOWN_NAMES = new Map<string, string>();
const MAX_KNOWN_NAMES = 512;

function canonicalTokenName(raw: string): string | undefined {
  const known = KNOWN_NAMES.get(raw);
  if (known !== undefined) return known;
  if (!isToken(raw)) return undefined;
  const canonical = canonicalHeaderName(raw);
  if (KNOWN_NAMES.size < MAX_KNOWN_NAMES) KNOWN_NAMES.set(raw, canonical);
  return canonical;
}

/** RFC 3261 §7.3.1: unfold continuation lines, split "name HCOLON value", canonicalise names. */
function parseHeaderLines(lines: readonly string[], limits: ParserLimits): HeaderParse {
  const headers: SipHeader[] = [];
  let error: HeaderParse['error'];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    if (isWsStart(line)) {
      // RFC 3261 §7.3.1: a continuation needs a header before it (later ones are joined below)
      error ??= { code: 'bad-header', detail: 'continuation line before any header' };
      continue;
    }
    // RFC 3261 §7.3.1: a line starting with whitespace continues the previous header value
    for (let next = lines[i + 1]; next !== undefined && isWsStart(next); next = lines[++i + 1]) {
      line = `${line.trimEnd()} ${next.trim()}`;
    }
    // a UTF-16 code unit is at most 3 UTF-8 bytes, so most lines need no byte count at all
    if (line.length * 3 > limits.maxLineBytes && Buffer.byteLength(line) > limits.maxLineBytes) {
      error ??= { code: 'line-too-long', detail: 'header line over the limit' };
      continue;
    }
    const colon = line.indexOf(':');
    // header-name HCOLON: HCOLON = *( SP / HTAB ) ":" SWS
    const name = colon < 0 ? undefined : canonicalTokenName(trimEndSpTab(line.slice(0, colon)));
    if (name === undefined) {
      error ??= { code: 'bad-header', detail: `malformed header line "${line.slice(0, 40)}"` };
      continue;
    }
    if (headers.length >= limits.maxHeaders) {
      error ??= { code: 'too-many-headers', detail: `more than ${limits.maxHeaders} headers` };
      break;
    }
    // Headers are not frozen one by one (their type is read-only; the list itself is frozen).
    headers.push({ name, value: line.slice(colon + 1).trim() });
  }
  return error === undefined ? { headers } : { headers, error };
}

/** RFC 3261 §18.3 / §20.14: Content-Length = 1*DIGIT; several differing values are a framing error. */
export function contentLengthOf(headers: readonly SipHeader[]): number | undefined | { error: string } {
  let value: number | undefined;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as SipHeader;
    if (h.name !== 'Content-Length') continue;
    // RFC 4475 §3.1.2.3 ncl: negative or non-numeric values draw an error
    if (!/^\d{1,10}$/.test(h.value)) return { error: `invalid Content-Length "${h.value.slice(0, 20)}"` };
    const n = Number(h.value);
    // RFC 4475 §3.3.9 mcl01: conflicting values make framing impossible
    if (value !== undefined && value !== n) return { error: 'conflicting Content-Length values' };
    value = n;
  }
  return value;
}

const RESPONSE_RE = /^SIP\/(\d+\.\d+) (\d{3})(?: (.*))?$/;
const VERSION_RE = /^SIP\/\d+\.\d+$/;

/**
 * The transport layer passes the same limits object with every message: the merged copy is kept
 * for it rather than spread anew per datagram (limits objects are read-only by type).
 */
let lastLimits: Partial<ParserLimits> | undefined;
let lastMerged: ParserLimits = DEFAULT_PARSER_LIMITS;

function mergedLimits(limits: Partial<ParserLimits> | undefined): ParserLimits {
  if (limits === undefined) return DEFAULT_PARSER_LIMITS;
  if (limits !== lastLimits) {
    lastMerged = { ...DEFAULT_PARSER_LIMITS, ...limits };
    lastLimits = limits;
  }
  return lastMerged;
}

export function parseMessage(bytes: Uint8Array, limits?: Partial<ParserLimits>): ParseResult {
  const lim = mergedLimits(limits);
  try {
    if (bytes.byteLength > lim.maxMessageBytes) {
      // RFC 3261 §21.5.7: 513 Message Too Large; read what we can for the response's headers
      const head = splitHead(bytes.subarray(0, lim.maxMessageBytes), lim.maxLineBytes);
      let partial: PartialInfo | undefined;
      if (head !== undefined && !('tooLong' in head)) {
        const method = head.startLine.split(' ')[0] ?? '';
        const isResponse = head.startLine.startsWith('SIP/');
        const { headers } = parseHeaderLines(head.headerLines, lim);
        partial = isResponse ? { kind: 'response', headers } : { kind: 'request', method, headers };
      }
      const status = partial?.kind === 'request' ? 513 : undefined;
      return failure('too-large', `message of ${bytes.byteLength} bytes exceeds ${lim.maxMessageBytes}`, status, partial);
    }
    return parseWithin(bytes, lim);
  } catch (e) {
    return failure('bad-start-line', `parser fault: ${String(e)}`);
  }
}

function parseWithin(bytes: Uint8Array, lim: ParserLimits): ParseResult {
  const head = splitHead(bytes, lim.maxLineBytes);
  if (head === undefined) return failure('bad-start-line', 'empty message');
  if ('tooLong' in head) return failure('line-too-long', 'line over the limit', 400);
  const { startLine } = head;
  const parsed = parseHeaderLines(head.headerLines, lim);
  const headers = Object.freeze(parsed.headers);

  if (startLine.startsWith('SIP/')) {
    const m = RESPONSE_RE.exec(startLine.trimEnd()) ?? RESPONSE_RE.exec(startLine);
    const partial: PartialInfo = { kind: 'response', headers };
    // RFC 3261 §7.2: Status-Code is 3DIGIT; RFC 4475 §3.1.2.19 bigcode: a receiver drops it
    if (m === null) return failure('bad-start-line', 'malformed Status-Line', undefined, partial);
    if (m[1] !== '2.0') return failure('bad-version', `unsupported version SIP/${m[1] ?? ''}`, undefined, partial);
    const status = Number(m[2]);
    if (status < 100) return failure('bad-start-line', 'status code below 100', undefined, partial);
    if (parsed.error) return failure(parsed.error.code, parsed.error.detail, undefined, partial);
    return finish(bytes, head.bodyStart, headers, { kind: 'response', status, reason: m[3] ?? '' }, partial);
  }

  // RFC 3261 §7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF. Extra SP between or
  // after the elements is tolerated: RFC 4475 §3.1.2.9 and §3.1.2.10 allow a liberal receiver
  // to ignore them; an element inside the URI (§3.1.2.8 lwsruri) still yields four parts → 400.
  const single = startLine.split(' ');
  const parts = single.length === 3 && !single.includes('') ? single : startLine.split(/ +/).filter((p) => p !== '');
  const method = parts[0] ?? '';
  const partial: PartialInfo = { kind: 'request', method, headers };
  if (!isToken(method)) return failure('bad-start-line', 'method is not a token', undefined, partial);
  if (parts.length !== 3) return failure('bad-start-line', 'malformed Request-Line', 400, partial);
  const uri = parts[1] ?? '';
  const version = parts[2] ?? '';
  // RFC 3261 §21.5.6: 505 Version Not Supported (RFC 4475 §3.1.2.16 badvers)
  if (VERSION_RE.test(version) && version !== 'SIP/2.0') {
    return failure('bad-version', `unsupported version ${version}`, 505, partial);
  }
  if (version !== 'SIP/2.0') return failure('bad-start-line', 'malformed SIP-Version', 400, partial);
  // RFC 3261 §21.4.12: 414 Request-URI Too Long
  if (Buffer.byteLength(uri) > lim.maxUriBytes) return failure('uri-too-long', 'Request-URI too long', 414, partial);
  // RFC 4475 §3.1.2.7 ltgtruri and RFC 5118 §4.2: an unparseable Request-URI draws a 400
  const parsedUri = parseUri(uri);
  if (!parsedUri.ok) return failure('bad-start-line', `invalid Request-URI: ${parsedUri.error}`, 400, partial);
  if (parsed.error) {
    return failure(parsed.error.code, parsed.error.detail, 400, partial);
  }
  return finish(bytes, head.bodyStart, headers, { kind: 'request', method, uri }, partial, parsedUri.value);
}

type StartFields = { kind: 'request'; method: string; uri: string } | { kind: 'response'; status: number; reason: string };

function finish(
  bytes: Uint8Array,
  bodyStart: number,
  headers: readonly SipHeader[],
  start: StartFields,
  partial: PartialInfo,
  requestUri?: Uri,
): ParseResult {
  const status = start.kind === 'request' ? 400 : undefined;
  const cl = contentLengthOf(headers);
  if (typeof cl === 'object') return failure('bad-content-length', cl.error, status, partial);
  const available = bytes.length - bodyStart;
  if (cl !== undefined && cl > available) {
    // RFC 4475 §3.1.2.2 clerr: a datagram shorter than its Content-Length draws a 400
    return failure('body-too-short', `Content-Length ${cl} but ${available} bytes follow`, status, partial);
  }
  // RFC 3261 §18.3: octets beyond Content-Length in a datagram are ignored (RFC 4475 dblreq);
  // without Content-Length the body runs to the end of the datagram (RFC 4475 §3.4.1 inv2543).
  const bodyEnd = cl === undefined ? bytes.length : bodyStart + cl;
  // Most requests (REGISTER, OPTIONS) have no body: they share one empty array, which nothing can change.
  const body = bodyEnd === bodyStart ? NO_BODY : Uint8Array.prototype.slice.call(bytes, bodyStart, bodyEnd);
  // written out per kind rather than spread: the spread was a measurable share of the parse
  const message: SipMessage =
    start.kind === 'request'
      ? { kind: 'request', method: start.method, uri: start.uri, version: 'SIP/2.0', headers, body }
      : { kind: 'response', status: start.status, reason: start.reason, version: 'SIP/2.0', headers, body };
  const checked = checkMandatory(message, requestUri);
  if (!checked.ok) return failure(checked.error.code, checked.error.detail, status, partial);
  rememberCoreHeaders(message, checked.value);
  return { ok: true, value: Object.freeze(message) };
}
