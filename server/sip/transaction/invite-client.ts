// INVITE client transaction: RFC 3261 §17.1.1 as updated by RFC 6026 §7.2 (Accepted state).
import type { SipRequest, SipResponse } from '../message/types.js';
import { buildNonSuccessAck } from './ack.js';
import { Transaction, isFailure, isProvisional, isSuccess } from './base.js';
import type { StateSpec, TransactionContext } from './base.js';
import { TIMER_D_UNRELIABLE_MS } from './timers.js';

export enum InviteClientState {
  Calling = 'Calling',
  Proceeding = 'Proceeding',
  Accepted = 'Accepted',
  Completed = 'Completed',
  Terminated = 'Terminated',
}

type InviteClientTimer = 'A' | 'B' | 'D' | 'M';

export interface ClientTransactionUser {
  /** provisional responses, and the first final response */
  onResponse(response: SipResponse): void;
  /** Timer B or F fired: the core makes a 408 (RFC 3261 §8.1.3.1) */
  onTimeout(): void;
  /** the transport could not send: the core makes a 503 (RFC 3261 §8.1.3.1) */
  onTransportError(): void;
  /** RFC 6026 §7.2: 2xx retransmissions and forked 2xx received in Accepted go to the TU (to re-ACK) */
  onAdditionalSuccess?(response: SipResponse): void;
}

const SPEC: StateSpec<InviteClientState, InviteClientTimer> = {
  initial: InviteClientState.Calling,
  terminal: InviteClientState.Terminated,
  transitions: {
    [InviteClientState.Calling]: [
      InviteClientState.Proceeding,
      InviteClientState.Accepted,
      InviteClientState.Completed,
      InviteClientState.Terminated,
    ],
    [InviteClientState.Proceeding]: [InviteClientState.Accepted, InviteClientState.Completed, InviteClientState.Terminated],
    [InviteClientState.Accepted]: [InviteClientState.Terminated],
    [InviteClientState.Completed]: [InviteClientState.Terminated],
    [InviteClientState.Terminated]: [],
  },
  timers: {
    [InviteClientState.Calling]: ['A', 'B'],
    // RFC 3261 §17.1.1.2: in Proceeding the request is no longer retransmitted and Timer B no longer applies.
    [InviteClientState.Proceeding]: [],
    [InviteClientState.Accepted]: ['M'],
    [InviteClientState.Completed]: ['D'],
    [InviteClientState.Terminated]: [],
  },
};

/**
 * RFC 3261 Figure 5 with RFC 6026 Figure 3:
 *
 *                          |INVITE from TU
 *        Timer A fires     |INVITE sent          Timer B fires
 *        Reset A,          V                     or Transport Err.
 *        INVITE sent +-----------+               inform TU
 *          +---------|  Calling  |-------------------------------+
 *          +-------->|           |--------------+                |
 *                    +-----------+ 2xx          |                |
 *      300-699          |  |       2xx to TU    |                |
 *      ACK sent         |  |1xx                 |                |
 *  +--------------------+  |1xx to TU           |                |
 *  |                       V                    V                |
 *  |   1xx to TU   +------------+   2xx   +-----------+          |
 *  |   +-----------| Proceeding |-------->| Accepted  | 2xx to TU|
 *  |   +---------->|            | 2xx→TU  |           |<--+      |
 *  |               +------------+         +-----------+---+      |
 *  |  300-699 ACK sent |                   Timer M |             |
 *  |  resp. to TU      V                           |             |
 *  |               +-----------+  300-699          |             |
 *  +-------------->| Completed |  ACK sent         |             |
 *                  |           |<--+               |             |
 *                  +-----------+---+               |             |
 *                  Timer D |  Transport Err.       |             |
 *                          V                       V             |
 *                  +-------------------------------------+       |
 *                  |              Terminated             |<------+
 *                  +-------------------------------------+
 *
 * Timer A starts at T1 and doubles on every firing with no cap (RFC 3261 §17.1.1.2); Timer B is
 * 64*T1; Timer D is 32 s on unreliable transports and 0 on reliable ones; Timer M is 64*T1.
 */
export class InviteClientTransaction extends Transaction<InviteClientState, InviteClientTimer> {
  readonly #ctx: TransactionContext;
  readonly #request: SipRequest;
  readonly #user: ClientTransactionUser;
  #ack: SipRequest | undefined;
  #intervalA: number;

  constructor(options: { readonly context: TransactionContext; readonly request: SipRequest; readonly user: ClientTransactionUser }) {
    super(SPEC, options.context.clock);
    this.#ctx = options.context;
    this.#request = options.request;
    this.#user = options.user;
    this.#intervalA = options.context.timers.t1;
  }

  get request(): SipRequest {
    return this.#request;
  }

  /** Send the INVITE and arm Timers A (unreliable only) and B. */
  start(): void {
    this.#ctx.send(this.#request);
    // RFC 3261 §17.1.1.2: "If an unreliable transport is being used, the client transaction MUST start timer A"
    if (!this.#ctx.reliable) this.#armA();
    this.startTimer('B', 64 * this.#ctx.timers.t1, () => {
      // RFC 3261 §17.1.1.2: Timer B fires in Calling → inform the TU of the timeout, Terminated.
      if (this.transition(InviteClientState.Terminated)) this.#user.onTimeout();
    });
  }

  #armA(): void {
    this.startTimer('A', this.#intervalA, () => {
      this.#ctx.send(this.#request);
      this.#intervalA *= 2;
      this.#armA();
    });
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case InviteClientState.Calling:
      case InviteClientState.Proceeding:
        if (isProvisional(status)) {
          // RFC 3261 §17.1.1.2: 1xx moves Calling → Proceeding and is passed to the TU.
          this.transition(InviteClientState.Proceeding);
          this.#user.onResponse(response);
        } else if (isSuccess(status)) {
          // RFC 6026 §7.2: 2xx moves to Accepted (not Terminated) so 2xx retransmissions reach the TU.
          this.transition(InviteClientState.Accepted);
          this.startTimer('M', 64 * this.#ctx.timers.t1, () => this.transition(InviteClientState.Terminated));
          this.#user.onResponse(response);
        } else if (isFailure(status)) {
          // RFC 3261 §17.1.1.2: 300-699 → ACK, pass up, Completed with Timer D.
          this.transition(InviteClientState.Completed);
          this.#ack = buildNonSuccessAck(this.#request, response);
          this.#ctx.send(this.#ack);
          this.startTimer('D', this.#ctx.reliable ? 0 : TIMER_D_UNRELIABLE_MS, () =>
            this.transition(InviteClientState.Terminated),
          );
          this.#user.onResponse(response);
        }
        return;
      case InviteClientState.Accepted:
        // RFC 6026 §7.2: "any 2xx ... received while in the Accepted state MUST be passed up to the TU"
        if (isSuccess(status)) this.#user.onAdditionalSuccess?.(response);
        return;
      case InviteClientState.Completed:
        // RFC 3261 §17.1.1.2: a retransmitted final response gets the ACK again and is not passed up.
        if (isFailure(status) && this.#ack) this.#ctx.send(this.#ack);
        return;
      case InviteClientState.Terminated:
        return;
    }
  }

  /** RFC 3261 §17.1.4 / §17.1.1.2: a transport error moves to Terminated and informs the TU. */
  transportError(): void {
    const wasWaiting = this.state === InviteClientState.Calling || this.state === InviteClientState.Proceeding;
    if (this.transition(InviteClientState.Terminated) && wasWaiting) this.#user.onTransportError();
  }

  /** Stop now (stack shutdown); the TU is not called. */
  terminate(): void {
    this.transition(InviteClientState.Terminated);
  }
}
