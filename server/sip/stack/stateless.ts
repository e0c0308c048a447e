// RFC 3261 §8.2.7: the stateless UAS. Handlers registered with useStateless() see a request before
// any server transaction exists; one that takes it answers once and the core keeps nothing: no
// transaction, no Timer J, no retransmission. Meant for challenges to unauthenticated requests,
// which §8.2.7 names as the role's main use (Kamailio and OpenSIPS challenge REGISTER this way).
import { randomHex } from '../random.js';
import type { SipRequest, Via } from '../message/types.js';
import type { Flow, HostPort } from '../transport/types.js';
import type { CoreContext } from './context.js';
import { buildResponse } from './incoming.js';
import type { IncomingRequest, ReplyOptions } from './types.js';
import { responseFlow } from './via.js';

/** The fields of a request that its stateless To-tag is made from. */
export interface StatelessIdentity {
  readonly topVia: Via;
  readonly callId: string;
  readonly fromTag: string | undefined;
  readonly toTag: string | undefined;
  readonly cseq: { readonly seq: number };
}

/**
 * RFC 3261 §8.2.7: "To header tags MUST be generated for responses in a stateless manner - in a
 * manner that will generate the same tag for the same request consistently." The tag is a 53-bit
 * hash (cyrb53) of what identifies the request (top Via branch and sent-by, From tag, Call-ID,
 * CSeq), seeded per process so that tags differ between servers and restarts (§19.3 asks tags to
 * be globally unique; they protect nothing, so no cryptographic hash is needed on this hot path).
 */
export class StatelessTags {
  readonly #seed = Number.parseInt(randomHex(4), 16);

  tagFor(request: SipRequest, identity: Omit<StatelessIdentity, 'toTag'>): string {
    const { topVia } = identity;
    const key = `${topVia.branch ?? ''}|${topVia.host}:${topVia.port ?? ''}|${identity.fromTag ?? ''}|${identity.callId}|${identity.cseq.seq}|${request.uri}`;
    return cyrb53(key, this.#seed).toString(16).padStart(14, '0');
  }
}

/** cyrb53 (public domain, bryc): a fast, well-mixed 53-bit string hash. */
function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export class StatelessRequest implements IncomingRequest {
  readonly message: SipRequest;
  readonly flow: Flow;
  readonly source: HostPort;
  readonly #ctx: CoreContext;
  /** the request with its top Via marked (received/rport): the response is built from it */
  readonly #marked: SipRequest;
  readonly #identity: StatelessIdentity;
  readonly #tags: StatelessTags;
  #answered = false;

  constructor(options: {
    readonly ctx: CoreContext;
    readonly message: SipRequest;
    readonly marked: SipRequest;
    readonly flow: Flow;
    readonly identity: StatelessIdentity;
    /** makes the response's To-tag, only when one is sent: most requests offered are declined */
    readonly tags: StatelessTags;
  }) {
    this.#ctx = options.ctx;
    this.message = options.message;
    this.#marked = options.marked;
    this.flow = options.flow;
    // RFC 3581 §4 / RFC 3261 §18.2.1: the flow's remote end is where the request really came from.
    this.source = options.flow.remote;
    this.#identity = options.identity;
    this.#tags = options.tags;
  }

  get answered(): boolean {
    return this.#answered;
  }

  /** One final response, sent straight to the transport (RFC 3261 §8.2.7: no transaction layer). */
  reply(options: ReplyOptions): void {
    // RFC 3261 §8.2.7: "Stateless UASs MUST NOT send provisional (1xx) responses."
    if (options.status < 200 || this.#answered) {
      this.#ctx.logger.warn({ method: this.message.method, status: options.status }, 'stateless reply ignored (provisional or second)');
      return;
    }
    this.#answered = true;
    // RFC 3261 §8.2.6.2: a To-tag is added only when the request had none
    const toTag = this.#identity.toTag === undefined ? this.#tags.tagFor(this.message, this.#identity) : undefined;
    const response = buildResponse(this.#ctx, this.#marked, options, toTag);
    // RFC 3261 §8.2.7: "Stateless UASs MUST NOT retransmit responses"; §18.2.2 routes it by the Via.
    const target = responseFlow(this.flow, this.#identity.topVia);
    this.#ctx.send(response, target).catch((err: unknown) => this.#ctx.logger.debug({ err: String(err), to: target.remote }, 'stateless response not sent'));
  }
}
