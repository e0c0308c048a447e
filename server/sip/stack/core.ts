// The SIP core: wires the transport to the server side (listener chain) and the client side
// (client transactions), with the ingress filter in front of both.
import { systemClock } from '../clock.js';
import type { Clock, TimerHandle } from '../clock.js';
import { createResponse } from '../message/build.js';
import type { Logger } from '../logger.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/types.js';
import { TransactionManager } from '../transaction/manager.js';
import { timerValues } from '../transaction/timers.js';
import type { TimerValues } from '../transaction/timers.js';
import type { Flow, SendTarget, TransportLayer } from '../transport/types.js';
import { ClientSide } from './client.js';
import { labelOf, observe } from './context.js';
import type { CoreContext } from './context.js';
import { ServerSide } from './server.js';
import type { ClientRequestOptions, IngressFilter, RequestHandler, SipStack, SipStackObserver, StatelessHandler } from './types.js';

export interface SipStackOptions {
  readonly transport: TransportLayer;
  readonly clock?: Clock;
  readonly logger: Logger;
  readonly timers?: Partial<TimerValues>;
  /** Server and User-Agent header value */
  readonly userAgent?: string;
  /** methods listed in Allow (OPTIONS, 405); default INVITE, ACK, CANCEL, BYE, OPTIONS */
  readonly allow?: readonly string[];
  /** option tags for Supported and the Require check (RFC 3261 §8.2.2.3) */
  readonly supported?: readonly string[];
  /** media types listed in Accept of the OPTIONS answer; default application/sdp */
  readonly accept?: readonly string[];
  readonly observer?: SipStackObserver;
  /** how long close() waits for unanswered transactions (default 2000 ms) */
  readonly drainMs?: number;
}

const DEFAULT_ALLOW = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS'];

class SipCore implements SipStack {
  readonly #ctx: CoreContext;
  readonly #handlers: RequestHandler[] = [];
  readonly #statelessHandlers: StatelessHandler[] = [];
  readonly #server: ServerSide;
  readonly #client: ClientSide;
  readonly #drainMs: number;
  #filter: IngressFilter = () => 'accept';
  #state: 'new' | 'started' | 'closing' | 'closed' = 'new';

  constructor(options: SipStackOptions) {
    const logger = options.logger.child({ module: 'sip-core' });
    const transport = options.transport;
    const manager = new TransactionManager();
    const partial: CoreContext = {
      transport,
      clock: options.clock ?? systemClock(),
      logger,
      timers: timerValues(options.timers),
      manager,
      allow: options.allow ?? DEFAULT_ALLOW,
      supported: options.supported ?? [],
      accept: options.accept ?? ['application/sdp'],
      userAgent: options.userAgent,
      observer: options.observer,
      send: (message: SipMessage, to: Flow | SendTarget): Promise<Flow> => {
        observe(partial, (o) => o.onMessage?.('out', labelOf(message)));
        return transport.send(message, to);
      },
    };
    this.#ctx = partial;
    this.#drainMs = options.drainMs ?? 2000;
    this.#server = new ServerSide(this.#ctx, { handlers: this.#handlers, stateless: this.#statelessHandlers });
    this.#client = new ClientSide(this.#ctx);
    transport.on('message', (message, flow) => this.#onMessage(message, flow));
    transport.on('parse-error', (error, flow) => {
      if (!this.#accept(flow)) return;
      try {
        this.#server.parseError(error, flow);
      } catch (err) {
        logger.error({ err: String(err) }, 'parse-error handling failed');
      }
    });
  }

  /**
   * Ingress policy first: a banned source gets nothing back, not even an error (that is the point).
   * A transport that can filter before parsing does it there; this check then only sees closed.
   */
  #accept(flow: Flow): boolean {
    if (this.#state === 'closed') return false;
    try {
      return this.#filter(flow) === 'accept';
    } catch (err) {
      this.#ctx.logger.error({ err: String(err) }, 'ingress filter threw; message dropped');
      return false;
    }
  }

  #onMessage(message: SipMessage, flow: Flow): void {
    if (!this.#accept(flow)) return;
    observe(this.#ctx, (o) => o.onMessage?.('in', labelOf(message)));
    try {
      if (message.kind === 'response') {
        this.#client.receiveResponse(message, flow);
        return;
      }
      this.#server.receive(message, flow).catch((err: unknown) => {
        this.#ctx.logger.error({ err: String(err), method: message.method }, 'request handling failed');
      });
    } catch (err) {
      this.#ctx.logger.error({ err: String(err) }, 'message handling failed');
    }
  }

  use(handler: RequestHandler): void {
    this.#handlers.push(handler);
  }

  useStateless(handler: StatelessHandler): void {
    this.#statelessHandlers.push(handler);
  }

  setIngressFilter(filter: IngressFilter): void {
    const transport = this.#ctx.transport;
    if (transport.setIngressFilter) {
      // before parsing (issue 18 §9): a dropped datagram costs no parse, no allocation, no log
      transport.setIngressFilter((flow) => this.#state !== 'closed' && filter(flow) === 'accept');
      this.#filter = () => 'accept';
    } else this.#filter = filter;
  }

  request(options: ClientRequestOptions): Promise<SipResponse> {
    // RFC 3261 §8.1.3.1: a request that cannot be sent is answered locally with 503.
    if (this.#state === 'closing' || this.#state === 'closed') return Promise.resolve(createResponse(options.request, { status: 503 }));
    return this.#client.request(options);
  }

  sendAck(options: { readonly request: SipRequest; readonly to: Flow | SendTarget }): Promise<Flow> {
    if (this.#state === 'closed') return Promise.reject(new Error('sip stack closed'));
    return this.#client.sendAck(options);
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    await this.#ctx.transport.start();
    this.#state = 'started';
  }

  async close(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    this.#server.close();
    // Let pending client requests finish, bounded by drainMs on the injected clock.
    if (this.#client.pending > 0) {
      let handle: TimerHandle | undefined;
      await Promise.race([
        this.#client.settled(),
        new Promise<void>((resolve) => {
          handle = this.#ctx.clock.setTimeout(resolve, this.#drainMs);
        }),
      ]);
      if (handle) this.#ctx.clock.clearTimeout(handle);
    }
    this.#client.close();
    this.#ctx.manager.terminateAll();
    this.#state = 'closed';
    await this.#ctx.transport.close();
  }
}

export function createSipStack(options: SipStackOptions): SipStack {
  return new SipCore(options);
}
