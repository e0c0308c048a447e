// The trunk layer's data: carrier trunks, inbound numbers (DIDs) and outbound routes, as zod
// schemas that the API validates with and the store keeps (as JSON beside a few columns). The
// carrier secret is write-only: it is never part of a view.
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { isValidHost } from '../sip/index.js';
import { compilePattern } from '../calls/dialplan/pattern.js';

/** a DNS name or an IP address, as a carrier's host or proxy is written (RFC 3261 §25.1 hostname) */
const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .refine((h) => isIP(h.replace(/^\[(.*)\]$/, '$1')) !== 0 || (isValidHost(h) && /[a-z]/i.test(h) && !h.startsWith('-') && !h.includes('..')), {
    message: 'a host is a DNS name (letters, digits, - and .) or an IPv4/IPv6 address',
  });
const Port = z.number().int().min(1).max(65535);
export const Transport = z.enum(['udp', 'tcp', 'tls']);
export const Codec = z.enum(['PCMA', 'PCMU', 'G722', 'opus']);
const UserPart = z.string().regex(/^[A-Za-z0-9_.!~*'()&=+$,;?/-]{1,64}$/, 'a SIP user part (letters, digits and unreserved characters)');
const Cidr = z.string().refine((c) => cidrProblem(c) === null, { message: 'an IPv4 or IPv6 address or CIDR block (10.0.0.0/24)' });

/** one or more PEM certificates, each one Node can read */
const PemCertificates = z
  .string()
  .max(65_536)
  .refine((pem) => readsAsCertificates(pem), { message: 'PEM certificates (-----BEGIN CERTIFICATE-----), as the carrier publishes its CA' });

/** RFC 5922 §7.2 for TLS trunks: the carrier's certificate is checked unless an admin turns it off */
export const TlsSettings = z.strictObject({
  verify: z.boolean().default(true),
  /** trust these CAs instead of the system's (a carrier's private CA) */
  ca: PemCertificates.nullable().default(null),
  /** the name the certificate must carry; null: the proxy's or trunk's host when it is a name, else its address */
  serverName: Host.nullable().default(null),
});

/** what a trunk saved before TLS settings existed is read with */
export const TLS_DEFAULTS: z.output<typeof TlsSettings> = { verify: true, ca: null, serverName: null };

export const ProxySettings = z.strictObject({ host: Host, port: Port.optional(), transport: Transport.optional() });

export const CallerIdSettings = z.strictObject({
  /** from: the From header carries the number; pai / rpid: From carries the account, the number goes in P-Asserted-Identity (RFC 3325) or Remote-Party-ID */
  presentation: z.enum(['from', 'pai', 'rpid']).default('from'),
  /** the number shown to the called party; null: the calling extension's number */
  number: z.string().regex(/^\+?[0-9]{2,20}$/, 'a caller-ID number is digits, optionally after +').nullable().default(null),
  name: z.string().trim().max(64).nullable().default(null),
});

const TrunkFields = {
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a name is 1 to 64 letters, digits, _ . -'),
  kind: z.enum(['register', 'ip']),
  host: Host,
  /** absent: located by RFC 3263 (NAPTR/SRV) unless host is an address */
  port: Port.optional(),
  transport: Transport.optional(),
  tls: TlsSettings.default(TLS_DEFAULTS),
  outboundProxy: ProxySettings.nullable().default(null),
  /** the account at the carrier (From and REGISTER user) */
  username: UserPart.nullable().default(null),
  /** the digest username when it differs from username */
  authUsername: UserPart.nullable().default(null),
  /** the domain of From/To/REGISTER; null: host */
  domain: Host.nullable().default(null),
  registerExpiresS: z.number().int().min(30).max(86_400).default(600),
  codecs: z.array(Codec).min(1).max(4).default(['PCMA', 'PCMU']),
  /** how this carrier wants called numbers: as the route left them, or E.164 read under the site's country profile (with or without +) */
  numberFormat: z.enum(['as-routed', 'e164', 'e164-digits']).default('as-routed'),
  callerId: CallerIdSettings.default({ presentation: 'from', number: null, name: null }),
  maxCalls: z.number().int().min(1).max(10_000).default(30),
  /** OPTIONS health check period; 0: none */
  optionsIntervalS: z.number().int().min(0).max(3600).default(30),
  /** an INVITE that hears nothing (not even 100 Trying) this long is given up and the next trunk tried */
  setupTimeoutMs: z.number().int().min(200).max(32_000).default(3000),
  /** source addresses the carrier's requests come from (ip trunks: required) */
  addresses: z.array(Cidr).max(64).default([]),
  enabled: z.boolean().default(true),
};

export const TrunkWrite = z
  .strictObject({ ...TrunkFields, secret: z.string().min(1).max(128).optional().meta({ description: 'the carrier password; write-only (never returned); omitted on update: kept' }) })
  .superRefine((t, ctx) => {
    if (t.kind === 'ip' && t.addresses.length === 0) ctx.addIssue({ code: 'custom', path: ['addresses'], message: 'an ip trunk lists the addresses its carrier sends from' });
    if (t.kind === 'register' && t.username === null) ctx.addIssue({ code: 'custom', path: ['username'], message: 'a registration trunk needs a username' });
  });
export type TrunkWrite = z.output<typeof TrunkWrite>;
export type TrunkSettings = Omit<TrunkWrite, 'name' | 'kind' | 'secret'>;

export interface Trunk extends TrunkSettings {
  readonly id: number;
  readonly name: string;
  readonly kind: 'register' | 'ip';
  /** the password, for digest; never in a view */
  readonly secret: string | null;
}

export const RoutePattern = z.strictObject({
  pattern: z.string().min(1).max(64),
  /** leading digits removed from the dialled number */
  strip: z.number().int().min(0).max(20).default(0),
  /** digits put in front after stripping */
  prepend: z.string().regex(/^\+?[0-9]{0,20}$/, 'prepend is digits, optionally after +').default(''),
});

/** what the caller needs to use a route; emergency routes are open to every caller */
export const RoutePermission = z.enum(['internal', 'local', 'national', 'mobile', 'international', 'emergency']);

export const RouteWrite = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a name is 1 to 64 letters, digits, _ . -'),
  patterns: z.array(RoutePattern).min(1).max(32),
  /** trunk ids, tried in order */
  trunks: z.array(z.number().int().min(1)).min(1).max(16),
  permission: RoutePermission,
  /** a 6xx from a trunk tries the next one too (RFC 3261 §21.6 says "global"; some carriers misuse it) */
  failoverOn6xx: z.boolean().default(false),
});
export type RouteWrite = z.output<typeof RouteWrite>;
export interface OutboundRoute extends RouteWrite {
  readonly id: number;
}

const DidNumber = z.string().regex(/^\+?[0-9]{2,20}$/, 'a DID is digits, optionally after +');
export const DidWrite = z.strictObject({
  number: DidNumber.meta({ description: 'the number, or the first of a range' }),
  /** the last number of a range (same length as number) */
  last: DidNumber.optional(),
  trunkId: z.number().int().min(1).nullable().default(null),
  /** dial plan destinations, run in order */
  steps: z.array(z.record(z.string(), z.unknown())).min(1).max(8),
  description: z.string().trim().max(200).nullable().optional(),
});

/** why `pattern` (with `strip`) can never give a number to send, or null */
export function routePatternProblem(p: z.output<typeof RoutePattern>): string | null {
  const compiled = compilePattern(p.pattern);
  if (!compiled.ok) return `malformed pattern '${p.pattern}': ${compiled.reason}`;
  // the shortest number the pattern matches: '_' then one character per token, '.' one, '!' none
  const body = p.pattern.startsWith('_') ? p.pattern.slice(1).replace(/\[[^\]]*\]/g, 'X').replace(/!$/, '') : p.pattern;
  const maxLength = p.pattern.startsWith('_') && /[.!]$/.test(p.pattern) ? Infinity : body.length;
  if (p.strip >= maxLength && p.prepend === '') return `pattern '${p.pattern}' cannot match: stripping ${p.strip} digits leaves nothing to dial`;
  return null;
}

export function cidrProblem(text: string): string | null {
  const [address, bits, extra] = text.split('/');
  if (address === undefined || extra !== undefined) return 'malformed';
  const family = isIP(address);
  if (family === 0) return 'not an address';
  if (bits === undefined) return null;
  if (!/^[0-9]{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return 'bad prefix length';
  return null;
}

function readsAsCertificates(pem: string): boolean {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return false;
  try {
    for (const b of blocks) new X509Certificate(b);
    return true;
  } catch {
    return false;
  }
}
