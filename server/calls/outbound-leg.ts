// A leg towards one registered contact of the callee: Hailing is the UAC (RFC 3261 §13.2). The
// INVITE runs in a client transaction; aborting it sends CANCEL (§9.1); a 2xx makes the dialog,
// which is ACKed at once and for every retransmission of the 2xx (§13.2.2.4).
import { createRequest, getHeader, newCallId, newTag, parseCSeq, uacDialog } from '../sip/index.js';
import type { SipRequest, SipResponse } from '../sip/index.js';
import { Leg, type LegContext } from './leg.js';
import { ALLOW } from './allow.js';
import type { CallTarget } from './types.js';

export interface OutboundInvite {
  readonly target: CallTarget;
  /** From: the caller, as the callee's phone shows it */
  readonly from: string;
  /** To: the dialled AOR */
  readonly to: string;
  readonly maxForwards: number;
  readonly body: Uint8Array;
}

export class OutboundLeg extends Leg {
  readonly target: CallTarget;
  readonly sipCallId = newCallId();
  readonly #invite: SipRequest;
  readonly #abort = new AbortController();
  #wanted = true;

  constructor(ctx: LegContext, options: OutboundInvite) {
    super(ctx);
    this.target = options.target;
    this.#invite = createRequest({
      method: 'INVITE',
      uri: options.target.contact,
      headers: [
        ['From', `${options.from};tag=${newTag()}`],
        ['To', options.to],
        ['Call-ID', this.sipCallId],
        ['CSeq', '1 INVITE'],
        ['Max-Forwards', String(options.maxForwards)],
        ['Contact', ctx.contact],
        ['Allow', ALLOW],
        ['Content-Type', 'application/sdp'],
      ],
      body: options.body,
    });
  }

  /** Sends the INVITE; resolves with its final response (a local 408/503 when nothing came back). */
  async start(onProvisional: (response: SipResponse) => void): Promise<SipResponse> {
    const flow = this.target.flow;
    const response = await this.ctx.stack.request({
      request: this.#invite,
      to: flow,
      signal: this.#abort.signal,
      onProvisional,
      onAdditionalSuccess: (extra) => this.#ackExtra(extra),
    });
    this.sipStatus = response.status;
    if (response.status >= 200 && response.status < 300) {
      this.dialog = uacDialog({ invite: this.#invite, response, flow });
      this.answeredAt = this.ctx.clock.now();
      this.#ack(response);
      // a 2xx after we gave up on this leg (CANCEL crossed it, another fork won): end it at once
      if (!this.#wanted) void this.bye();
    }
    return response;
  }

  /** RFC 3261 §9.1: CANCEL once a provisional response arrived; the INVITE then ends 487. */
  cancel(): void {
    this.#wanted = false;
    this.#abort.abort();
  }

  get wanted(): boolean {
    return this.#wanted;
  }

  #ack(response: SipResponse): void {
    const dialog = uacDialog({ invite: this.#invite, response, flow: this.target.flow });
    const cseq = parseCSeq(getHeader(this.#invite, 'CSeq') ?? '');
    if (!dialog || !cseq.ok) return;
    void this.ctx.stack.sendAck({ request: dialog.ack(cseq.value.seq), to: dialog.flow }).catch((err: unknown) => {
      this.ctx.logger.warn({ leg: this.id, err: String(err) }, 'ACK not sent');
    });
    return;
  }

  /**
   * RFC 3261 §13.2.2.4: every 2xx is ACKed, retransmissions of ours again; a 2xx from a second
   * dialog (a downstream fork) is ACKed and then ended with BYE, since only one can be bridged.
   */
  #ackExtra(response: SipResponse): void {
    this.#ack(response);
    const mine = this.dialog && (getHeader(response, 'To') ?? '').includes(`tag=${this.dialog.remoteTag}`);
    if (mine) return;
    const stray = uacDialog({ invite: this.#invite, response, flow: this.target.flow });
    if (!stray) return;
    void this.ctx.stack.request({ request: stray.request({ method: 'BYE' }), to: stray.flow }).catch(() => undefined);
  }
}
