// The UAS side of the core: a request's way from the transport to a handler (RFC 3261 §8.2,
// §17.2.3), and the stateless answers owed to requests that did not parse (§8.2.6, §21.4.1).
import { getVias } from '../message/headers.js';
import { newTag } from '../message/build.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { ParseError, SipHeader, SipMessage, SipRequest, SipResponse, Via } from '../message/types.js';
import { messageIdentity, requestKeys } from '../transaction/identity.js';
import type { MessageIdentity } from '../transaction/identity.js';
import { InviteServerTransaction } from '../transaction/invite-server.js';
import { NonInviteServerTransaction } from '../transaction/non-invite-server.js';
import type { TransactionContext } from '../transaction/base.js';
import type { ServerTransaction } from '../transaction/manager.js';
import type { Flow } from '../transport/types.js';
import { observe } from './context.js';
import type { CoreContext } from './context.js';
import { defaultReply } from './defaults.js';
import { ServerRequest, buildResponse } from './incoming.js';
import { StatelessRequest, StatelessTags } from './stateless.js';
import type { RequestHandler, StatelessHandler } from './types.js';
import { validateRequest } from './validate.js';
import { isReliable, responseFlow, withMarkedVia } from './via.js';

const PARSE_ERROR_STATUS: Partial<Record<ParseError['code'], number>> = {
  'bad-version': 505, // RFC 3261 §21.5.7
  'too-large': 513, // RFC 3261 §21.5.9
  'uri-too-long': 414, // RFC 3261 §21.4.12
};

/** RFC 3261 §20.43: warn-code 399 (miscellaneous), warn-agent, quoted warn-text. */
export function warning(agent: string, text: string): SipHeader {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/[\\"]/g, (c) => `\\${c}`);
  return { name: 'Warning', value: `399 ${agent.includes(':') ? `[${agent}]` : agent} "${clean}"` };
}

const EMPTY = new Uint8Array(0);

export class ServerSide {
  readonly #ctx: CoreContext;
  readonly #handlers: readonly RequestHandler[];
  readonly #stateless: readonly StatelessHandler[];
  readonly #statelessTags = new StatelessTags();
  #closing = false;
  /** where each server transaction sends its responses (RFC 3261 §18.2.2); may move to a newer connection */
  readonly #targets = new WeakMap<ServerTransaction, Flow>();
  /** one listener shared by every transaction rather than a closure each, held through Timer J */
  readonly #ended: () => void;

  constructor(ctx: CoreContext, chains: { readonly handlers: readonly RequestHandler[]; readonly stateless: readonly StatelessHandler[] }) {
    this.#ctx = ctx;
    this.#handlers = chains.handlers;
    this.#stateless = chains.stateless;
    this.#ended = transactionEnded(ctx);
  }

  /** Stop taking new requests (shutdown): they get 503, retransmissions are still absorbed. */
  close(): void {
    this.#closing = true;
  }

  async receive(request: SipRequest, flow: Flow): Promise<void> {
    const id = messageIdentity(request);
    if (!id.ok) {
      this.#answerStateless(request, flow, 400, `bad request: ${id.error}`);
      return;
    }
    const { topVia } = id.value;
    const marked = withMarkedVia(request, topVia, flow.remote);
    const keys = requestKeys(request, id.value);
    const existing = this.#ctx.manager.findServer(keys);
    if (existing) {
      const tx = existing.transaction;
      if (request.method !== 'ACK') {
        // RFC 3261 §17.2.3: a retransmission; the transaction re-sends its last response. §18.2.2
        // sends it on the original connection "if that connection is still open"; when it is not,
        // the connection the retransmission came on is the way back to the client.
        const current = this.#targets.get(tx);
        if (current && isReliable(flow) && !this.#ctx.transport.isAlive(current)) this.#targets.set(tx, responseFlow(flow, topVia));
        tx.receiveRetransmission();
        return;
      }
      // RFC 3261 §17.2.1: ACK for a 3xx-6xx is absorbed; RFC 6026 §7.1: in Accepted it goes to the TU.
      if (!(tx instanceof InviteServerTransaction) || tx.receiveAck() === 'absorbed') return;
    }
    const hasToTag = id.value.toTag !== undefined;
    if (request.method === 'ACK') {
      // RFC 3261 §17: an ACK for a 2xx is not a transaction; handlers see it, nobody answers it.
      await this.#runChain(new ServerRequest({ ctx: this.#ctx, message: request, marked, flow, transaction: undefined, hadToTag: hasToTag }));
      return;
    }
    // RFC 3261 §8.2.2.2: checked before this request's own transaction joins the index.
    const merged = request.method !== 'CANCEL' && this.#ctx.manager.isMerged(request, keys);
    const rejection = validateRequest(request, id.value, { supported: this.#ctx.supported });
    // RFC 3261 §8.2.7: a stateless UAS "MUST ignore CANCEL requests"; requests the core rejects are
    // answered by the core, in their transaction.
    if (this.#stateless.length > 0 && request.method !== 'CANCEL' && !merged && !this.#closing && !rejection) {
      if (this.#runStateless(request, marked, flow, id.value)) return;
    }
    const tx = this.#createTransaction(request, marked, flow, id.value);
    const incoming = new ServerRequest({ ctx: this.#ctx, message: request, marked, flow, transaction: tx, hadToTag: hasToTag });
    const entry = this.#ctx.manager.addServer(keys, id.value, tx);
    if (tx instanceof InviteServerTransaction) {
      entry.onCancel = () => incoming.cancel();
      entry.toTag = () => incoming.toTag();
      tx.start();
    } else this.#guardSilence(incoming, tx);
    if (this.#closing) {
      // RFC 3261 §21.5.4: temporarily unable to process the request.
      incoming.reply({ status: 503, headers: [{ name: 'Retry-After', value: '30' }] });
      return;
    }
    if (rejection) {
      incoming.reply({ ...rejection });
      return;
    }
    if (request.method === 'CANCEL') {
      this.#cancel(request, id.value, incoming);
      return;
    }
    // RFC 3261 §8.2.2.2: same From tag, Call-ID and CSeq as a live transaction it does not match.
    if (merged) {
      incoming.reply({ status: 482 });
      return;
    }
    await this.#runChain(incoming);
  }

  /** Offer a new request to the stateless handlers (RFC 3261 §8.2.7); true when one answered it. */
  #runStateless(request: SipRequest, marked: SipRequest, flow: Flow, id: MessageIdentity): boolean {
    const incoming = new StatelessRequest({ ctx: this.#ctx, message: request, marked, flow, identity: id, tags: this.#statelessTags });
    try {
      for (const handler of this.#stateless) {
        if (!handler(incoming)) continue;
        if (incoming.answered) return true;
        // a handler that takes a request owes it a response; the transactional chain gets it instead
        this.#ctx.logger.error({ method: request.method }, 'stateless handler took a request without answering it');
        return false;
      }
    } catch (err) {
      // CONVENTIONS.md §11: logged at the boundary; unanswered, the request goes on to the
      // transactional chain, which owes it a response.
      this.#ctx.logger.error({ err: err instanceof Error ? err.stack ?? err.message : String(err), method: request.method }, 'stateless sip handler threw');
      return incoming.answered;
    }
    return false;
  }

  #createTransaction(request: SipRequest, marked: SipRequest, flow: Flow, id: MessageIdentity): ServerTransaction {
    const { context, user, bind } = transactionHooks(this.#ctx, this.#targets, flow, id.topVia, request.method);
    const tx: ServerTransaction =
      request.method === 'INVITE'
        ? new InviteServerTransaction({ context, request, user, makeTrying: tryingMaker(this.#ctx, marked) })
        : new NonInviteServerTransaction({ context, request, user });
    bind(tx);
    this.#targets.set(tx, responseFlow(flow, id.topVia));
    observe(this.#ctx, (o) => o.onTransaction?.('created', 'server'));
    tx.onTerminated(this.#ended);
    return tx;
  }

  /** RFC 3261 §9.2: CANCEL gets 200 when it matches an INVITE, the INVITE 487 if still unanswered. */
  #cancel(request: SipRequest, id: MessageIdentity, incoming: ServerRequest): void {
    const target = this.#ctx.manager.findCancelTarget(request, id);
    if (!target) {
      // RFC 3261 §9.2: "If the UAS did not find a matching transaction for the CANCEL ..., it SHOULD respond ... 481"
      incoming.reply({ status: 481 });
      return;
    }
    // RFC 3261 §9.2: "the To tag of the response to the CANCEL and the To tag in the response to
    // the original request SHOULD be the same".
    const tag = target.toTag?.();
    incoming.reply({ status: 200, ...(tag !== undefined ? { toTag: tag } : {}) });
    const invite = target.transaction;
    if (invite instanceof InviteServerTransaction && invite.state === 'Proceeding' && !target.cancelled) {
      target.cancelled = true;
      target.onCancel?.();
    }
  }

  /**
   * A non-INVITE the TU never answers would keep its transaction forever (§17.2.2 gives Trying no
   * timer). The client gives up after 64*T1 (Timer F, §17.1.2.2), so by then the core answers 500
   * itself and logs the handler's silence: nothing is dropped silently, nothing leaks.
   */
  #guardSilence(incoming: ServerRequest, tx: ServerTransaction): void {
    const handle = this.#ctx.clock.setTimeout(() => {
      if (incoming.answered || tx.terminated) return;
      this.#ctx.logger.error({ method: incoming.message.method }, 'handler never answered; 500 sent after 64*T1');
      incoming.reply({ status: 500, reason: 'Request Not Answered' });
    }, 64 * this.#ctx.timers.t1);
    // Released as soon as the request is answered: over UDP the transaction itself lives on for
    // Timer J (32 s), and under load a guard held that long kept every request object alive with it.
    const release = timerRelease(this.#ctx.clock, handle);
    incoming.whenAnswered(release);
    tx.onTerminated(release);
  }

  async #runChain(incoming: ServerRequest): Promise<void> {
    try {
      for (const handler of this.#handlers) {
        if (await handler(incoming)) return;
      }
    } catch (err) {
      // CONVENTIONS.md §11: caught at the boundary, logged, answered 500 where a response is owed.
      this.#ctx.logger.error({ err: err instanceof Error ? err.stack ?? err.message : String(err), method: incoming.message.method }, 'sip handler threw');
      if (!incoming.answered && incoming.message.method !== 'ACK') incoming.reply({ status: 500 });
      return;
    }
    const reply = defaultReply(this.#ctx, incoming.message.method, incoming.hasToTag);
    if (reply) incoming.reply(reply);
  }

  /** A parse error from the transport: answer it when the request's headers allow (RFC 3261 §8.2.6). */
  parseError(error: ParseError, flow: Flow): void {
    const partial = error.partial;
    if (!partial || partial.kind !== 'request' || partial.method === 'ACK') {
      this.#ctx.logger.debug({ code: error.code, detail: error.detail, from: flow.remote }, 'unparseable message dropped');
      return;
    }
    // Choice: a response needs only a Via to be routed (RFC 3261 §18.2.2), so a request missing
    // Call-ID or CSeq still gets its 400 naming the problem, with the headers it did have copied
    // (CONVENTIONS.md §2: nothing is dropped silently). Without a Via it is dropped and logged.
    if (!partial.headers.some((h) => h.name.toLowerCase() === 'via')) {
      this.#ctx.logger.info({ code: error.code, detail: error.detail, from: flow.remote }, 'request without Via dropped');
      return;
    }
    const request: SipRequest = { kind: 'request', method: partial.method ?? 'UNKNOWN', uri: 'sip:invalid', version: 'SIP/2.0', headers: partial.headers, body: EMPTY };
    const status = error.status ?? PARSE_ERROR_STATUS[error.code] ?? 400;
    this.#answerStateless(request, flow, status, error.detail);
  }

  /** A response sent outside any transaction, for requests we cannot key (RFC 3261 §8.2.6). */
  #answerStateless(request: SipRequest, flow: Flow, status: number, detail: string): void {
    if (request.method === 'ACK') return;
    const vias = getVias(request);
    const top = vias.ok ? vias.value[0] : undefined;
    // A Via that does not parse (RFC 4475 §3.1.2.1 badinv01, §3.1.2.16 badvers) cannot route the
    // response, but the packet's own source can (as RFC 3581 does for NAT): the 400/505 the RFC
    // asks for goes back on the arriving flow with the Via headers copied as they came.
    const marked = top ? withMarkedVia(request, top, flow.remote) : request;
    const toTag = /;\s*tag\s*=/i.test(request.headers.find((h) => h.name.toLowerCase() === 'to')?.value ?? '') ? undefined : newTag();
    try {
      const response = buildResponse(this.#ctx, marked, { status, headers: [warning(flow.local.address, detail)] }, toTag);
      this.#ctx.send(response, top ? responseFlow(flow, top) : flow).catch((err: unknown) => this.#ctx.logger.debug({ err: String(err) }, 'stateless response not sent'));
    } catch (err) {
      this.#ctx.logger.warn({ err: String(err), detail }, 'could not build an error response');
    }
  }
}

// The closures a server transaction keeps for its whole life (32 s in Completed over UDP) are built
// in these small scopes rather than inside ServerSide's methods: a V8 closure keeps every variable
// of the scope it was created in that any sibling closure uses, so built next to the request, the
// response builder or the ServerRequest they would keep those alive for as long as the transaction.

/** The transaction's way to the transport and its failure report, holding the flow and Via only. */
function transactionHooks(core: CoreContext, targets: WeakMap<ServerTransaction, Flow>, flow: Flow, topVia: Via, method: string) {
  let tx: ServerTransaction | undefined;
  const context: TransactionContext = {
    clock: core.clock,
    timers: core.timers,
    reliable: isReliable(flow),
    send: (message: SipMessage): void => {
      const target = (tx && targets.get(tx)) ?? responseFlow(flow, topVia);
      core.send(message, target).catch((err: unknown) => {
        core.logger.warn({ err: String(err), to: target.remote }, 'sending response failed');
        // RFC 3261 §17.2.4 / §18.2.2: the transaction learns of the failure (and terminates).
        tx?.transportError();
      });
    },
  };
  const user = { onFailure: (why: string) => core.logger.info({ method, why }, 'server transaction failed') };
  return { context, user, bind: (transaction: ServerTransaction) => void (tx = transaction) };
}

/** RFC 3261 §17.2.1: the 100 Trying an INVITE transaction sends when the TU is slow. */
const tryingMaker = (core: CoreContext, marked: SipRequest) => (): SipResponse => buildResponse(core, marked, { status: 100 }, undefined);

const transactionEnded = (core: CoreContext) => (): void => observe(core, (o) => o.onTransaction?.('terminated', 'server'));

/**
 * Clears the timer once and then forgets its handle: the release stays listed on the transaction
 * through Timer J (32 s), and a handle carries its Node timer (clock.ts), which need not live that long.
 */
const timerRelease = (clock: Clock, handle: TimerHandle) => {
  let pending: TimerHandle | undefined = handle;
  return (): void => {
    if (pending === undefined) return;
    clock.clearTimeout(pending);
    pending = undefined;
  };
};
