// SIP text for the call-setup benchmark's load generators (bench/calls-load.ts, bench/calls-uas.ts).
// Incoming messages are parsed with our own parser (fine for a load generator); outgoing ones are
// written as text here, and the digest arithmetic is written from RFC 7616 with node:crypto, so the
// generator does not share the server's auth code.
import { createHash, randomBytes } from 'node:crypto';
import { getHeader, getHeaderLines, getHeaderValues, parseMessage, type SipMessage, type SipRequest } from '../server/sip/index.js';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** RFC 3261 §17.1.1.2 / §17.1.2.2: T1 and T2, the retransmission base and cap over UDP. */
export const T1_MS = 500;
export const T2_MS = 4000;

export const randomToken = (bytes = 6): string => randomBytes(bytes).toString('hex');

export function parse(buf: Buffer): SipMessage | undefined {
  const r = parseMessage(buf);
  return r.ok ? r.value : undefined;
}

export const header = (msg: SipMessage, name: string): string => getHeader(msg, name) ?? '';
export const headerLines = getHeaderLines;

/** the tag parameter of a From/To value (RFC 3261 §19.3) */
export function tagOf(value: string): string | undefined {
  return /;\s*tag=([^;>\s,]+)/i.exec(value)?.[1];
}

/** the URI of a name-addr or addr-spec (Contact, Record-Route) */
export function uriOf(value: string): string {
  const lt = value.indexOf('<');
  if (lt >= 0) return value.slice(lt + 1, value.indexOf('>', lt));
  return value.split(';')[0]?.trim() ?? value;
}

/** the user part of a SIP URI, e.g. "1002" from "sip:1002@host;x=y" */
export function userOf(uri: string): string {
  const m = /^sips?:([^@;>]+)@/i.exec(uri);
  return m?.[1] ?? '';
}

export function cseqOf(msg: SipMessage): { seq: number; method: string } {
  const [seq, method] = header(msg, 'CSeq').split(/\s+/);
  return { seq: Number(seq), method: method ?? '' };
}

const hash = (algorithm: DigestAlgorithm, s: string) => createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');

export interface Challenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  qop?: string;
}

/** auth-param values of one challenge, quoted or token (RFC 7616 §3.3) */
function authParam(value: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|[\\s,])${name}\\s*=\\s*(?:"([^"]*)"|([^\\s,]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * RFC 8760 §2.4: one challenge per algorithm, most preferred first; the UAC takes the one it was
 * told to prefer when offered, otherwise the topmost it supports.
 */
export function pickChallenge(values: string[], preferred: DigestAlgorithm): Challenge | undefined {
  const parsed: Challenge[] = [];
  for (const v of values) {
    if (!/^\s*digest\s/i.test(v)) continue;
    const alg = (authParam(v, 'algorithm') ?? 'MD5').toUpperCase();
    if (alg !== 'MD5' && alg !== 'SHA-256') continue;
    const realm = authParam(v, 'realm');
    const nonce = authParam(v, 'nonce');
    if (realm === undefined || nonce === undefined) continue;
    parsed.push({ realm, nonce, opaque: authParam(v, 'opaque'), algorithm: alg, qop: authParam(v, 'qop') });
  }
  return parsed.find((c) => c.algorithm === preferred) ?? parsed[0];
}

/** RFC 7616 §3.4.1 response with qop=auth, formatted as an (Proxy-)Authorization value. */
export function credentials(o: { challenge: Challenge; username: string; password: string; method: string; uri: string }): string {
  const { challenge: c } = o;
  const cnonce = randomToken(8);
  const nc = '00000001';
  const ha1 = hash(c.algorithm, `${o.username}:${c.realm}:${o.password}`);
  const ha2 = hash(c.algorithm, `${o.method}:${o.uri}`);
  const response = hash(c.algorithm, `${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${o.username}", realm="${c.realm}", nonce="${c.nonce}", uri="${o.uri}", response="${response}", ` +
    `algorithm=${c.algorithm}, cnonce="${cnonce}", qop=auth, nc=${nc}` +
    (c.opaque !== undefined ? `, opaque="${c.opaque}"` : '')
  );
}

/** Checks credentials against a known password (the self-test UAS's stand-in for a server). */
export function verifyCredentials(o: { value: string; password: string; method: string }): { ok: boolean; username: string } {
  const p = (n: string) => authParam(o.value, n) ?? '';
  const alg = (p('algorithm') || 'MD5').toUpperCase() as DigestAlgorithm;
  const ha1 = hash(alg, `${p('username')}:${p('realm')}:${o.password}`);
  const ha2 = hash(alg, `${o.method}:${p('uri')}`);
  const expected = hash(alg, `${ha1}:${p('nonce')}:${p('nc')}:${p('cnonce')}:${p('qop')}:${ha2}`);
  return { ok: expected === p('response'), username: p('username') };
}

export function challengeValue(o: { realm: string; algorithm: DigestAlgorithm }): string {
  return `Digest realm="${o.realm}", nonce="${randomToken(12)}", algorithm=${o.algorithm}, qop="auth"`;
}

/** A G.711 offer or answer (RFC 4566, RFC 3551 static types, RFC 4733 telephone-event). */
export function sdp(o: { address: string; port: number; payloads: number[]; eventPt?: number }): string {
  const id = String(Date.now());
  const lines = [
    'v=0',
    `o=- ${id} ${id} IN IP4 ${o.address}`,
    's=-',
    `c=IN IP4 ${o.address}`,
    't=0 0',
    `m=audio ${o.port} RTP/AVP ${[...o.payloads, ...(o.eventPt !== undefined ? [o.eventPt] : [])].join(' ')}`,
  ];
  for (const pt of o.payloads) lines.push(`a=rtpmap:${pt} ${pt === 0 ? 'PCMU' : 'PCMA'}/8000`);
  if (o.eventPt !== undefined) lines.push(`a=rtpmap:${o.eventPt} telephone-event/8000`, `a=fmtp:${o.eventPt} 0-16`);
  lines.push('a=ptime:20', 'a=sendrecv', '');
  return lines.join('\r\n');
}

/**
 * RFC 3264 §6.1: the answer keeps a subset of the offered formats. We answer with the first G.711
 * format offered (payload type 0 or 8) and the offer's telephone-event type, if any.
 */
export function answerFormats(offer: string): { payload: number; eventPt?: number } | undefined {
  const m = /^m=audio\s+\d+\s+RTP\/AVP\s+([\d ]+)/m.exec(offer);
  if (!m?.[1]) return undefined;
  const fmts = m[1].trim().split(/\s+/).map(Number);
  const payload = fmts.find((f) => f === 0 || f === 8);
  if (payload === undefined) return undefined;
  const ev = /^a=rtpmap:(\d+)\s+telephone-event\/8000/im.exec(offer)?.[1];
  return { payload, eventPt: ev !== undefined && fmts.includes(Number(ev)) ? Number(ev) : undefined };
}

/**
 * A response to a request (RFC 3261 §8.2.6.2: Via, From, Call-ID and CSeq copied, To with our
 * tag once we add one; §12.1.1: Record-Route copied into responses that make a dialog).
 */
export function response(o: {
  request: SipRequest;
  status: number;
  reason: string;
  toTag?: string;
  contact?: string;
  copyRecordRoute?: boolean;
  extra?: string[];
  body?: string;
}): Buffer {
  const r = o.request;
  const to = header(r, 'To');
  const lines = [`SIP/2.0 ${o.status} ${o.reason}`];
  for (const v of getHeaderLines(r, 'Via')) lines.push(`Via: ${v}`);
  if (o.copyRecordRoute) for (const v of getHeaderValues(r, 'Record-Route')) lines.push(`Record-Route: ${v}`);
  lines.push(
    `From: ${header(r, 'From')}`,
    `To: ${o.toTag !== undefined && tagOf(to) === undefined ? `${to};tag=${o.toTag}` : to}`,
    `Call-ID: ${header(r, 'Call-ID')}`,
    `CSeq: ${header(r, 'CSeq')}`,
  );
  if (o.contact !== undefined) lines.push(`Contact: ${o.contact}`);
  if (o.extra) lines.push(...o.extra);
  lines.push('Server: hailing-bench');
  const body = o.body ?? '';
  if (body) lines.push('Content-Type: application/sdp');
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return Buffer.from(lines.join('\r\n'));
}

/** A request as text; `headers` come after the Via and before Content-Length. */
export function request(o: { method: string; uri: string; via: string; headers: string[]; body?: string }): Buffer {
  const body = o.body ?? '';
  const lines = [`${o.method} ${o.uri} SIP/2.0`, `Via: ${o.via}`, 'Max-Forwards: 70', ...o.headers, 'User-Agent: hailing-bench'];
  if (body) lines.push('Content-Type: application/sdp');
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return Buffer.from(lines.join('\r\n'));
}

/** Percentiles of a sample, in the sample's unit; NaN for an empty sample. */
export function percentiles(sample: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...sample].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1] ?? NaN };
}
