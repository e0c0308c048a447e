// Non-INVITE client transaction: RFC 3261 §17.1.2.
import type { SipRequest, SipResponse } from '../message/types.js';
import { Transaction, isProvisional } from './base.js';
import type { StateSpec, TransactionContext } from './base.js';
import type { ClientTransactionUser } from './invite-client.js';

export enum NonInviteClientState {
  Trying = 'Trying',
  Proceeding = 'Proceeding',
  Completed = 'Completed',
  Terminated = 'Terminated',
}

type NonInviteClientTimer = 'E' | 'F' | 'K';

const SPEC: StateSpec<NonInviteClientState, NonInviteClientTimer> = {
  initial: NonInviteClientState.Trying,
  terminal: NonInviteClientState.Terminated,
  transitions: {
    [NonInviteClientState.Trying]: [
      NonInviteClientState.Proceeding,
      NonInviteClientState.Completed,
      NonInviteClientState.Terminated,
    ],
    [NonInviteClientState.Proceeding]: [NonInviteClientState.Completed, NonInviteClientState.Terminated],
    [NonInviteClientState.Completed]: [NonInviteClientState.Terminated],
    [NonInviteClientState.Terminated]: [],
  },
  timers: {
    [NonInviteClientState.Trying]: ['E', 'F'],
    [NonInviteClientState.Proceeding]: ['E', 'F'],
    [NonInviteClientState.Completed]: ['K'],
    [NonInviteClientState.Terminated]: [],
  },
};

/**
 * RFC 3261 Figure 6:
 *
 *                                |Request from TU
 *                                |send request
 *            Timer E             V
 *            send request  +-----------+
 *                +---------|           |-------------------+
 *                |         |  Trying   |  Timer F          |
 *                +-------->|           |  or Transport Err.|
 *                          +-----------+  inform TU        |
 *             200-699         |  |                         |
 *             resp. to TU     |  |1xx                      |
 *             +---------------+  |resp. to TU              |
 *             |                  |                         |
 *             |   Timer E        V       Timer F           |
 *             |   send req +-----------+ or Transport Err. |
 *             |  +---------|           | inform TU         |
 *             |  |         |Proceeding |------------------>|
 *             |  +-------->|           |-----+             |
 *             |            +-----------+     |1xx          |
 *             |              |      ^        |resp to TU   |
 *             | 200-699      |      +--------+             |
 *             | resp. to TU  |                             |
 *             |              |                             |
 *             |              V                             |
 *             |            +-----------+                   |
 *             |            |           |                   |
 *             |            | Completed |                   |
 *             |            |           |                   |
 *             |            +-----------+                   |
 *             |              ^   |                         |
 *             |              |   | Timer K                 |
 *             +--------------+   | -                       |
 *                                |                         |
 *                                V                         |
 *          NOTE:           +-----------+                   |
 *                          |           |                   |
 *      transitions         | Terminated|<------------------+
 *      labeled with        |           |
 *      the event           +-----------+
 *      over the action
 *      to take
 *
 * Timer E starts at T1 and doubles up to T2 in Trying, and is T2 in Proceeding (unreliable only);
 * Timer F is 64*T1; Timer K is T4 on unreliable transports and 0 on reliable ones.
 */
export class NonInviteClientTransaction extends Transaction<NonInviteClientState, NonInviteClientTimer> {
  readonly #ctx: TransactionContext;
  readonly #request: SipRequest;
  readonly #user: ClientTransactionUser;
  #intervalE: number;

  constructor(options: { readonly context: TransactionContext; readonly request: SipRequest; readonly user: ClientTransactionUser }) {
    super(SPEC, options.context.clock);
    this.#ctx = options.context;
    this.#request = options.request;
    this.#user = options.user;
    this.#intervalE = options.context.timers.t1;
  }

  get request(): SipRequest {
    return this.#request;
  }

  start(): void {
    this.#ctx.send(this.#request);
    // RFC 3261 §17.1.2.2: "If an unreliable transport is in use, the client transaction MUST set timer E to fire in T1 seconds"
    if (!this.#ctx.reliable) this.#armE();
    this.startTimer('F', 64 * this.#ctx.timers.t1, () => {
      // RFC 3261 §17.1.2.2: Timer F in Trying or Proceeding → timeout to the TU, Terminated.
      if (this.transition(NonInviteClientState.Terminated)) this.#user.onTimeout();
    });
  }

  #armE(): void {
    this.startTimer('E', this.#intervalE, () => {
      this.#ctx.send(this.#request);
      // RFC 3261 §17.1.2.2: in Trying the interval becomes MIN(2*T1... , T2); in Proceeding it is T2.
      this.#intervalE =
        this.state === NonInviteClientState.Proceeding ? this.#ctx.timers.t2 : Math.min(2 * this.#intervalE, this.#ctx.timers.t2);
      this.#armE();
    });
  }

  receiveResponse(response: SipResponse): void {
    if (this.state !== NonInviteClientState.Trying && this.state !== NonInviteClientState.Proceeding) {
      // RFC 3261 §17.1.2.2: in Completed, retransmitted responses are buffered (absorbed).
      return;
    }
    if (isProvisional(response.status)) {
      this.transition(NonInviteClientState.Proceeding);
      this.#user.onResponse(response);
      return;
    }
    if (response.status >= 200 && response.status < 700) {
      this.transition(NonInviteClientState.Completed);
      this.startTimer('K', this.#ctx.reliable ? 0 : this.#ctx.timers.t4, () =>
        this.transition(NonInviteClientState.Terminated),
      );
      this.#user.onResponse(response);
    }
  }

  transportError(): void {
    const wasWaiting = this.state === NonInviteClientState.Trying || this.state === NonInviteClientState.Proceeding;
    if (this.transition(NonInviteClientState.Terminated) && wasWaiting) this.#user.onTransportError();
  }

  terminate(): void {
    this.transition(NonInviteClientState.Terminated);
  }
}
