// INVITE server transaction: RFC 3261 §17.2.1 as updated by RFC 6026 §7.1 (Accepted state).
//
// Choice (documented for the TU): a 2xx moves the transaction to Accepted, not Terminated, for
// Timer L = 64*T1. That keeps INVITE retransmissions absorbed instead of turning into a second
// call, while 2xx retransmission itself stays the dialog layer's job (RFC 3261 §13.3.1.4).
import type { SipRequest, SipResponse } from '../message/types.js';
import { Transaction, isFailure, isProvisional, isSuccess } from './base.js';
import type { StateSpec, TransactionContext } from './base.js';
import { AUTO_TRYING_MS } from './timers.js';

export enum InviteServerState {
  Proceeding = 'Proceeding',
  Accepted = 'Accepted',
  Completed = 'Completed',
  Confirmed = 'Confirmed',
  Terminated = 'Terminated',
}

type InviteServerTimer = 'Trying' | 'G' | 'H' | 'I' | 'L';

export interface ServerTransactionUser {
  /** Timer H fired with no ACK, or the transport failed: the TU learns the response was lost */
  onFailure?(reason: 'ack-timeout' | 'transport-error'): void;
}

/** What the transaction does with a request that matched it (RFC 3261 §17.2.3). */
export type AbsorbResult = 'absorbed' | 'to-tu';

const SPEC: StateSpec<InviteServerState, InviteServerTimer> = {
  initial: InviteServerState.Proceeding,
  terminal: InviteServerState.Terminated,
  transitions: {
    [InviteServerState.Proceeding]: [InviteServerState.Accepted, InviteServerState.Completed, InviteServerState.Terminated],
    [InviteServerState.Accepted]: [InviteServerState.Terminated],
    [InviteServerState.Completed]: [InviteServerState.Confirmed, InviteServerState.Terminated],
    [InviteServerState.Confirmed]: [InviteServerState.Terminated],
    [InviteServerState.Terminated]: [],
  },
  timers: {
    [InviteServerState.Proceeding]: ['Trying'],
    [InviteServerState.Accepted]: ['L'],
    [InviteServerState.Completed]: ['G', 'H'],
    [InviteServerState.Confirmed]: ['I'],
    [InviteServerState.Terminated]: [],
  },
};

/**
 * RFC 3261 Figure 7 with RFC 6026 Figure 5:
 *
 *                                     |INVITE
 *                                     |pass INV to TU
 *                  INVITE             V send 100 if TU won't in 200 ms
 *                  send response+------------+
 *                      +--------|            |--------+ 101-199 from TU
 *                      |        | Proceeding |        | send response
 *                      +------->|            |<-------+
 *                               |            |          Transport Err.
 *                               |            |          Inform TU
 *                               |            |--------------->+
 *                               +------------+                |
 *                  300-699 from TU |     |2xx from TU         |
 *                  send response   |     |send response       |
 *                   +--------------+     +------------+       |
 *                   |                                 |       |
 *  INVITE           V          Timer G fires          |       |
 *  send response+-----------+  send response          |       |
 *      +--------|           |--------+                |       |
 *      |        | Completed |        |                V       |
 *      +------->|           |<-------+         +------------+ | 2xx from TU
 *               +-----------+                  |  Accepted  |-+ send response
 *                  |     |                     |            |   INVITE absorbed
 *      ACK         |     +-------+             +------------+
 *      -           |   Timer H   |               Timer L |
 *                  V   or Transport Err.                 |
 *               +-----------+  Inform TU  |              |
 *               |           |             |              |
 *               | Confirmed |             |              |
 *               |           |             |              |
 *               +-----------+             |              |
 *                     |                   |              |
 *                     |Timer I            |              |
 *                     V                   V              V
 *               +------------------------------------------+
 *               |                Terminated                |
 *               +------------------------------------------+
 *
 * Timer G starts at T1 and doubles up to T2 (unreliable only); Timer H is 64*T1; Timer I is T4 on
 * unreliable transports and 0 on reliable ones; Timer L is 64*T1.
 */
export class InviteServerTransaction extends Transaction<InviteServerState, InviteServerTimer> {
  readonly #ctx: TransactionContext;
  readonly #request: SipRequest;
  readonly #user: ServerTransactionUser;
  readonly #makeTrying: () => SipResponse;
  #lastProvisional: SipResponse | undefined;
  #final: SipResponse | undefined;
  #intervalG: number;

  constructor(options: {
    readonly context: TransactionContext;
    readonly request: SipRequest;
    /** builds the 100 Trying sent when the TU stays silent for 200 ms */
    readonly makeTrying: () => SipResponse;
    readonly user?: ServerTransactionUser;
  }) {
    super(SPEC, options.context.clock);
    this.#ctx = options.context;
    this.#request = options.request;
    this.#makeTrying = options.makeTrying;
    this.#user = options.user ?? {};
    this.#intervalG = options.context.timers.t1;
  }

  get request(): SipRequest {
    return this.#request;
  }

  /** the final response sent, if any */
  get finalResponse(): SipResponse | undefined {
    return this.#final;
  }

  /** Arm the automatic 100 Trying (RFC 3261 §17.2.1). */
  start(): void {
    this.startTimer('Trying', AUTO_TRYING_MS, () => {
      // RFC 3261 §17.2.1: "If there is no response from the TU within 200 ms, the server transaction MUST generate a 100 (Trying)"
      if (!this.#lastProvisional) this.#sendProvisional(this.#makeTrying());
    });
  }

  #sendProvisional(response: SipResponse): void {
    this.#lastProvisional = response;
    this.#ctx.send(response);
  }

  /** A response from the TU. Returns false when the state does not allow it (e.g. a second final). */
  respond(response: SipResponse): boolean {
    const status = response.status;
    if (this.state === InviteServerState.Proceeding) {
      if (isProvisional(status)) {
        this.stopTimer('Trying');
        this.#sendProvisional(response);
        return true;
      }
      if (isSuccess(status)) {
        // RFC 6026 §7.1: 2xx from the TU → send it, enter Accepted, start Timer L.
        this.#final = response;
        this.transition(InviteServerState.Accepted);
        this.#ctx.send(response);
        this.startTimer('L', 64 * this.#ctx.timers.t1, () => this.transition(InviteServerState.Terminated));
        return true;
      }
      if (isFailure(status)) {
        // RFC 3261 §17.2.1: 300-699 → Completed; Timer G on unreliable transports, Timer H always.
        this.#final = response;
        this.transition(InviteServerState.Completed);
        this.#ctx.send(response);
        if (!this.#ctx.reliable) this.#armG();
        this.startTimer('H', 64 * this.#ctx.timers.t1, () => {
          if (this.transition(InviteServerState.Terminated)) this.#user.onFailure?.('ack-timeout');
        });
        return true;
      }
      return false;
    }
    // RFC 6026 §7.1: "Any retransmission of the 2xx response passed from the TU to the transaction
    // while in the Accepted state MUST be passed to the transport layer for transmission."
    if (this.state === InviteServerState.Accepted && isSuccess(status)) {
      this.#ctx.send(response);
      return true;
    }
    return false;
  }

  #armG(): void {
    this.startTimer('G', this.#intervalG, () => {
      if (this.#final) this.#ctx.send(this.#final);
      // RFC 3261 §17.2.1: "reset with a value of MIN(2*T1, T2)", doubling up to T2.
      this.#intervalG = Math.min(2 * this.#intervalG, this.#ctx.timers.t2);
      this.#armG();
    });
  }

  /** A retransmitted INVITE matched this transaction (RFC 3261 §17.2.1). */
  receiveRetransmission(): AbsorbResult {
    if (this.state === InviteServerState.Proceeding) {
      if (this.#lastProvisional) this.#ctx.send(this.#lastProvisional);
    } else if (this.state === InviteServerState.Completed) {
      if (this.#final) this.#ctx.send(this.#final);
    }
    // RFC 6026 §7.1: in Accepted the INVITE is absorbed, never passed to the TU.
    return 'absorbed';
  }

  /** An ACK matched this transaction. */
  receiveAck(): AbsorbResult {
    if (this.state === InviteServerState.Completed) {
      // RFC 3261 §17.2.1: ACK in Completed → Confirmed, Timer I = T4 (0 on reliable).
      this.transition(InviteServerState.Confirmed);
      this.startTimer('I', this.#ctx.reliable ? 0 : this.#ctx.timers.t4, () => this.transition(InviteServerState.Terminated));
      return 'absorbed';
    }
    // RFC 6026 §7.1: an ACK for the 2xx matching in Accepted is passed to the TU (dialog layer).
    if (this.state === InviteServerState.Accepted) return 'to-tu';
    return 'absorbed';
  }

  /** RFC 3261 §17.2.4: the response could not be sent. */
  transportError(): void {
    if (this.transition(InviteServerState.Terminated)) this.#user.onFailure?.('transport-error');
  }

  terminate(): void {
    this.transition(InviteServerState.Terminated);
  }
}
