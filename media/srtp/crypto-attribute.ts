// SDES key exchange: the SDP `a=crypto` attribute (RFC 4568), sans-IO. Parsing is for the signalling
// path (once per offer/answer), so it may allocate; it never throws on bad input.
import { randomBytes } from 'node:crypto';

export type CryptoSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32' | 'AEAD_AES_128_GCM';

export const CRYPTO_SUITES: readonly CryptoSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM'];

/** Master key and salt lengths in octets: RFC 4568 §6.2.1/§6.2.2 (16 + 14), RFC 7714 §12 (16 + 12). */
export function suiteKeyLengths(suite: CryptoSuite): { key: number; salt: number } {
  return suite === 'AEAD_AES_128_GCM' ? { key: 16, salt: 12 } : { key: 16, salt: 14 };
}

export interface CryptoKeyParam {
  readonly key: Buffer;
  readonly salt: Buffer;
  /** RFC 4568 §6.1 lifetime in packets (`2^20` or decimal), null when absent */
  readonly lifetime: number | null;
  /** RFC 4568 §6.1 master key identifier and its length in bytes on the wire, null when absent */
  readonly mki: { readonly value: number; readonly length: number } | null;
}

export interface CryptoAttribute {
  readonly tag: number;
  readonly suite: CryptoSuite;
  /** every inline key (RFC 4568 §9.1 allows several, told apart by MKI); at least one */
  readonly keys: readonly CryptoKeyParam[];
  /** session parameters (RFC 4568 §6.3: KDR=, UNENCRYPTED_SRTP, FEC_ORDER=, ...) as written */
  readonly sessionParams: readonly string[];
}

export type CryptoErrorCode = 'syntax' | 'bad-tag' | 'unknown-suite' | 'bad-key-method' | 'bad-key' | 'bad-lifetime' | 'bad-mki';

export type CryptoParseResult =
  | { ok: true; value: CryptoAttribute }
  | { ok: false; error: { code: CryptoErrorCode; detail: string } };

const fail = (code: CryptoErrorCode, detail: string): CryptoParseResult => ({ ok: false, error: { code, detail } });

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseLifetime(text: string): number | null {
  // RFC 4568 §9.1: lifetime = ["2^"] 1*(DIGIT)
  const m = /^(2\^)?(\d{1,10})$/.exec(text);
  if (!m) return null;
  const n = Number(m[2]);
  if (m[1]) return n <= 48 ? 2 ** n : null;
  return n > 0 ? n : null;
}

type KeyParamResult = { ok: true; value: CryptoKeyParam } | { ok: false; error: { code: CryptoErrorCode; detail: string } };

function parseKeyParam(param: string, suite: CryptoSuite): KeyParamResult {
  // RFC 4568 §9.1: key-param = key-method ":" key-info; the only key-method is "inline"
  const colon = param.indexOf(':');
  if (colon < 0 || param.slice(0, colon).toLowerCase() !== 'inline') {
    return { ok: false, error: { code: 'bad-key-method', detail: `not an inline key: ${param}` } };
  }
  // RFC 4568 §6.1: inline:<key||salt>["|" lifetime]["|" MKI ":" length]
  const parts = param.slice(colon + 1).split('|');
  const b64 = parts[0] ?? '';
  const want = suiteKeyLengths(suite);
  if (!BASE64.test(b64)) return { ok: false, error: { code: 'bad-key', detail: 'key||salt is not base64' } };
  const raw = Buffer.from(b64, 'base64');
  // RFC 7714 §12 and RFC 4568 §6.2: the decoded key||salt has exactly the suite's length
  if (raw.length !== want.key + want.salt) {
    return { ok: false, error: { code: 'bad-key', detail: `key||salt is ${raw.length} octets, ${suite} needs ${want.key + want.salt}` } };
  }
  let lifetime: number | null = null;
  let mki: CryptoKeyParam['mki'] = null;
  for (const extra of parts.slice(1)) {
    if (extra.includes(':')) {
      if (mki) return { ok: false, error: { code: 'bad-mki', detail: 'two MKI fields' } };
      // RFC 4568 §9.1: mki = mki-value ":" mki-length; mki-length 1..128 bytes (we read up to 4)
      const m = /^(\d{1,10}):(\d{1,3})$/.exec(extra);
      const value = m ? Number(m[1]) : NaN;
      const length = m ? Number(m[2]) : NaN;
      if (!m || length < 1 || length > 4 || value >= 2 ** (8 * length)) {
        return { ok: false, error: { code: 'bad-mki', detail: `unusable MKI ${extra}` } };
      }
      mki = { value, length };
    } else {
      if (lifetime !== null) return { ok: false, error: { code: 'bad-lifetime', detail: 'two lifetimes' } };
      lifetime = parseLifetime(extra);
      if (lifetime === null) return { ok: false, error: { code: 'bad-lifetime', detail: `bad lifetime ${extra}` } };
    }
  }
  return { ok: true, value: { key: raw.subarray(0, want.key), salt: raw.subarray(want.key), lifetime, mki } };
}

/**
 * Parses the value of an `a=crypto` attribute (what follows `a=crypto:`; a leading `a=crypto:` or
 * `crypto:` is tolerated). RFC 4568 §9.1: `tag 1*WSP crypto-suite 1*WSP key-params *(1*WSP session-param)`.
 */
export function parseCryptoAttribute(value: string): CryptoParseResult {
  const text = value.trim().replace(/^(a=)?crypto:/i, '');
  const fields = text.split(/[ \t]+/);
  if (fields.length < 3) return fail('syntax', `expected "tag suite key-params", got "${text.slice(0, 80)}"`);
  const [tagText, suiteText, keyParams] = fields as [string, string, string];
  // RFC 4568 §9.1: tag = 1*9DIGIT
  if (!/^\d{1,9}$/.test(tagText)) return fail('bad-tag', `tag "${tagText}"`);
  const suite = CRYPTO_SUITES.find((s) => s === suiteText);
  if (!suite) return fail('unknown-suite', `suite "${suiteText}"`);
  const keys: CryptoKeyParam[] = [];
  for (const param of keyParams.split(';')) {
    const key = parseKeyParam(param, suite);
    if (!key.ok) return key;
    keys.push(key.value);
  }
  return { ok: true, value: { tag: Number(tagText), suite, keys, sessionParams: fields.slice(3) } };
}

export interface FormatCryptoOptions {
  tag: number;
  suite: CryptoSuite;
  key: Buffer;
  salt: Buffer;
  lifetime?: number | null;
  mki?: { value: number; length: number } | null;
  sessionParams?: readonly string[];
}

/** The value of an `a=crypto` attribute (without `a=crypto:`), RFC 4568 §9.1. */
export function formatCryptoAttribute(o: FormatCryptoOptions): string {
  let inline = `inline:${Buffer.concat([o.key, o.salt]).toString('base64')}`;
  if (o.lifetime != null) {
    const exp = Math.log2(o.lifetime);
    inline += Number.isInteger(exp) ? `|2^${exp}` : `|${o.lifetime}`;
  }
  if (o.mki) inline += `|${o.mki.value}:${o.mki.length}`;
  return [String(o.tag), o.suite, inline, ...(o.sessionParams ?? [])].join(' ');
}

/**
 * Whether we can run a crypto line as offered. RFC 4568 §6.3: an answerer that does not support a
 * session parameter must not accept that line; we support none of them except KDR=0 (no rekeying),
 * and only one master key per direction. MKI is handled for the AES-CM suites only.
 */
function usable(a: CryptoAttribute): boolean {
  if (a.keys.length !== 1) return false;
  if (a.keys[0]!.mki && a.suite === 'AEAD_AES_128_GCM') return false;
  return a.sessionParams.every((p) => /^KDR=0$/i.test(p));
}

export interface ChooseCryptoOptions {
  offered: readonly CryptoAttribute[];
  /** what we can run, e.g. SRTP_CONTEXT_SUITES */
  supported: readonly CryptoSuite[];
}

/**
 * RFC 4568 §7.1.2: the answerer picks one offered line, keeps its tag, and answers with its own
 * key for that suite. We take the first offered line (the offerer's preference) that we support.
 */
export function chooseCrypto(o: ChooseCryptoOptions): CryptoAttribute | null {
  for (const a of o.offered) if (o.supported.includes(a.suite) && usable(a)) return a;
  return null;
}

export interface NewCryptoKeyOptions {
  suite: CryptoSuite;
  /** injected randomness (tests); default node:crypto randomBytes */
  random?: (n: number) => Buffer;
}

/** A fresh random master key and salt for `suite` (RFC 4568 §6.1: "MUST be ... random"). */
export function newCryptoKey(o: NewCryptoKeyOptions): { key: Buffer; salt: Buffer } {
  const len = suiteKeyLengths(o.suite);
  const raw = (o.random ?? randomBytes)(len.key + len.salt);
  return { key: raw.subarray(0, len.key), salt: raw.subarray(len.key) };
}
