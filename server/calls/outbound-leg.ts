// A leg towards one registered contact of the callee: Hailing is the UAC (RFC 3261 §13.2). The
// INVITE runs in a client transaction; aborting it sends CANCEL (§9.1); a 2xx makes the dialog,
// which is ACKed at once and for every retransmission of the 2xx (§13.2.2.4).
import { answerChallenge, createRequest, createResponse, cseqNumber, getHeader, newCallId, newTag, optionTags, parseCSeq, parseMinSe, readResponse, requestHeaders, tagOf, uacDialog } from '../sip/index.js';
import type { Dialog, Refresher, SipRequest, SipResponse } from '../sip/index.js';
import { allowOf, Leg, type LegContext } from './leg.js';
import { ALLOW, SUPPORTED } from './allow.js';
import type { CallTarget } from './types.js';

export interface OutboundInvite {
  readonly target: CallTarget;
  /** From: the caller, as the callee's phone shows it */
  readonly from: string;
  /** To: the dialled AOR */
  readonly to: string;
  readonly maxForwards: number;
  readonly body: Uint8Array;
  /** more headers for the INVITE (a carrier's P-Asserted-Identity, Remote-Party-ID) */
  readonly headers?: readonly (readonly [string, string])[];
  /** answer one 401/407 challenge with these (a carrier trunk, RFC 3261 §22.2) */
  readonly credentials?: { readonly username: string; readonly password: string };
  /**
   * give up when nothing at all (not even 100 Trying) came back this long: the start resolves
   * with a local 408 so that the caller may try elsewhere at once instead of after Timer B (32 s)
   */
  readonly setupTimeoutMs?: number;
}

export class OutboundLeg extends Leg {
  readonly target: CallTarget;
  readonly sipCallId = newCallId();
  #invite: SipRequest;
  readonly #headers: [string, string][];
  readonly #options: OutboundInvite;
  readonly #abort = new AbortController();
  #wanted = true;
  /** the setup timer fired: a late 2xx is ACKed and ended with BYE */
  #gaveUp = false;
  /** RFC 3262 §4: each early dialog (by the callee's To tag) PRACKs in, and the last RSeq it acknowledged */
  readonly #early = new Map<string, { dialog: Dialog; lastRSeq: number | undefined }>();
  /** RFC 4028 §7.1: the Session-Expires our INVITE asks for (raised by a 422's Min-SE, §7.3) */
  #sessionInterval: number | undefined;
  /** RFC 4028 §7.2: the session timer the callee's 2xx set, if any ('uac' is us) */
  session: { readonly interval: number; readonly refresher: Refresher } | undefined;

  constructor(ctx: LegContext, options: OutboundInvite) {
    super(ctx);
    this.target = options.target;
    this.#options = options;
    this.#headers = [
      ['From', `${options.from};tag=${newTag()}`],
      ['To', options.to],
      ['Call-ID', this.sipCallId],
      ['Max-Forwards', String(options.maxForwards)],
      ['Contact', ctx.contact],
      ['Allow', ALLOW],
      ['Supported', SUPPORTED],
      ...(options.headers ?? []).map(([n, v]): [string, string] => [n, v]),
      ['Content-Type', 'application/sdp'],
    ];
    this.#sessionInterval = ctx.sessionTimer?.interval;
    this.#invite = this.#build(1, undefined);
  }

  #build(cseq: number, auth: readonly [string, string] | undefined): SipRequest {
    const policy = this.ctx.sessionTimer;
    const session = policy && this.#sessionInterval !== undefined ? requestHeaders({ interval: this.#sessionInterval, minSe: policy.minSe }).map((h): [string, string] => [h.name, h.value]) : [];
    return createRequest({ method: 'INVITE', uri: this.target.contact, headers: [...this.#headers, ...session, ['CSeq', `${cseq} INVITE`], ...(auth ? [[auth[0], auth[1]] as [string, string]] : [])], body: this.#options.body });
  }

  /** Sends the INVITE; resolves with its final response (a local 408/503 when nothing came back). */
  async start(onProvisional: (response: SipResponse) => void): Promise<SipResponse> {
    let response = await this.#send(onProvisional);
    const credentials = this.#options.credentials;
    if ((response.status === 401 || response.status === 407) && credentials && this.#wanted) {
      // RFC 3261 §22.2: the same request again with credentials, CSeq one higher (§8.1.3.5)
      const answer = answerChallenge({ response, method: 'INVITE', uri: this.target.contact, credentials });
      if (answer) {
        this.#invite = this.#build(2, [answer.header, answer.value]);
        response = await this.#send(onProvisional);
      }
    }
    const minSe = response.status === 422 ? parseMinSe(getHeader(response, 'Min-SE')) : undefined;
    if (minSe !== undefined && this.#sessionInterval !== undefined && minSe > this.#sessionInterval && this.#wanted) {
      // RFC 4028 §7.3: a 422 "MUST" be retried with a Session-Expires of at least its Min-SE
      this.#sessionInterval = minSe;
      this.#invite = this.#build(cseqNumber(this.#invite) + 1, this.#authOf(this.#invite));
      response = await this.#send(onProvisional);
    }
    this.sipStatus = response.status;
    if (response.status >= 200 && response.status < 300) {
      const early = this.#early.get(tagOf(getHeader(response, 'To')) ?? '');
      // RFC 3262 §4: the early dialog the PRACKs went in becomes the confirmed one (its CSeq goes on)
      if (early) early.dialog.refreshTarget(response);
      this.dialog = early?.dialog ?? uacDialog({ invite: this.#invite, response, flow: this.target.flow });
      this.peerAllow = allowOf(response);
      if (this.ctx.sessionTimer) this.session = readResponse(response);
      this.answeredAt = this.ctx.clock.now();
      this.#ack(response);
      // a 2xx after we gave up on this leg (CANCEL crossed it, another fork won): end it at once
      if (!this.#wanted) void this.bye();
    }
    return response;
  }

  /** one INVITE transaction, given up (local 408) when the setup timer fires before any response */
  #send(onProvisional: (response: SipResponse) => void): Promise<SipResponse> {
    let heard = false;
    const invite = this.#invite;
    const sent = this.ctx.stack.request({
      request: invite,
      to: this.target.flow,
      signal: this.#abort.signal,
      onProvisional: (r) => {
        heard = true;
        this.#prack(r, invite);
        if (!this.#gaveUp) onProvisional(r);
      },
      onAdditionalSuccess: (extra) => this.#ackExtra(extra),
    });
    const limit = this.#options.setupTimeoutMs;
    if (limit === undefined) return sent;
    return new Promise((resolve) => {
      const timer = this.ctx.clock.setTimeout(() => {
        if (heard) return;
        this.#gaveUp = true;
        // RFC 3261 §9.1: a CANCEL goes out if a provisional still comes (the client transaction sends it)
        this.#abort.abort();
        resolve(createResponse(invite, { status: 408, reason: 'No Response From Trunk' }));
      }, limit);
      void sent.then((r) => {
        this.ctx.clock.clearTimeout(timer);
        if (!this.#gaveUp) return resolve(r);
        // the carrier answered after we moved on: confirm and end that dialog at once
        if (r.status >= 200 && r.status < 300) {
          const late = uacDialog({ invite, response: r, flow: this.target.flow });
          const cseq = parseCSeq(getHeader(invite, 'CSeq') ?? '');
          if (late && cseq.ok) {
            void this.ctx.stack.sendAck({ request: late.ack(cseq.value.seq), to: late.flow }).catch(() => undefined);
            void this.ctx.stack.request({ request: late.request({ method: 'BYE' }), to: late.flow }).catch(() => undefined);
          }
        }
      });
    });
  }

  /** the credentials header of a request we built (kept when the INVITE is re-sent after a 422) */
  #authOf(request: SipRequest): readonly [string, string] | undefined {
    for (const name of ['Authorization', 'Proxy-Authorization']) {
      const value = getHeader(request, name);
      if (value !== undefined) return [name, value];
    }
    return undefined;
  }

  /**
   * RFC 3262 §4: a reliable provisional (Require: 100rel with an RSeq) is acknowledged with a PRACK
   * in its early dialog, RAck naming its RSeq and the INVITE's CSeq; a response whose RSeq is not
   * above the last one acknowledged is a retransmission and gets none (our PRACK's own transaction
   * retransmits it).
   */
  #prack(response: SipResponse, invite: SipRequest): void {
    if (response.status <= 100 || !optionTags(response, 'Require').has('100rel')) return;
    const rseq = Number(getHeader(response, 'RSeq') ?? 'x');
    const tag = tagOf(getHeader(response, 'To'));
    if (!Number.isSafeInteger(rseq) || rseq <= 0 || tag === undefined) return;
    let early = this.#early.get(tag);
    if (!early) {
      const dialog = uacDialog({ invite, response, flow: this.target.flow });
      if (!dialog) return;
      early = { dialog, lastRSeq: undefined };
      this.#early.set(tag, early);
    }
    if (early.lastRSeq !== undefined && rseq <= early.lastRSeq) return;
    early.lastRSeq = rseq;
    early.dialog.refreshTarget(response);
    const prack = early.dialog.request({ method: 'PRACK', headers: [['RAck', `${rseq} ${cseqNumber(invite)} INVITE`]] });
    void this.ctx.stack.request({ request: prack, to: early.dialog.flow }).then(
      (r) => this.ctx.logger.debug({ leg: this.id, status: r.status }, 'PRACK answered'),
      () => undefined,
    );
  }

  /** RFC 3261 §9.1: CANCEL once a provisional response arrived; the INVITE then ends 487. `reason`: RFC 3326 Reason for the CANCEL */
  cancel(reason?: string): void {
    this.#wanted = false;
    this.#abort.abort(reason);
  }

  /** To: the dialled AOR (which extension this fork rings, for lamps) */
  get to(): string {
    return this.#options.to;
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
