// The caller's leg: Hailing is the UAS of the caller's INVITE (RFC 3261 §13.3). Provisional and
// final responses go back through the INVITE's server transaction; a 2xx makes the dialog.
import { getHeader, uasDialog } from '../sip/index.js';
import type { IncomingRequest, ReplyOptions, SipHeader } from '../sip/index.js';
import { Leg, type LegContext } from './leg.js';
import { ALLOW } from './allow.js';

export class InboundLeg extends Leg {
  readonly request: IncomingRequest;
  #final = false;

  constructor(ctx: LegContext, request: IncomingRequest) {
    super(ctx);
    this.request = request;
  }

  get sipCallId(): string {
    return getHeader(this.request.message, 'Call-ID') ?? '';
  }

  get answered(): boolean {
    return this.#final;
  }

  /** RFC 3261 §13.3.1.1: ringing (180) or session progress (183, with early media SDP). */
  progress(status: number, reason: string | undefined, body: Uint8Array | undefined): void {
    if (this.#final) return;
    this.request.reply(this.#withBody({ status, ...(reason ? { reason } : {}), headers: [{ name: 'Contact', value: this.ctx.contact }] }, body));
  }

  /** RFC 3261 §13.3.1.4: the 2xx with our Contact and the answer; it creates the dialog (§12.1.1). */
  answer(body: Uint8Array | undefined, onAckTimeout: () => void): boolean {
    if (this.#final) return false;
    const localTag = this.request.toTag?.();
    if (localTag === undefined) return false;
    this.dialog = uasDialog({ invite: this.request.message, localTag, flow: this.request.flow });
    if (!this.dialog) return false;
    this.#final = true;
    this.sipStatus = 200;
    this.answeredAt = this.ctx.clock.now();
    const headers: SipHeader[] = [
      { name: 'Contact', value: this.ctx.contact },
      { name: 'Allow', value: ALLOW },
    ];
    this.answerInvite(this.request, this.#withBody({ status: 200, headers }, body), onAckTimeout);
    return true;
  }

  /** A final failure to the caller's INVITE (the transaction ACKs it itself, §17.2.1). */
  fail(status: number, reason?: string, headers?: readonly SipHeader[]): void {
    if (this.#final) return;
    this.#final = true;
    this.sipStatus = status;
    this.request.reply({ status, ...(reason ? { reason } : {}), ...(headers ? { headers } : {}) });
  }

  #withBody(reply: ReplyOptions, body: Uint8Array | undefined): ReplyOptions {
    if (!body || body.length === 0) return reply;
    return { ...reply, headers: [...(reply.headers ?? []), { name: 'Content-Type', value: 'application/sdp' }], body };
  }
}
