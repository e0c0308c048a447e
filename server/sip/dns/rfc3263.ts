// Locating a SIP server (RFC 3263 §4): NAPTR → SRV → A/AAAA, giving an ordered list of targets
// (transport, address, port) so that a client fails over from one to the next (§4.3). Queries go
// through node:dns's Resolver, pointed at configured servers; the interface is injected so that a
// test may swap it, and record ordering uses an injected random source (RFC 2782 weights).
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

export type SipTargetProtocol = 'udp' | 'tcp' | 'tls';

export interface SipTarget {
  readonly protocol: SipTargetProtocol;
  readonly address: string;
  readonly port: number;
  /** the name the address came from (the SRV target, or the host itself) */
  readonly host: string;
}

export interface NaptrRecord {
  readonly flags: string;
  readonly service: string;
  readonly regexp: string;
  readonly replacement: string;
  readonly order: number;
  readonly preference: number;
}
export interface SrvRecord {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/** The queries RFC 3263 needs; node:dns's Resolver has this shape. A name with no records rejects. */
export interface DnsQueries {
  resolveNaptr(name: string): Promise<NaptrRecord[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/** node:dns's Resolver on `servers` ("127.0.0.1:5353", "[::1]:53"); the system's when empty. */
export function createDnsQueries(o: { readonly servers?: readonly string[]; readonly timeoutMs?: number; readonly tries?: number }): DnsQueries {
  const resolver = new Resolver({ timeout: o.timeoutMs ?? 2000, tries: o.tries ?? 2 });
  if (o.servers && o.servers.length > 0) resolver.setServers([...o.servers]);
  return resolver;
}

/** RFC 3263 §4.1 service fields for the transports we speak (RFC 3263 §4.1 table) */
const NAPTR_SERVICES: Record<string, SipTargetProtocol> = { 'SIP+D2U': 'udp', 'SIP+D2T': 'tcp', 'SIPS+D2T': 'tls' };
const SRV_PREFIX: Record<SipTargetProtocol, string> = { udp: '_sip._udp.', tcp: '_sip._tcp.', tls: '_sips._tcp.' };
const DEFAULT_PORT: Record<SipTargetProtocol, number> = { udp: 5060, tcp: 5060, tls: 5061 };

const none = <T>(p: Promise<T[]>): Promise<T[]> => p.catch(() => []);

/**
 * RFC 2782: records in ascending priority; within one priority, each next record is drawn with a
 * probability proportional to its weight (zero-weight records keep a small chance, placed first as
 * the RFC's running-sum algorithm does).
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const pool = [...byPriority.get(priority)!].sort((a, b) => a.weight - b.weight);
    while (pool.length > 0) {
      // RFC 2782: a uniform number in [0, total]; the first record whose running sum reaches it
      const total = pool.reduce((s, r) => s + r.weight, 0);
      const pick = Math.floor(random() * (total + 1));
      let sum = 0;
      let chosen = pool.length - 1;
      for (let i = 0; i < pool.length; i++) {
        sum += pool[i]!.weight;
        if (sum >= pick) {
          chosen = i;
          break;
        }
      }
      out.push(pool.splice(chosen, 1)[0]!);
    }
  }
  return out;
}

async function addresses(dns: DnsQueries, name: string): Promise<string[]> {
  const [v4, v6] = await Promise.all([none(dns.resolve4(name)), none(dns.resolve6(name))]);
  return [...v4, ...v6];
}

async function fromSrv(o: { dns: DnsQueries; name: string; protocol: SipTargetProtocol; random: () => number }): Promise<SipTarget[]> {
  const records = orderSrv(await none(o.dns.resolveSrv(o.name)), o.random);
  const out: SipTarget[] = [];
  // RFC 2782: a target of "." means the service is decidedly not available
  for (const r of records) {
    if (r.name === '.' || r.name === '') continue;
    for (const address of await addresses(o.dns, r.name)) out.push({ protocol: o.protocol, address, port: r.port, host: r.name });
  }
  return out;
}

export interface LocateOptions {
  /** a host name or an IP literal (IPv6 with or without brackets) */
  readonly host: string;
  /** explicit port: no NAPTR or SRV lookup (RFC 3263 §4.2) */
  readonly port?: number;
  /** explicit transport: no NAPTR lookup (RFC 3263 §4.1) */
  readonly protocol?: SipTargetProtocol;
  readonly dns: DnsQueries;
  readonly random?: () => number;
}

/** Every target for `host`, in the order to try them (RFC 3263 §4); empty when nothing resolves. */
export async function locateSipServer(o: LocateOptions): Promise<SipTarget[]> {
  const host = o.host.replace(/^\[(.*)\]$/, '$1');
  const random = o.random ?? Math.random;
  // §4.1/§4.2: a numeric address is used as it is, UDP by default
  if (isIP(host) !== 0) {
    const protocol = o.protocol ?? 'udp';
    return [{ protocol, address: host, port: o.port ?? DEFAULT_PORT[protocol], host }];
  }
  // §4.2: an explicit port means an A/AAAA lookup only
  if (o.port !== undefined) {
    const protocol = o.protocol ?? 'udp';
    return (await addresses(o.dns, host)).map((address) => ({ protocol, address, port: o.port!, host }));
  }
  const srvFor = async (protocols: readonly SipTargetProtocol[]): Promise<SipTarget[]> => {
    const out: SipTarget[] = [];
    for (const protocol of protocols) out.push(...(await fromSrv({ dns: o.dns, name: `${SRV_PREFIX[protocol]}${host}`, protocol, random })));
    return out;
  };
  if (o.protocol === undefined) {
    // §4.1: NAPTR records with the SIP services, by order then preference; "S" flag → SRV
    const naptr = (await none(o.dns.resolveNaptr(host)))
      .filter((r) => r.flags.toLowerCase() === 's' && NAPTR_SERVICES[r.service.toUpperCase()] !== undefined)
      .sort((a, b) => a.order - b.order || a.preference - b.preference);
    const out: SipTarget[] = [];
    for (const r of naptr) out.push(...(await fromSrv({ dns: o.dns, name: r.replacement, protocol: NAPTR_SERVICES[r.service.toUpperCase()]!, random })));
    if (out.length > 0) return out;
  }
  // §4.1: no NAPTR: SRV for each transport we support (only the given one when explicit)
  const srv = await srvFor(o.protocol ? [o.protocol] : ['udp', 'tcp', 'tls']);
  if (srv.length > 0) return srv;
  // §4.2: no SRV: the host's addresses on the transport's default port
  const protocol = o.protocol ?? 'udp';
  return (await addresses(o.dns, host)).map((address) => ({ protocol, address, port: DEFAULT_PORT[protocol], host }));
}
