// The SIP core seen by its users (registrar, B2BUA, presence): a listener chain of request
// handlers with safe defaults at the bottom (CONVENTIONS.md §2), and client transactions.
import type { SipHeader, SipRequest, SipResponse } from '../message/types.js';
import type { Flow, SendTarget } from '../transport/types.js';

export interface ReplyOptions {
  readonly status: number;
  /** defaults to the RFC 3261 §21 reason phrase for status */
  readonly reason?: string;
  /** extra headers (Contact, WWW-Authenticate, Min-Expires …); Via/From/To/Call-ID/CSeq are copied */
  readonly headers?: readonly SipHeader[];
  readonly body?: Uint8Array;
  /** To-tag for responses that create or confirm a dialog; generated when absent and status > 100 */
  readonly toTag?: string;
}

/** A request that arrived in a new server transaction. */
export interface IncomingRequest {
  readonly message: SipRequest;
  readonly flow: Flow;
  /** the address the request really came from (Via received/rport applied, RFC 3581) */
  readonly source: Flow['remote'];
  /** Send a response through the server transaction. Final responses may be sent once. */
  reply(options: ReplyOptions): void;
  /**
   * RFC 3261 §9.2: called when a CANCEL matched this INVITE before its final response; the core
   * answers the CANCEL 200 and, once listeners return, the INVITE 487 unless a final was sent.
   * Present on INVITE requests only.
   */
  onCancel?(listener: () => void): void;
  /**
   * The To-tag this request's responses carry (RFC 3261 §8.2.6.2), fixed on first use; undefined
   * when the request had one (in-dialog). A UAS that answers 2xx learns its dialog's local tag here.
   */
  toTag?(): string | undefined;
}

/**
 * A handler in the listener chain. It returns true when it took the request (and will reply),
 * false to pass it on. Handlers run in registration order; when none takes a request, the core
 * answers 501 (RFC 3261 §8.2.1) or, for OPTIONS, 200 with its capabilities.
 */
export type RequestHandler = (request: IncomingRequest) => boolean | Promise<boolean>;

/**
 * RFC 3261 §8.2.7: a stateless handler sees a new request (never an ACK or CANCEL, never one the
 * core rejects) before any server transaction exists. Returning true means it took the request and
 * replied synchronously with one final response, sent without a transaction: a retransmission
 * comes back here and is answered afresh. Meant for challenges to unauthenticated requests; a
 * request whose retransmissions must be absorbed (anything with side effects) belongs to use().
 */
export type StatelessHandler = (request: IncomingRequest) => boolean;

export interface ClientRequestOptions {
  readonly request: SipRequest;
  readonly to: Flow | SendTarget;
  /** provisional responses (1xx) as they arrive */
  readonly onProvisional?: (response: SipResponse) => void;
  /**
   * RFC 6026 §7.2: 2xx responses to an INVITE that arrive after the first (retransmissions while the
   * ACK was lost, or other forks) so the dialog layer can ACK them (RFC 3261 §13.2.2.4).
   */
  readonly onAdditionalSuccess?: (response: SipResponse) => void;
  /**
   * RFC 3261 §9.1: aborting an INVITE sends a CANCEL once a provisional response has arrived (or at
   * once if one has); the INVITE then normally completes with 487. Ignored for other methods.
   */
  readonly signal?: AbortSignal;
}

/**
 * Monitoring hooks (CONVENTIONS.md §4): server/app feeds prom-client counters from these without
 * server/sip importing it. They never steer signalling; exceptions are contained.
 */
export interface SipStackObserver {
  /** every message in or out: the method of a request, the status of a response */
  onMessage?(direction: 'in' | 'out', label: string | number): void;
  onTransaction?(event: 'created' | 'terminated', side: 'server' | 'client'): void;
}

/**
 * Ingress policy, called for every message before it is parsed (by transports that can, else before
 * it reaches a transaction):
 * bans and rate limits live in server/security and are wired in by server/app.
 */
export type IngressFilter = (flow: Flow) => 'accept' | 'drop';

export interface SipStack {
  use(handler: RequestHandler): void;
  /** add a stateless handler (RFC 3261 §8.2.7); they run in order, before the use() chain */
  useStateless(handler: StatelessHandler): void;
  setIngressFilter(filter: IngressFilter): void;
  /**
   * Send a request in a client transaction (RFC 3261 §17.1) and resolve with its final response;
   * a transaction timeout or transport error resolves with a locally made 408 or 503 (RFC 3261 §8.1.3.1).
   */
  request(options: ClientRequestOptions): Promise<SipResponse>;
  /**
   * RFC 3261 §13.2.2.4: the ACK for a 2xx is sent by the dialog layer outside any transaction (and
   * re-sent by it for each 2xx retransmission). The core adds a Via with a new branch unless the
   * ACK has one; resolves with the flow used, rejects when the transport cannot send.
   */
  sendAck(options: { readonly request: SipRequest; readonly to: Flow | SendTarget }): Promise<Flow>;
  start(): Promise<void>;
  /** stop accepting, let transactions finish for up to the given ms, then close transports */
  close(): Promise<void>;
}
