// Digest answers for the node-sip test UAs, computed here from the RFC 7616 §3.4.1 formulas with
// node:crypto (node-sip's own digest code knows MD5 only).
import { createHash } from 'node:crypto';
import { randomToken } from './node-sip.js';

/** a WWW-Authenticate / Proxy-Authenticate challenge as node-sip parses it (values still quoted) */
export interface Challenge {
  scheme: string;
  realm?: string;
  nonce?: string;
  opaque?: string;
  algorithm?: string;
  qop?: string;
}
export type DigestAlgorithm = 'SHA-256' | 'MD5';

const unq = (s: string | null | undefined) => (s ?? '').replace(/^"(.*)"$/, '$1');
const hash = (alg: string, text: string) => createHash(alg === 'SHA-256' ? 'sha256' : 'md5').update(text).digest('hex');

/** RFC 7616 §3.3: a challenge without an algorithm parameter means MD5 */
export const challengeAlgorithm = (c: Challenge): string => unq(c.algorithm) || 'MD5';

/** RFC 7616 §3.4.1 with qop=auth: response = H(H(A1):nonce:nc:cnonce:qop:H(A2)), as Authorization parameters. */
export function digestCredentials(o: { challenge: Challenge; user: string; password: string; method: string; uri: string }): Record<string, string> {
  const algorithm = challengeAlgorithm(o.challenge);
  const realm = unq(o.challenge.realm);
  const nonce = unq(o.challenge.nonce);
  const cnonce = randomToken();
  const nc = '00000001';
  const ha1 = hash(algorithm, `${o.user}:${realm}:${o.password}`);
  const ha2 = hash(algorithm, `${o.method}:${o.uri}`);
  const response = hash(algorithm, `${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return {
    scheme: 'Digest',
    username: `"${o.user}"`,
    realm: `"${realm}"`,
    nonce: `"${nonce}"`,
    uri: `"${o.uri}"`,
    response: `"${response}"`,
    algorithm,
    cnonce: `"${cnonce}"`,
    qop: 'auth',
    nc,
    ...(o.challenge.opaque ? { opaque: o.challenge.opaque } : {}),
  };
}

/**
 * Answers the challenge for `algorithm`, or the first one when none offers it (RFC 7616 §3.7: a
 * server may offer several; a UA uses the first it supports); undefined when there is none.
 */
export function answerChallenges(o: { challenges: Challenge[]; algorithm: DigestAlgorithm; user: string; password: string; method: string; uri: string }): Record<string, string> | undefined {
  const challenge = o.challenges.find((c) => challengeAlgorithm(c) === o.algorithm) ?? o.challenges[0];
  return challenge && digestCredentials({ challenge, user: o.user, password: o.password, method: o.method, uri: o.uri });
}
