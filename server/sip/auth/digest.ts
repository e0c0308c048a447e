// HTTP Digest authentication for SIP: RFC 3261 §22.4 with the algorithms of RFC 7616 (SHA-256, MD5)
// as adopted for SIP by RFC 8760. Pure: no I/O, time comes from the injected Clock, credentials
// come in as stored HA1 values (never a password).
//
// Policy choices (documented because they are security decisions):
// - qop=auth is required. RFC 2069-style responses (no qop, no cnonce, no nc) carry no replay
//   protection, and every SIP phone in use since RFC 3261 (2002) supports qop=auth. RFC 8760 §2.2
//   leaves the choice to the server. A response without qop is 'malformed'.
// - The "-sess" algorithms, auth-int and userhash are not offered and so not accepted.
// - A failed check on an unknown user costs the same work as on a known one: the response is
//   computed against a dummy HA1 and the result is the same 'mismatch' (no user enumeration).
// - 'stale' is reported only when the response itself was right (RFC 7616 §3.3: stale=true means
//   "the previous request ... was rejected because the nonce value was stale" and the client may
//   retry without asking the user), so a wrong password never gets the silent-retry hint.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { parseDigestCredentials, quote, type DigestChallengeResponse } from './digest-params.js';
import { digestUriNamesTarget } from './digest-uri.js';
import { NonceCodec } from './nonce.js';
import { NonceCountRing } from './nc-ring.js';
import { randomBytesPooled } from '../random.js';

export type DigestAlgorithm = 'SHA-256' | 'MD5';

/** What digest needs of stored credentials; structurally the registrar's DigestCredentials. */
export interface DigestSecrets {
  readonly username: string;
  readonly realm: string;
  /** hex MD5(username:realm:password) */
  readonly ha1Md5: string;
  /** hex SHA-256(username:realm:password) */
  readonly ha1Sha256: string;
  /**
   * Further passwords of the same user, as HA1 pairs: a desk phone enrolled for provisioning holds
   * its own random password for the extension (docs/provisioning.md), so revoking that phone never
   * touches the extension's own password or its other devices.
   */
  readonly alternates?: readonly { readonly ha1Md5: string; readonly ha1Sha256: string }[];
}

export interface DigestAuthenticatorOptions {
  readonly realm: string;
  /** HMAC key for nonces, at least 16 bytes; share it between nodes that share a realm */
  readonly secret: Uint8Array;
  readonly clock: Clock;
  /** how long a nonce may be used, ms; at most 300000 (default 300000) */
  readonly nonceLifetimeMs?: number;
  /**
   * the most recently issued nonces whose nc values are remembered for replay detection, rounded
   * up to a power of two (default 2^20: 100 s of challenges at 10,000/s, 12 MiB at most); a nonce
   * with that many newer challenges after it is stale
   */
  readonly replayCacheSize?: number;
  /** randomness for nonces, injectable for tests */
  readonly random?: (bytes: number) => Uint8Array;
  /**
   * Algorithms offered, most preferred first (default SHA-256, MD5); only these are accepted.
   * Put MD5 first for fleets with UACs that abort on the first challenge whose algorithm they do
   * not know instead of skipping it (libre ≤ 1.x, e.g. Debian's baresip 1.0): see docs/decisions.md.
   */
  readonly algorithms?: readonly DigestAlgorithm[];
  /**
   * User-Agent substrings (case-insensitive) of UACs that fail when any challenge names an
   * algorithm they lack (libre ≤ 1.x answers ENOSYS instead of picking MD5): they are offered MD5
   * alone, when MD5 is offered at all. The choice depends only on the request, never on whether
   * the user exists, so it reveals nothing (see docs/decisions.md).
   */
  readonly md5OnlyUserAgents?: readonly string[];
}

export type VerifyFailureReason =
  | 'stale'
  | 'bad-nonce'
  | 'mismatch'
  | 'replay'
  | 'malformed'
  | 'wrong-realm'
  | 'unsupported-algorithm'
  /** RFC 2617 §3.2.2.5: the response was computed for another resource; answered 400 */
  | 'uri-mismatch';

export type VerifyResult =
  | { readonly ok: true; readonly username: string; readonly algorithm: DigestAlgorithm }
  | { readonly ok: false; readonly reason: VerifyFailureReason; readonly username?: string };

export interface VerifyOptions {
  readonly method: string;
  /** one Authorization / Proxy-Authorization header value */
  readonly authorization: string;
  /** `authorization` as readDigestCredentials parsed it, so that it is not parsed a second time */
  readonly parsed?: DigestChallengeResponse;
  /** the stored credentials of the named user, or undefined when there is no such user */
  readonly credentials: DigestSecrets | undefined;
  /** the Request-URI: when given, the response's uri must name the same target (digest-uri.ts) */
  readonly requestUri?: string;
  /** hosts this server answers for (its domain, aliases, the local address), for the uri check */
  readonly isOwnHost?: (host: string) => boolean;
}

/** The parts of a digest response a caller needs before looking credentials up. */
export interface DigestIdentity {
  readonly username: string;
  readonly realm: string;
}

export const MAX_NONCE_LIFETIME_MS = 300_000;

/**
 * Failures that say nothing about a password and are re-challenged without counting towards a
 * ban: a nonce of ours past its lifetime or forgotten (a phone after a restart), a reused
 * nonce-count (some phones do), a uri for another resource (answered 400). A nonce we never issued
 * ('bad-nonce') is counted: no phone presents one, and probes with made-up nonces were a free way
 * to enumerate extensions (issue 18, finding 6).
 */
export const NOT_A_GUESS: ReadonlySet<VerifyFailureReason> = new Set<VerifyFailureReason>(['stale', 'replay', 'uri-mismatch']);

const HASH: Record<DigestAlgorithm, string> = { 'SHA-256': 'sha256', MD5: 'md5' };

// The one-shot hash: a createHash object per call (two per verification) cost measurably under load.
const h = (algorithm: DigestAlgorithm, text: string): string => hash(HASH[algorithm], text, 'hex');

/** HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2), for the store to keep instead of passwords. */
export function computeHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return h(algorithm, `${username}:${realm}:${password}`);
}

/** response = KD(HA1, nonce:nc:cnonce:qop:HA2) with HA2 = H(method:digest-uri) (RFC 7616 §3.4.1, qop=auth). */
export function computeResponse(options: {
  readonly algorithm: DigestAlgorithm;
  readonly ha1: string;
  readonly nonce: string;
  readonly nc: string;
  readonly cnonce: string;
  readonly qop: string;
  readonly method: string;
  readonly uri: string;
}): string {
  const ha2 = h(options.algorithm, `${options.method}:${options.uri}`);
  return h(options.algorithm, `${options.ha1}:${options.nonce}:${options.nc}:${options.cnonce}:${options.qop}:${ha2}`);
}

/** Read username and realm from an Authorization value (to look the credentials up). */
export function readDigestIdentity(authorization: string): DigestIdentity | undefined {
  const read = readDigestCredentials(authorization);
  return read === undefined ? undefined : { username: read.username, realm: read.realm };
}

/** Username and realm, with the parsed credentials to hand to verify() as `parsed`. */
export function readDigestCredentials(authorization: string): (DigestIdentity & { readonly parsed: DigestChallengeResponse }) | undefined {
  const parsed = parseDigestCredentials(authorization);
  if (!parsed.ok || parsed.value.scheme.toLowerCase() !== 'digest') return undefined;
  const username = parsed.value.params.get('username');
  const realm = parsed.value.params.get('realm');
  if (username === undefined || realm === undefined) return undefined;
  return { username, realm, parsed: parsed.value };
}

function algorithmOf(value: string | undefined): DigestAlgorithm | undefined {
  // RFC 7616 §3.4: "If this is not present, it is assumed to be "MD5"."
  if (value === undefined) return 'MD5';
  const upper = value.toUpperCase();
  return upper === 'SHA-256' || upper === 'MD5' ? upper : undefined;
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), 'utf8');
  const y = Buffer.from(b.toLowerCase(), 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(y, y);
    return false;
  }
  return timingSafeEqual(x, y);
}

export class DigestAuthenticator {
  readonly #realm: string;
  readonly #clock: Clock;
  readonly #lifetime: number;
  readonly #nonces: NonceCodec;
  readonly #nc: NonceCountRing;
  readonly #random: (bytes: number) => Uint8Array;
  readonly #opaque: string;
  readonly #dummy: Record<DigestAlgorithm, string>;
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #md5OnlyAgents: readonly string[];

  constructor(options: DigestAuthenticatorOptions) {
    const lifetime = options.nonceLifetimeMs ?? MAX_NONCE_LIFETIME_MS;
    if (!(lifetime > 0 && lifetime <= MAX_NONCE_LIFETIME_MS)) {
      throw new RangeError(`nonceLifetimeMs must be in (0, ${MAX_NONCE_LIFETIME_MS}]`);
    }
    this.#algorithms = [...new Set(options.algorithms ?? (['SHA-256', 'MD5'] as const))];
    if (this.#algorithms.length === 0) throw new RangeError('at least one digest algorithm must be offered');
    this.#md5OnlyAgents = (options.md5OnlyUserAgents ?? []).map((a) => a.toLowerCase()).filter((a) => a.length > 0);
    this.#realm = options.realm;
    this.#clock = options.clock;
    this.#lifetime = lifetime;
    this.#nonces = new NonceCodec({ realm: options.realm, secret: options.secret });
    this.#random = options.random ?? randomBytesPooled;
    this.#nc = new NonceCountRing({ capacity: options.replayCacheSize ?? 2 ** 20, start: this.#uint32() });
    this.#opaque = this.#nonces.opaque();
    const dummySecret = randomBytes(32).toString('hex');
    this.#dummy = { 'SHA-256': h('SHA-256', dummySecret), MD5: h('MD5', dummySecret) };
  }

  #uint32(): number {
    return Buffer.from(this.#random(4)).readUInt32BE(0);
  }

  #offeredTo(userAgent: string | undefined): readonly DigestAlgorithm[] {
    if (userAgent === undefined || !this.#algorithms.includes('MD5')) return this.#algorithms;
    const ua = userAgent.toLowerCase();
    return this.#md5OnlyAgents.some((a) => ua.includes(a)) ? ['MD5'] : this.#algorithms;
  }

  get realm(): string {
    return this.#realm;
  }

  /**
   * Header values for WWW-Authenticate / Proxy-Authenticate, one per offered algorithm in order
   * (RFC 8760 §2.4: "the UAS ... MUST add ... in the order of preference, most preferred first").
   */
  challenge(options: { readonly stale?: boolean; readonly userAgent?: string } = {}): string[] {
    const tag = this.#uint32();
    const nonce = this.#nonces.mint({ now: this.#clock.now(), seq: this.#nc.issue(tag), tag });
    const tail = `nonce=${quote(nonce)}, opaque=${quote(this.#opaque)}, qop="auth"${options.stale ? ', stale=true' : ''}`;
    return this.#offeredTo(options.userAgent).map((alg) => `Digest realm=${quote(this.#realm)}, ${tail}, algorithm=${alg}`);
  }

  verify(options: VerifyOptions): VerifyResult {
    const parsed = options.parsed === undefined ? parseDigestCredentials(options.authorization) : { ok: true as const, value: options.parsed };
    if (!parsed.ok || parsed.value.scheme.toLowerCase() !== 'digest') return { ok: false, reason: 'malformed' };
    const p = parsed.value.params;
    const username = p.get('username');
    const realm = p.get('realm');
    const nonce = p.get('nonce');
    const uri = p.get('uri');
    const response = p.get('response');
    const qop = p.get('qop');
    const nc = p.get('nc');
    const cnonce = p.get('cnonce');
    // RFC 7616 §3.4: username, realm, nonce, uri and response are mandatory; we require qop=auth too.
    if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) {
      return { ok: false, reason: 'malformed' };
    }
    const who = { username };
    if (qop === undefined || nc === undefined || cnonce === undefined) return { ok: false, reason: 'malformed', ...who };
    if (qop.toLowerCase() !== 'auth') return { ok: false, reason: 'malformed', ...who };
    // RFC 7616 §3.4: nc is exactly 8 hex digits
    if (!/^[0-9a-fA-F]{8}$/.test(nc)) return { ok: false, reason: 'malformed', ...who };
    if (p.get('userhash')?.toLowerCase() === 'true') return { ok: false, reason: 'unsupported-algorithm', ...who };
    if (realm !== this.#realm) return { ok: false, reason: 'wrong-realm', ...who };
    const algorithm = algorithmOf(p.get('algorithm'));
    if (algorithm === undefined || !this.#algorithms.includes(algorithm))
      return { ok: false, reason: 'unsupported-algorithm', ...who };
    if (options.requestUri !== undefined && !digestUriNamesTarget({ digestUri: uri, requestUri: options.requestUri, ...(options.isOwnHost ? { isOwnHost: options.isOwnHost } : {}) })) {
      return { ok: false, reason: 'uri-mismatch', ...who };
    }
    const opaque = p.get('opaque');
    // RFC 7616 §3.4: opaque "MUST be returned by the client unchanged"; tolerate clients that omit it
    if (opaque !== undefined && opaque !== this.#opaque) return { ok: false, reason: 'bad-nonce', ...who };
    const checked = this.#nonces.check(nonce);
    if (!checked.ok) return { ok: false, reason: 'bad-nonce', ...who };

    const creds = options.credentials;
    const known = creds !== undefined && creds.username === username && creds.realm === this.#realm;
    const ha1 = known ? (algorithm === 'SHA-256' ? creds.ha1Sha256 : creds.ha1Md5) : this.#dummy[algorithm];
    const expected = computeResponse({ algorithm, ha1, nonce, nc, cnonce, qop: 'auth', method: options.method, uri });
    let match = safeEqualHex(expected, response);
    for (const alt of known ? (creds.alternates ?? []) : []) {
      const altHa1 = algorithm === 'SHA-256' ? alt.ha1Sha256 : alt.ha1Md5;
      // every alternate is computed, matched or not, so the time spent says nothing of which one matched
      const altMatch = safeEqualHex(computeResponse({ algorithm, ha1: altHa1, nonce, nc, cnonce, qop: 'auth', method: options.method, uri }), response);
      match = altMatch || match;
    }
    if (!match || !known) return { ok: false, reason: 'mismatch', ...who };

    const now = this.#clock.now();
    // A nonce "from the future" beyond a little clock skew between nodes was not minted by us honestly.
    if (checked.issuedAt > now + 5_000) return { ok: false, reason: 'bad-nonce', ...who };
    if (now - checked.issuedAt > this.#lifetime) return { ok: false, reason: 'stale', ...who };
    const count = Number.parseInt(nc, 16);
    const verdict = this.#nc.judge(checked, count);
    if (verdict === 'replay') return { ok: false, reason: 'replay', ...who };
    if (verdict === 'forgotten') return { ok: false, reason: 'stale', ...who };
    this.#nc.accept(checked, count);
    return { ok: true, username, algorithm };
  }
}
