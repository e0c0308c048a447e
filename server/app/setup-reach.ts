// The first-run setup's reachability check: Hailing sends a SIP OPTIONS over UDP to its own public
// address and SIP port, as a phone elsewhere would reach it, and says whether it came back to this
// process and why not. The probe's Call-ID is watched on the way in (a request handler that takes
// nothing), so an answer from some other SIP server at that address is told apart from our own.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { createRequest, getHeader, newCallId, newTag, type SipStack } from '../sip/index.js';

export interface Reachability {
  readonly reached: boolean;
  /** sip:address:port;transport=udp */
  readonly target: string;
  /** the final response's status; null when none came */
  readonly status: number | null;
  readonly rttMs: number | null;
  /** one sentence: reached, or what stood in the way */
  readonly reason: string;
  /** advice that holds even when reached (a loopback or private address phones elsewhere cannot use) */
  readonly warnings: string[];
}

const PROBE_TIMEOUT_MS = 5000;

/** private, loopback and link-local IPv4/IPv6 ranges (RFC 1918, RFC 4193, RFC 3927) */
function addressScope(ip: string): 'loopback' | 'private' | 'public' {
  if (ip === '::1' || ip.startsWith('127.')) return 'loopback';
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.)/.test(ip) || /^f[cd]/i.test(ip) || /^fe80:/i.test(ip)) return 'private';
  return 'public';
}

export function selfReachability(o: { stack: SipStack; publicAddress: string; sipDomain: string; udpPort: () => number | undefined; now: () => number }): () => Promise<Reachability> {
  const seen = new Set<string>();
  o.stack.use((request) => {
    const id = request.message.method === 'OPTIONS' ? getHeader(request.message, 'Call-ID') : undefined;
    if (id !== undefined && seen.has(id)) seen.add(`${id}\nin`);
    return false;
  });
  return async () => {
    const port = o.udpPort();
    const host = o.publicAddress;
    const target = `sip:${host.includes(':') ? `[${host}]` : host}:${port ?? 0};transport=udp`;
    const warnings: string[] = [];
    const result = (reached: boolean, status: number | null, rttMs: number | null, reason: string): Reachability => ({ reached, target, status, rttMs, reason, warnings });
    if (port === undefined) return result(false, null, null, 'SIP does not listen on UDP (HAILING_SIP_UDP_PORT)');
    let ip = host;
    if (isIP(host) === 0) {
      try {
        ip = (await lookup(host)).address;
      } catch (err) {
        return result(false, null, null, `the public address ${host} does not resolve: ${(err as Error).message}`);
      }
    }
    const scope = addressScope(ip);
    if (scope === 'loopback') warnings.push(`${host} is a loopback address: only phones on this machine can reach it; set HAILING_PUBLIC_ADDRESS to the address phones use`);
    if (scope === 'private') warnings.push(`${host} is a private address: phones outside this network need a public address (HAILING_PUBLIC_ADDRESS) and UDP ${port} forwarded to it`);
    const callId = newCallId();
    seen.add(callId);
    const request = createRequest({
      method: 'OPTIONS',
      uri: target,
      headers: [
        ['From', `<sip:setup-check@${o.sipDomain}>;tag=${newTag()}`],
        ['To', `<${target}>`],
        ['Call-ID', callId],
        ['CSeq', '1 OPTIONS'],
      ],
    });
    const sent = o.now();
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), PROBE_TIMEOUT_MS).unref());
    const answer = await Promise.race([o.stack.request({ request, to: { protocol: 'udp', remote: { address: ip, port } } }).then((r) => r.status, (err: unknown) => (err as Error).message), timeout]);
    const rttMs = o.now() - sent;
    const cameBack = seen.delete(`${callId}\nin`);
    seen.delete(callId);
    if (answer === 'timeout') return result(false, null, null, `no answer within ${PROBE_TIMEOUT_MS / 1000} s from ${ip}:${port}: a firewall or NAT drops UDP ${port}, or ${host} is not this machine`);
    if (typeof answer === 'string') return result(false, null, null, `the OPTIONS could not be sent to ${ip}:${port}: ${answer}`);
    // RFC 3261 §8.1.3.1: a transaction timeout or transport error comes back as a local 408 / 503
    const local = answer === 408 || answer === 503;
    if (!cameBack && local) return result(false, answer, rttMs, `the OPTIONS to ${ip}:${port} failed (${answer === 408 ? 'timeout' : 'transport error'}): nothing answers SIP there`);
    if (!cameBack) return result(false, answer, rttMs, `${ip}:${port} answered ${answer}, but the request never reached this Hailing: another SIP server or a SIP ALG answers there`);
    if (local) return result(false, answer, rttMs, `the request reached this Hailing but its answer did not come back (${answer}): replies from this machine to ${ip} are lost`);
    return result(true, answer, rttMs, `reached: this Hailing answered ${answer} at ${ip}:${port} in ${rttMs} ms`);
  };
}
