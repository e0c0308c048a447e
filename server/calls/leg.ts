// What both kinds of leg share once a dialog exists (RFC 3261 §12-§15): requests sent in the
// dialog, INVITEs answered with 2xx retransmitted until their ACK (§13.3.1.4), and the BYE.
import { randomUUID } from 'node:crypto';
import { getHeader, getHeaderValues, parseCSeq, retransmitUntilAck } from '../sip/index.js';
import type { Clock, Dialog, IncomingRequest, Logger, ReplyOptions, SessionTimerPolicy, SipRequest, SipResponse, SipStack, TimerValues } from '../sip/index.js';

export interface LegContext {
  readonly stack: Pick<SipStack, 'request' | 'sendAck'>;
  readonly clock: Clock;
  readonly timers: TimerValues;
  readonly logger: Logger;
  /** our Contact towards this leg's party */
  readonly contact: string;
  /** RFC 4028: the session interval we ask for and the least we accept (absent: no session timers) */
  readonly sessionTimer?: SessionTimerPolicy;
}

const RELIABLE = new Set(['tcp', 'tls', 'ws', 'wss']);

/** RFC 3261 §20.5: the methods a message's Allow lists, upper-cased */
export const allowOf = (message: SipRequest | SipResponse): ReadonlySet<string> => new Set(getHeaderValues(message, 'Allow').map((m) => m.trim().toUpperCase()));

export abstract class Leg {
  readonly id = randomUUID();
  readonly startedAt: number;
  answeredAt: number | null = null;
  endedAt: number | null = null;
  /** the final status of this leg's initial INVITE */
  sipStatus: number | null = null;
  protected readonly ctx: LegContext;
  protected dialog: Dialog | undefined;
  /** CSeq of an INVITE we answered 2xx → stop its retransmission */
  readonly #awaitingAck = new Map<number, () => void>();
  #byeSent = false;
  /** RFC 3261 §20.5: the methods the peer's Allow listed (the caller's INVITE, the callee's 2xx) */
  protected peerAllow: ReadonlySet<string> = new Set();

  constructor(ctx: LegContext) {
    this.ctx = ctx;
    this.startedAt = ctx.clock.now();
  }

  /** whether the peer said it accepts `method` (RFC 3261 §20.5) */
  allows(method: string): boolean {
    return this.peerAllow.has(method.toUpperCase());
  }

  get established(): boolean {
    return this.dialog !== undefined;
  }

  /** the dialog's key in the call index: Call-ID and our tag (the To tag of the peer's requests) */
  get dialogKey(): string | undefined {
    return this.dialog ? `${this.dialog.callId}\n${this.dialog.localTag}` : undefined;
  }

  /** RFC 3261 §12.2.2: order check of the peer's request; 500 when it is stale. */
  accept(request: IncomingRequest): boolean {
    if (!this.dialog) return false;
    if (this.dialog.receive(request.message) === 'ok') return true;
    if (request.message.method !== 'ACK') request.reply({ status: 500, reason: 'CSeq Out Of Order' });
    return false;
  }

  /**
   * RFC 3261 §13.3.1.4: a 2xx to an INVITE is re-sent by us, not the transaction, until the ACK
   * comes; without an ACK after 64*T1 the dialog is ended (onAckTimeout).
   */
  answerInvite(request: IncomingRequest, reply: ReplyOptions, onAckTimeout: () => void): void {
    request.reply(reply);
    const cseq = parseCSeq(getHeader(request.message, 'CSeq') ?? '');
    if (!cseq.ok) return;
    this.#awaitingAck.get(cseq.value.seq)?.();
    const stop = retransmitUntilAck({
      clock: this.ctx.clock,
      timers: this.ctx.timers,
      reliable: RELIABLE.has(request.flow.protocol),
      resend: () => request.reply(reply),
      onAckTimeout: () => {
        this.#awaitingAck.delete(cseq.value.seq);
        this.ctx.logger.warn({ leg: this.id }, 'no ACK for our 2xx within 64*T1');
        onAckTimeout();
      },
    });
    this.#awaitingAck.set(cseq.value.seq, stop);
  }

  /** An ACK from the peer: ends the 2xx retransmission of its INVITE. Returns the ACK's body. */
  receiveAck(ack: SipRequest): Uint8Array | undefined {
    const cseq = parseCSeq(getHeader(ack, 'CSeq') ?? '');
    if (cseq.ok) {
      this.#awaitingAck.get(cseq.value.seq)?.();
      this.#awaitingAck.delete(cseq.value.seq);
    }
    return ack.body.length > 0 ? ack.body : undefined;
  }

  /**
   * A request in the dialog (re-INVITE, UPDATE, INFO, BYE). For an INVITE the 2xx is ACKed at once
   * (§13.2.2.4), and again for each retransmission of it.
   */
  async send(options: { readonly method: string; readonly body?: Uint8Array; readonly contentType?: string; readonly headers?: readonly [string, string][] }): Promise<SipResponse | undefined> {
    const dialog = this.dialog;
    if (!dialog) return undefined;
    const headers: [string, string][] = [...(options.headers ?? [])];
    if (options.method === 'INVITE' || options.method === 'UPDATE') headers.push(['Contact', this.ctx.contact]);
    if (options.body && options.body.length > 0) headers.push(['Content-Type', options.contentType ?? 'application/sdp']);
    const request = dialog.request({ method: options.method, headers, ...(options.body ? { body: options.body } : {}) });
    const cseq = parseCSeq(getHeader(request, 'CSeq') ?? '');
    const ack = () => {
      if (cseq.ok) void this.ctx.stack.sendAck({ request: dialog.ack(cseq.value.seq), to: dialog.flow }).catch(() => undefined);
    };
    const response = await this.ctx.stack.request({
      request,
      to: dialog.flow,
      ...(options.method === 'INVITE' ? { onAdditionalSuccess: ack } : {}),
    });
    if (options.method === 'INVITE' && response.status >= 200 && response.status < 300) {
      dialog.refreshTarget(response);
      ack();
    }
    return response;
  }

  /** RFC 3261 §15.1.1: BYE once per dialog; its answer does not matter to us. `reason`: RFC 3326 Reason value */
  async bye(reason?: string): Promise<void> {
    if (this.#byeSent || !this.dialog) return;
    this.#byeSent = true;
    const response = await this.send({ method: 'BYE', ...(reason ? { headers: [['Reason', reason]] as [string, string][] } : {}) }).catch(() => undefined);
    this.ctx.logger.debug({ leg: this.id, status: response?.status }, 'BYE answered');
  }

  /** stop every timer the leg holds (idempotent) */
  release(): void {
    for (const stop of this.#awaitingAck.values()) stop();
    this.#awaitingAck.clear();
    this.#byeSent = true;
  }
}
