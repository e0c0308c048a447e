// The UAC side of the core: requests sent in client transactions (RFC 3261 §17.1), with our Via
// (§8.1.1.7, RFC 3581 rport), local 408/503 results (§8.1.3.1) and CANCEL on abort (§9.1).
import { createResponse, newBranch } from '../message/build.js';
import type { SipHeader, SipRequest, SipResponse } from '../message/types.js';
import type { TransactionContext } from '../transaction/base.js';
import { MAGIC_COOKIE, defaultPort, messageIdentity } from '../transaction/identity.js';
import { InviteClientState, InviteClientTransaction } from '../transaction/invite-client.js';
import type { ClientTransactionUser } from '../transaction/invite-client.js';
import { NonInviteClientTransaction } from '../transaction/non-invite-client.js';
import type { Flow, SendTarget } from '../transport/types.js';
import { buildCancel } from './cancel.js';
import { observe } from './context.js';
import type { CoreContext } from './context.js';
import type { ClientRequestOptions } from './types.js';
import { isReliable } from './via.js';

const UNSPECIFIED = new Set(['0.0.0.0', '::', '']);

export class ClientSide {
  readonly #ctx: CoreContext;
  readonly #pending = new Set<Promise<SipResponse>>();
  /** settles every pending request with a local 503 (shutdown) */
  readonly #shutdown = new Set<() => void>();

  constructor(ctx: CoreContext) {
    this.#ctx = ctx;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** resolves once every request pending now has its final response */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  /** RFC 3261 §18.1.1: sent-by is the address and port of the listening point for the protocol. */
  #sentBy(to: Flow | SendTarget): string {
    const point = this.#ctx.transport.listening().find((l) => l.protocol === to.protocol);
    let host = point?.address ?? '';
    let port = point?.port ?? defaultPort(to.protocol);
    if ('local' in to && (UNSPECIFIED.has(host) || !point)) {
      host = to.local.address;
      port = to.local.port;
    }
    if (UNSPECIFIED.has(host)) host = to.remote.address.includes(':') ? '::1' : '127.0.0.1';
    return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
  }

  /** The request as it goes on the wire: our Via on top unless the caller put one (a CANCEL, §9.1). */
  #prepare(request: SipRequest, to: Flow | SendTarget): { request: SipRequest; branch: string } | undefined {
    const headers: SipHeader[] = [];
    const has = (name: string): boolean => request.headers.some((h) => h.name.toLowerCase() === name);
    let branch: string;
    if (has('via')) {
      const id = messageIdentity(request);
      if (!id.ok || id.value.topVia.branch === undefined) return undefined;
      branch = id.value.topVia.branch;
    } else {
      branch = newBranch();
      if (!branch.startsWith(MAGIC_COOKIE)) branch = `${MAGIC_COOKIE}${branch}`;
      // RFC 3581 §3: a client "MUST" include rport without a value to ask for symmetric responses.
      headers.push({ name: 'Via', value: `SIP/2.0/${to.protocol.toUpperCase()} ${this.#sentBy(to)};branch=${branch};rport` });
    }
    headers.push(...request.headers);
    // RFC 3261 §8.1.1.6: Max-Forwards 70.
    if (!has('max-forwards')) headers.push({ name: 'Max-Forwards', value: '70' });
    if (this.#ctx.userAgent && !has('user-agent')) headers.push({ name: 'User-Agent', value: this.#ctx.userAgent });
    return { request: { ...request, headers }, branch };
  }

  async sendAck(options: { readonly request: SipRequest; readonly to: Flow | SendTarget }): Promise<Flow> {
    const prepared = this.#prepare(options.request, options.to);
    if (!prepared || options.request.method !== 'ACK') throw new Error('sendAck takes an ACK with a usable Via (or none)');
    return this.#ctx.send(prepared.request, options.to);
  }

  request(options: ClientRequestOptions): Promise<SipResponse> {
    if (options.request.method === 'ACK') {
      // RFC 3261 §17.1.1.3 / §13.2.2.4: an ACK is never a client transaction of its own.
      return Promise.resolve(createResponse(options.request, { status: 400, reason: 'ACK Is Not A Transaction; Use sendAck' }));
    }
    const prepared = this.#prepare(options.request, options.to);
    if (!prepared) {
      return Promise.resolve(createResponse(options.request, { status: 400, reason: 'Bad Via in Outgoing Request' }));
    }
    const promise = new Promise<SipResponse>((resolve) => this.#run(options, prepared.request, prepared.branch, resolve));
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise));
    return promise;
  }

  #run(options: ClientRequestOptions, request: SipRequest, branch: string, resolve: (r: SipResponse) => void): void {
    const ctx = this.#ctx;
    let settled = false;
    const finish = (response: SipResponse): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      resolve(response);
    };
    // RFC 3261 §8.1.3.1: a timeout is treated as a 408, a transport failure as a 503.
    const local = (status: number): SipResponse => createResponse(request, { status });
    let destination: Flow | SendTarget = options.to;
    const context: TransactionContext = {
      clock: ctx.clock,
      timers: ctx.timers,
      reliable: isReliable(options.to),
      send: (message) => {
        ctx
          .send(message, destination)
          .then((flow) => {
            // later messages of the transaction (retransmissions, the ACK) use the same flow
            destination = flow;
          })
          .catch((err: unknown) => {
            ctx.logger.warn({ err: String(err), method: request.method }, 'sending request failed');
            tx.transportError();
          });
      },
    };
    let cancelWanted = false;
    let cancelSent = false;
    const maybeCancel = (): void => {
      // RFC 3261 §9.1: "If no provisional response has been received, the CANCEL request MUST NOT be sent"
      if (!cancelWanted || cancelSent || !(tx instanceof InviteClientTransaction) || tx.state !== InviteClientState.Proceeding) return;
      cancelSent = true;
      // an abort whose reason is an RFC 3326 Reason value ("SIP;cause=200;...") puts it in the CANCEL
      const why: unknown = options.signal?.reason;
      const reason = typeof why === 'string' && /^(SIP|Q\.850)\s*;/i.test(why) ? why : undefined;
      void this.request({ request: buildCancel(request, reason), to: destination }).then((r) =>
        ctx.logger.debug({ status: r.status }, 'CANCEL answered'),
      );
    };
    const onAbort = (): void => {
      cancelWanted = true;
      maybeCancel();
    };
    const user: ClientTransactionUser = {
      onResponse: (response) => {
        if (response.status < 200) {
          try {
            options.onProvisional?.(response);
          } catch (err) {
            ctx.logger.error({ err: String(err) }, 'onProvisional threw');
          }
          maybeCancel();
        } else finish(response);
      },
      onTimeout: () => finish(local(408)),
      onTransportError: () => finish(local(503)),
      onAdditionalSuccess: (response) => {
        try {
          options.onAdditionalSuccess?.(response);
        } catch (err) {
          ctx.logger.error({ err: String(err) }, 'onAdditionalSuccess threw');
        }
      },
    };
    const tx =
      request.method === 'INVITE'
        ? new InviteClientTransaction({ context, request, user })
        : new NonInviteClientTransaction({ context, request, user });
    ctx.manager.addClient(branch, tx);
    observe(ctx, (o) => o.onTransaction?.('created', 'client'));
    const stop = (): void => {
      tx.terminate();
      finish(local(503));
    };
    this.#shutdown.add(stop);
    tx.onTerminated(() => {
      this.#shutdown.delete(stop);
      observe(ctx, (o) => o.onTransaction?.('terminated', 'client'));
    });
    if (request.method === 'INVITE' && options.signal) {
      if (options.signal.aborted) cancelWanted = true;
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
    tx.start();
  }

  /** Stop every client transaction; their callers get a local 503. */
  close(): void {
    for (const stop of [...this.#shutdown]) stop();
  }

  /** RFC 3261 §17.1.3: a response goes to the client transaction it matches, or is dropped. */
  receiveResponse(response: SipResponse, flow: Flow): void {
    const id = messageIdentity(response);
    if (!id.ok) {
      this.#ctx.logger.debug({ err: id.error, from: flow.remote }, 'malformed response dropped');
      return;
    }
    const tx = this.#ctx.manager.findClient(response, id.value);
    if (!tx) {
      // RFC 3261 §18.1.2: a response matching no transaction is discarded.
      this.#ctx.logger.debug({ status: response.status, from: flow.remote }, 'stray response dropped');
      return;
    }
    tx.receiveResponse(response);
  }
}
