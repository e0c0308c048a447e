// The stateless 401 of a retransmitted REGISTER repeats the first one. RFC 3261 §8.2.7 lets a
// stateless UAS answer each retransmission anew, but a new nonce per copy gives the client two
// different 401s for one request: SIPp (and other UACs that tell a retransmitted response by its
// bytes) takes the late one for an unexpected answer to its authenticated REGISTER and fails the
// registration. Kamailio's stateless challenges are identical within a second for the same reason.
// The memo is what a server transaction would keep for Timer J, minus everything else: the header
// values of the challenge, by RFC 3261 §17.2.3 transaction key and source, bounded in count and age.
import type { Clock } from '../sip/clock.js';
import type { IncomingRequest } from '../sip/stack/types.js';
import { messageIdentity, serverKey } from '../sip/transaction/identity.js';

/** RFC 3261 §17.2.2: Timer J = 64*T1 for unreliable transports, how long a transaction absorbs copies */
const KEEP_MS = 32_000;

export class ChallengeMemo {
  readonly #clock: Clock;
  readonly #capacity: number;
  /** key → challenge values and when they were sent; Map order is send order */
  readonly #sent = new Map<string, { readonly values: string[]; readonly at: number }>();

  constructor(options: { readonly clock: Clock; readonly capacity?: number }) {
    this.#clock = options.clock;
    this.#capacity = Math.max(1, options.capacity ?? 16_384);
  }

  static keyOf(request: IncomingRequest): string | undefined {
    const id = messageIdentity(request.message);
    if (!id.ok) return undefined;
    const { address, port } = request.source;
    return `${serverKey(request.message.uri, request.message.method, id.value)}|${address}|${port}`;
  }

  /** The challenge sent for this request before, or the one `fresh` makes now (remembered). */
  challengeFor(key: string | undefined, fresh: () => string[]): string[] {
    if (key === undefined) return fresh();
    const now = this.#clock.now();
    const earlier = this.#sent.get(key);
    if (earlier !== undefined && now - earlier.at < KEEP_MS) return earlier.values;
    const values = fresh();
    this.#sent.delete(key);
    this.#sent.set(key, { values, at: now });
    for (const [oldest, entry] of this.#sent) {
      if (this.#sent.size <= this.#capacity && now - entry.at < KEEP_MS) break;
      this.#sent.delete(oldest);
    }
    return values;
  }

  get size(): number {
    return this.#sent.size;
  }
}
