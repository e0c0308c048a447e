// The UAC side of digest (RFC 3261 §22.2, §22.3 with RFC 7616 / RFC 8760): answering a carrier's
// 401 WWW-Authenticate or 407 Proxy-Authenticate challenge with an Authorization or
// Proxy-Authorization value. Pure: the cnonce comes from the injected random source.
import { hash, randomBytes } from 'node:crypto';
import type { SipResponse } from '../message/types.js';
import { getHeaderLines } from '../message/headers.js';
import { parseDigestCredentials } from './digest-params.js';
import type { DigestAlgorithm } from './digest.js';

export interface DigestClientCredentials {
  readonly username: string;
  readonly password: string;
}

export interface DigestAnswer {
  /** Authorization (to a 401) or Proxy-Authorization (to a 407) */
  readonly header: 'Authorization' | 'Proxy-Authorization';
  readonly value: string;
  readonly realm: string;
}

const HASH: Record<DigestAlgorithm, string> = { 'SHA-256': 'sha256', MD5: 'md5' };
/** our preference when a server offers several challenges it finds equal (RFC 8760 §2.4: the topmost we support wins) */
const SUPPORTED = new Set(['SHA-256', 'MD5']);
const quote = (v: string): string => `"${v.replace(/["\\]/g, '\\$&')}"`;

/**
 * The answer to the first challenge of `response` whose algorithm we support (RFC 8760 §2.4: a UAC
 * "MUST use the topmost header field that it supports"), or undefined when there is none. qop=auth
 * is used when offered; without qop the RFC 2069 form (no cnonce, no nc) is sent.
 */
export function answerChallenge(o: {
  readonly response: SipResponse;
  readonly method: string;
  readonly uri: string;
  readonly credentials: DigestClientCredentials;
  /** nonce count for this nonce (1 for the first use) */
  readonly nc?: number;
  readonly random?: (bytes: number) => Uint8Array;
}): DigestAnswer | undefined {
  const proxy = o.response.status === 407;
  const lines = getHeaderLines(o.response, proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate');
  for (const line of lines) {
    const parsed = parseDigestCredentials(line);
    if (!parsed.ok || parsed.value.scheme.toLowerCase() !== 'digest') continue;
    const p = parsed.value.params;
    // RFC 7616 §3.3: absent algorithm means MD5
    const algorithm = (p.get('algorithm') ?? 'MD5').toUpperCase();
    const realm = p.get('realm');
    const nonce = p.get('nonce');
    if (!SUPPORTED.has(algorithm) || realm === undefined || nonce === undefined) continue;
    const alg = algorithm as DigestAlgorithm;
    const h = (text: string): string => hash(HASH[alg], text, 'hex');
    const ha1 = h(`${o.credentials.username}:${realm}:${o.credentials.password}`);
    const ha2 = h(`${o.method}:${o.uri}`);
    const qops = (p.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
    const parts = [`Digest username=${quote(o.credentials.username)}`, `realm=${quote(realm)}`, `nonce=${quote(nonce)}`, `uri=${quote(o.uri)}`];
    let response: string;
    if (qops.includes('auth')) {
      const nc = (o.nc ?? 1).toString(16).padStart(8, '0');
      const cnonce = Buffer.from((o.random ?? randomBytes)(12)).toString('hex');
      response = h(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
      parts.push(`response=${quote(response)}`, `algorithm=${alg}`, `cnonce=${quote(cnonce)}`, 'qop=auth', `nc=${nc}`);
    } else {
      // RFC 2617 §3.2.2.1 without qop (RFC 2069 compatibility)
      response = h(`${ha1}:${nonce}:${ha2}`);
      parts.push(`response=${quote(response)}`, `algorithm=${alg}`);
    }
    const opaque = p.get('opaque');
    if (opaque !== undefined) parts.push(`opaque=${quote(opaque)}`);
    return { header: proxy ? 'Proxy-Authorization' : 'Authorization', value: parts.join(', '), realm };
  }
  return undefined;
}
