// The caller's leg: Hailing is the UAS of the caller's INVITE (RFC 3261 §13.3). Provisional and
// final responses go back through the INVITE's server transaction; a 2xx makes the dialog.
// Provisionals go reliably (RFC 3262) when the caller asks for it, and the 2xx carries the session
// timer negotiated at admission (RFC 4028 §9).
import { cseqNumber, getHeader, ReliableProvisionals, reliability, uasDialog } from '../sip/index.js';
import type { IncomingRequest, ReplyOptions, SipHeader, SipRequest } from '../sip/index.js';
import { allowOf, Leg, type LegContext } from './leg.js';
import { ALLOW, SUPPORTED } from './allow.js';

export class InboundLeg extends Leg {
  readonly request: IncomingRequest;
  #final = false;
  readonly #reliability: 'required' | 'supported' | 'none';
  #reliable: ReliableProvisionals | undefined;
  /** the 2xx's Session-Expires (and Require: timer), decided at admission (RFC 4028 §9) */
  sessionHeaders: readonly SipHeader[] = [];
  /** RFC 3262 §3: no PRACK for a reliable provisional within 64*T1 */
  onPrackTimeout: () => void = () => {};

  constructor(ctx: LegContext, request: IncomingRequest) {
    super(ctx);
    this.request = request;
    this.#reliability = reliability(request.message);
    this.peerAllow = allowOf(request.message);
  }

  get sipCallId(): string {
    return getHeader(this.request.message, 'Call-ID') ?? '';
  }

  /**
   * The caller's early dialog (RFC 3261 §12.1.1: a 1xx with our To tag makes one) has the key its
   * confirmed dialog will have, so PRACK and UPDATE reach the call before the answer.
   */
  override get dialogKey(): string | undefined {
    const tag = this.request.toTag?.();
    return super.dialogKey ?? (tag === undefined ? undefined : `${this.sipCallId}\n${tag}`);
  }

  get answered(): boolean {
    return this.#final;
  }

  /** RFC 3261 §13.3.1.1: ringing (180) or session progress (183, with early media SDP). */
  progress(status: number, reason: string | undefined, body: Uint8Array | undefined): void {
    if (this.#final) return;
    const reply = this.#withBody({ status, ...(reason ? { reason } : {}), headers: [{ name: 'Contact', value: this.ctx.contact }] }, body);
    const reliable = this.#reliability === 'required' || (this.#reliability === 'supported' && body !== undefined && body.length > 0);
    if (!reliable) return this.request.reply(reply);
    this.#reliable ??= new ReliableProvisionals({ clock: this.ctx.clock, timers: this.ctx.timers, inviteCseq: cseqNumber(this.request.message), onTimeout: () => this.onPrackTimeout() });
    this.#reliable.send((headers) => {
      if (!this.#final) this.request.reply({ ...reply, headers: [...(reply.headers ?? []), ...headers] });
    });
  }

  /** RFC 3262 §3: the caller's PRACK; 481 when it names no reliable provisional of ours */
  prack(request: SipRequest): number {
    return this.#reliable?.prack(request) === 'ok' ? 200 : 481;
  }

  /** RFC 3261 §13.3.1.4: the 2xx with our Contact and the answer; it creates the dialog (§12.1.1). */
  answer(body: Uint8Array | undefined, onAckTimeout: () => void): boolean {
    if (this.#final) return false;
    const localTag = this.request.toTag?.();
    if (localTag === undefined) return false;
    this.dialog = uasDialog({ invite: this.request.message, localTag, flow: this.request.flow });
    if (!this.dialog) return false;
    this.#final = true;
    this.#reliable?.stop();
    this.sipStatus = 200;
    this.answeredAt = this.ctx.clock.now();
    const headers: SipHeader[] = [
      { name: 'Contact', value: this.ctx.contact },
      { name: 'Allow', value: ALLOW },
      { name: 'Supported', value: SUPPORTED },
      ...this.sessionHeaders,
    ];
    this.answerInvite(this.request, this.#withBody({ status: 200, headers }, body), onAckTimeout);
    return true;
  }

  /** A final failure to the caller's INVITE (the transaction ACKs it itself, §17.2.1). */
  fail(status: number, reason?: string, headers?: readonly SipHeader[]): void {
    if (this.#final) return;
    this.#final = true;
    this.#reliable?.stop();
    this.sipStatus = status;
    this.request.reply({ status, ...(reason ? { reason } : {}), ...(headers ? { headers } : {}) });
  }

  override release(): void {
    this.#reliable?.stop();
    super.release();
  }

  #withBody(reply: ReplyOptions, body: Uint8Array | undefined): ReplyOptions {
    if (!body || body.length === 0) return reply;
    return { ...reply, headers: [...(reply.headers ?? []), { name: 'Content-Type', value: 'application/sdp' }], body };
  }
}
