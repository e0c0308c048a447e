// Who holds the connection table: inbound connections grouped by source network (IPv4 /24, IPv6
// /64), each group kept in order of last activity, with the biggest group found in O(1). When the
// table is full the registry takes a slot from the biggest holder for a newcomer from a smaller one
// (docs/decisions.md "Connection table"), so one address range cannot keep everyone else out.
import net from 'node:net';

/** Fairness groups: one IPv4 /24 or one IPv6 /64 (an ISP's single customer or LAN). */
export const IPV4_GROUP_BITS = 24;
export const IPV6_GROUP_BITS = 64;

/** The address as a map key: lower case, no zone, an IPv4-mapped IPv6 address as plain IPv4. */
export function sourceKey(address: string): string {
  const bare = address.toLowerCase().split('%')[0] ?? '';
  return bare.startsWith('::ffff:') && net.isIPv4(bare.slice(7)) ? bare.slice(7) : bare;
}

/** The eight 16-bit groups of an IPv6 address (an embedded dotted quad counts as two). */
function ipv6Hextets(address: string): number[] {
  const expand = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const [a = 0, b = 0, c = 0, d = 0] = piece.split('.').map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else out.push(parseInt(piece, 16) || 0);
    }
    return out;
  };
  const [head = '', tail] = address.split('::');
  const h = expand(head);
  if (tail === undefined) return h;
  const t = expand(tail);
  return [...h, ...new Array<number>(Math.max(0, 8 - h.length - t.length)).fill(0), ...t];
}

/** The fairness group of a source address: "a.b.c/24" or "h:h:h:h::/64". */
export function groupOf(address: string): string {
  const key = sourceKey(address);
  if (net.isIPv4(key)) return `${key.slice(0, key.lastIndexOf('.'))}/${IPV4_GROUP_BITS}`;
  const prefix = ipv6Hextets(key).slice(0, IPV6_GROUP_BITS / 16);
  return `${prefix.map((x) => x.toString(16)).join(':')}::/${IPV6_GROUP_BITS}`;
}

/**
 * Members per group in order of last activity (a Map re-inserted on touch keeps that order in O(1)),
 * and groups bucketed by size so the biggest is known without scanning (as an LFU cache does).
 */
export class FairShare<T> {
  readonly #members = new Map<string, Map<T, true>>();
  readonly #bySize = new Map<number, Set<string>>();
  #largest = 0;

  count(group: string): number {
    return this.#members.get(group)?.size ?? 0;
  }

  add(group: string, member: T): void {
    let m = this.#members.get(group);
    if (!m) {
      m = new Map();
      this.#members.set(group, m);
    }
    if (m.has(member)) return;
    const before = m.size;
    m.set(member, true);
    this.#move(group, before, before + 1);
  }

  remove(group: string, member: T): void {
    const m = this.#members.get(group);
    if (!m?.delete(member)) return;
    this.#move(group, m.size + 1, m.size);
    if (m.size === 0) this.#members.delete(group);
  }

  /** Activity moves a member to the back: the front is the one idle longest. */
  touch(group: string, member: T): void {
    const m = this.#members.get(group);
    if (!m?.delete(member)) return;
    m.set(member, true);
  }

  /** One of the groups holding the most members, with that count. */
  largest(): { group: string; count: number } | undefined {
    const groups = this.#bySize.get(this.#largest);
    if (!groups) return undefined;
    for (const group of groups) return { group, count: this.#largest };
    return undefined;
  }

  /** The member of a group idle longest. */
  idlest(group: string): T | undefined {
    const m = this.#members.get(group);
    if (!m) return undefined;
    for (const member of m.keys()) return member;
    return undefined;
  }

  #move(group: string, from: number, to: number): void {
    if (from > 0) {
      const set = this.#bySize.get(from);
      set?.delete(group);
      if (set?.size === 0) this.#bySize.delete(from);
    }
    if (to > 0) {
      let set = this.#bySize.get(to);
      if (!set) {
        set = new Set();
        this.#bySize.set(to, set);
      }
      set.add(group);
    }
    if (to > this.#largest) this.#largest = to;
    // sizes change by one, so when the largest bucket empties the next one down is the largest
    else if (from === this.#largest && !this.#bySize.has(from)) this.#largest = to;
  }
}
