// Non-INVITE server transaction: RFC 3261 §17.2.2.
import type { SipRequest, SipResponse } from '../message/types.js';
import { Transaction, isProvisional } from './base.js';
import type { StateSpec, TransactionContext } from './base.js';
import type { ServerTransactionUser } from './invite-server.js';

export enum NonInviteServerState {
  Trying = 'Trying',
  Proceeding = 'Proceeding',
  Completed = 'Completed',
  Terminated = 'Terminated',
}

type NonInviteServerTimer = 'J';

const SPEC: StateSpec<NonInviteServerState, NonInviteServerTimer> = {
  initial: NonInviteServerState.Trying,
  terminal: NonInviteServerState.Terminated,
  transitions: {
    [NonInviteServerState.Trying]: [
      NonInviteServerState.Proceeding,
      NonInviteServerState.Completed,
      NonInviteServerState.Terminated,
    ],
    [NonInviteServerState.Proceeding]: [NonInviteServerState.Completed, NonInviteServerState.Terminated],
    [NonInviteServerState.Completed]: [NonInviteServerState.Terminated],
    [NonInviteServerState.Terminated]: [],
  },
  timers: {
    [NonInviteServerState.Trying]: [],
    [NonInviteServerState.Proceeding]: [],
    [NonInviteServerState.Completed]: ['J'],
    [NonInviteServerState.Terminated]: [],
  },
};

/**
 * RFC 3261 Figure 8:
 *
 *                                   |Request received
 *                                   |pass to TU
 *                                   V
 *                             +-----------+
 *                             |           |
 *                             | Trying    |-------------+
 *                             |           |             |
 *                             +-----------+             |200-699 from TU
 *                                   |                   |send response
 *                                   |1xx from TU        |
 *                                   |send response      |
 *                                   |                   |
 *                Request            V      1xx from TU  |
 *                send response+-----------+send response|
 *                    +--------|           |--------+    |
 *                    |        | Proceeding|        |    |
 *                    +------->|           |<-------+    |
 *             +<--------------|           |             |
 *             |Trnsprt Err    +-----------+             |
 *             |Inform TU            |                   |
 *             |                     |                   |
 *             |                     |200-699 from TU    |
 *             |                     |send response      |
 *             |  Request            V                   |
 *             |  send response+-----------+             |
 *             |      +--------|           |             |
 *             |      |        | Completed |<------------+
 *             |      +------->|           |
 *             +<--------------|           |
 *             |Trnsprt Err    +-----------+
 *             |Inform TU            |
 *             |                     |Timer J fires
 *             |                     |-
 *             |                     |
 *             |                     V
 *             |               +-----------+
 *             |               |           |
 *             +-------------->| Terminated|
 *                             |           |
 *                             +-----------+
 *
 * Timer J is 64*T1 on unreliable transports and 0 on reliable ones.
 */
export class NonInviteServerTransaction extends Transaction<NonInviteServerState, NonInviteServerTimer> {
  readonly #ctx: TransactionContext;
  readonly #request: SipRequest;
  readonly #user: ServerTransactionUser;
  #last: SipResponse | undefined;

  constructor(options: { readonly context: TransactionContext; readonly request: SipRequest; readonly user?: ServerTransactionUser }) {
    super(SPEC, options.context.clock);
    this.#ctx = options.context;
    this.#request = options.request;
    this.#user = options.user ?? {};
  }

  get request(): SipRequest {
    return this.#request;
  }

  get finalResponse(): SipResponse | undefined {
    return this.#last && !isProvisional(this.#last.status) ? this.#last : undefined;
  }

  /** A response from the TU. Returns false once a final response has been sent. */
  respond(response: SipResponse): boolean {
    if (this.state !== NonInviteServerState.Trying && this.state !== NonInviteServerState.Proceeding) return false;
    this.#last = response;
    if (isProvisional(response.status)) {
      this.transition(NonInviteServerState.Proceeding);
      this.#ctx.send(response);
      return true;
    }
    // RFC 3261 §17.2.2: a final response → Completed, Timer J = 64*T1 (unreliable) or 0 (reliable).
    this.transition(NonInviteServerState.Completed);
    this.#ctx.send(response);
    // RFC 3261 §17.2.2: Timer J is "zero seconds for reliable transports": terminate now, so a
    // request that reuses the key right after (a new connection) starts a new transaction.
    if (this.#ctx.reliable) this.transition(NonInviteServerState.Terminated);
    else this.startTimer('J', 64 * this.#ctx.timers.t1, () => this.transition(NonInviteServerState.Terminated));
    return true;
  }

  /** A retransmitted request matched (RFC 3261 §17.2.2). */
  receiveRetransmission(): void {
    // RFC 3261 §17.2.2: in Trying "any further request retransmissions are discarded"; in
    // Proceeding and Completed the last response is passed to the transport again.
    if (this.state === NonInviteServerState.Proceeding || this.state === NonInviteServerState.Completed) {
      if (this.#last) this.#ctx.send(this.#last);
    }
  }

  transportError(): void {
    if (this.transition(NonInviteServerState.Terminated)) this.#user.onFailure?.('transport-error');
  }

  terminate(): void {
    this.transition(NonInviteServerState.Terminated);
  }
}
