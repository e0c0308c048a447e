// Which network a login attempt comes from, for the per-source lockout. An IPv4 address is one
// subscriber (NAT aside), so it is its own group; an IPv6 subscriber is routinely given a whole /64
// (RFC 6177 §2, RFC 7934 §6), so any address in it is the same source: keying by the exact IPv6
// address would hand one host 2^64 fresh failure budgets. (server/sip's fair-share groups IPv4 by
// /24 for connection slots; server/sip may not import this module, so the two stay separate.)
import net from 'node:net';

/** "a.b.c.d" for IPv4 (also IPv4-mapped IPv6), "h:h:h:h::/64" for IPv6; anything else as given. */
export function loginSourceGroup(address: string): string {
  const bare = (address.split('%')[0] ?? '').toLowerCase();
  const mapped = bare.startsWith('::ffff:') ? bare.slice(7) : '';
  if (net.isIPv4(mapped)) return mapped;
  if (!net.isIPv6(bare)) return bare;
  // the first four hextets: those before "::", then zeros where "::" starts within them
  const [before = '', after] = bare.split('::');
  const lead = before === '' ? [] : before.split(':');
  const tailLen = after === undefined || after === '' ? 0 : after.split(':').length;
  const hextets = after === undefined ? lead : [...lead, ...Array<string>(8 - lead.length - tailLen).fill('0'), ...after.split(':')];
  return `${hextets.slice(0, 4).map((h) => parseInt(h, 16).toString(16)).join(':')}::/64`;
}
