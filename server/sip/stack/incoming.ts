// The IncomingRequest handed to handlers: replies go through the server transaction, with the
// To-tag rule of RFC 3261 §8.2.6.2 and the Server header applied in one place.
import { createResponse, newTag } from '../message/build.js';
import type { SipHeader, SipRequest, SipResponse } from '../message/types.js';
import type { ServerTransaction } from '../transaction/manager.js';
import type { Flow, HostPort } from '../transport/types.js';
import type { CoreContext } from './context.js';
import type { IncomingRequest, ReplyOptions } from './types.js';

export function buildResponse(
  ctx: Pick<CoreContext, 'userAgent'>,
  request: SipRequest,
  options: ReplyOptions,
  toTag: string | undefined,
): SipResponse {
  // createResponse copies the header list into the response, so it is only copied here when the
  // Server header has to be added to it.
  const given = options.headers ?? [];
  const headers: readonly SipHeader[] =
    ctx.userAgent && !given.some((h) => h.name.length === 6 && h.name.toLowerCase() === 'server') ? [...given, { name: 'Server', value: ctx.userAgent }] : given;
  // createResponse treats an undefined option as an absent one, so no conditional spreads here
  return createResponse(request, { status: options.status, reason: options.reason, headers, body: options.body, toTag });
}

export class ServerRequest implements IncomingRequest {
  readonly message: SipRequest;
  readonly flow: Flow;
  readonly source: HostPort;
  readonly #ctx: CoreContext;
  /** the request with its top Via marked (received/rport): responses are built from it */
  readonly #marked: SipRequest;
  readonly #transaction: ServerTransaction | undefined;
  readonly #hadToTag: boolean;
  readonly #cancelListeners: Array<() => void> = [];
  #toTag: string | undefined;
  #final = false;
  #onAnswered: (() => void) | undefined;
  /** set for INVITE only, so `onCancel` is present exactly where it means something */
  readonly onCancel?: (listener: () => void) => void;

  constructor(options: {
    readonly ctx: CoreContext;
    readonly message: SipRequest;
    readonly marked: SipRequest;
    readonly flow: Flow;
    readonly transaction: ServerTransaction | undefined;
    readonly hadToTag: boolean;
  }) {
    this.#ctx = options.ctx;
    this.message = options.message;
    this.#marked = options.marked;
    this.flow = options.flow;
    // RFC 3581 §4 / RFC 3261 §18.2.1: the flow's remote end is where the request really came from.
    this.source = options.flow.remote;
    this.#transaction = options.transaction;
    this.#hadToTag = options.hadToTag;
    if (options.message.method === 'INVITE') this.onCancel = (listener) => this.#cancelListeners.push(listener);
  }

  /** whether the request carried a To-tag (an in-dialog request, RFC 3261 §12.2.2) */
  get hasToTag(): boolean {
    return this.#hadToTag;
  }

  /** whether a final response has been sent */
  get answered(): boolean {
    return this.#final;
  }

  /** The core's hook, run once when the final response goes out (it releases the silence guard). */
  whenAnswered(listener: () => void): void {
    if (this.#final) listener();
    else this.#onAnswered = listener;
  }

  /**
   * The To-tag this request's responses carry (generated once, on first need); undefined when the
   * request already had one. RFC 3261 §9.2: the 200 to a CANCEL reuses the INVITE's tag.
   */
  toTag(preferred?: string): string | undefined {
    if (this.#hadToTag) return undefined;
    return (this.#toTag ??= preferred ?? newTag());
  }

  reply(options: ReplyOptions): void {
    const tx = this.#transaction;
    if (!tx) {
      // RFC 3261 §17: an ACK is never answered.
      this.#ctx.logger.warn({ method: this.message.method, status: options.status }, 'reply to a request that takes none ignored');
      return;
    }
    if (this.#final) {
      // RFC 6026 §7.1: 2xx retransmissions by the dialog layer are allowed through Accepted.
      if (!(options.status >= 200 && options.status < 300 && tx.state === 'Accepted')) {
        this.#ctx.logger.warn({ method: this.message.method, status: options.status }, 'second final response ignored');
        return;
      }
    }
    // RFC 3261 §8.2.6.2: a UAS adds a To-tag to responses (except 100) when the request had none,
    // the same tag for every response of the transaction.
    const toTag = options.status > 100 ? this.toTag(options.toTag) : undefined;
    const response = buildResponse(this.#ctx, this.#marked, options, toTag);
    if (tx.respond(response) && options.status >= 200 && !this.#final) {
      this.#final = true;
      const listener = this.#onAnswered;
      this.#onAnswered = undefined;
      listener?.();
    }
  }

  /** RFC 3261 §9.2: tell the TU, then answer 487 unless it answered in the meantime. */
  cancel(): void {
    for (const listener of this.#cancelListeners.splice(0)) {
      try {
        listener();
      } catch (err) {
        this.#ctx.logger.error({ err: String(err) }, 'cancel listener threw');
      }
    }
    if (!this.#final) this.reply({ status: 487 });
  }
}
