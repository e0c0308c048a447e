// RFC 3261 §12 dialogs for the node-sip test UA (test/helpers/sip-ua.ts): the state both ends keep,
// requests within a dialog, the ACK of a 2xx (§13.2.2.4), and the UAS side's answers to requests
// that arrive in the dialog (BYE, re-INVITE, ...).
import { answerDirection, describeAudio, type Direction } from './rtp-peer.js';
import { uriText, type Aor, type SipMessage, type SipStack } from './node-sip.js';
import { deferred, Inbox, within } from './waiting.js';

interface DialogState {
  callId: string;
  localTag: string;
  remoteTag: string;
  localAor: Aor;
  remoteAor: Aor;
  remoteTarget: string;
  /** §12.1.1: the UAS keeps Record-Route in order; §12.1.2: the UAC reverses it */
  routeSet: Aor[];
}
export interface DialogContext {
  stack: SipStack;
  contact: string;
  sdpFor: (d: Direction, version: number) => string;
}

/**
 * RFC 3261 §12: the state both ends keep for a dialog, and the requests sent within it. The UAS
 * answers re-INVITEs itself: RFC 3264 §6.1 direction mirrored (sendonly offered → recvonly answered).
 */
export class Dialog {
  /** the ACK of the 2xx that set up the dialog (UAS side) */
  readonly acked = deferred<SipMessage>();
  /** a BYE from the far end */
  readonly bye = deferred<SipMessage>();
  /** re-INVITEs received, each answered already */
  readonly reinvites = new Inbox<SipMessage>();
  /** INFO requests received (RFC 6086), each answered 200 already */
  readonly infos = new Inbox<SipMessage>();
  /** NOTIFY requests received (a REFER's implicit subscription, RFC 3515 §2.4.4), each answered 200 already */
  readonly notifies = new Inbox<SipMessage>();
  #localSeq: number;
  #sdpVersion = 1;
  #acks = new Map<number, SipMessage>();
  #closed = false;

  constructor(
    readonly state: Readonly<DialogState>,
    private readonly context: DialogContext,
    localSeq: number,
  ) {
    this.#localSeq = localSeq;
  }

  get callId(): string {
    return this.state.callId;
  }

  nextSdpVersion(): number {
    return ++this.#sdpVersion; // RFC 3264 §8: each new offer or answer increments o= version
  }

  #headers(method: string, seq: number): SipMessage['headers'] {
    const { localAor, remoteAor, localTag, remoteTag, routeSet } = this.state;
    return {
      to: { ...remoteAor, params: { tag: remoteTag } },
      from: { ...localAor, params: { tag: localTag } },
      'call-id': this.callId,
      cseq: { method, seq },
      'max-forwards': 70,
      // node-sip shifts the Route list it is given: hand it a copy
      ...(routeSet.length ? { route: routeSet.map((r) => ({ ...r })) } : {}),
    };
  }

  /** a response to `rq` carrying our tag (and Contact on 1xx/2xx to INVITE, §12.1.1) */
  response(rq: SipMessage, status: number, reason: string, content?: string): SipMessage {
    const to = rq.headers.to ?? { uri: '', params: {} };
    return {
      status,
      reason,
      headers: {
        via: rq.headers.via,
        to: { ...to, params: { ...to.params, tag: this.state.localTag } },
        from: rq.headers.from,
        'call-id': rq.headers['call-id'],
        cseq: rq.headers.cseq,
        ...(rq.method === 'INVITE' && status < 300 && status > 100 ? { contact: [{ uri: this.context.contact, params: {} }] } : {}),
        ...(content ? { 'content-type': 'application/sdp' } : {}),
      },
      ...(content ? { content } : {}),
    };
  }

  /** RFC 3261 §13.2.2.4: ACK for a 2xx, CSeq number of the INVITE; the same ACK again for a retransmitted 2xx. `content`: an SDP answer (RFC 3264 §4) */
  ack(seq: number, content?: string): void {
    let m = this.#acks.get(seq);
    if (!m) {
      m = { method: 'ACK', uri: this.state.remoteTarget, headers: { via: [], ...this.#headers('ACK', seq), ...(content ? { 'content-type': 'application/sdp' } : {}) }, ...(content ? { content } : {}) };
      this.#acks.set(seq, m);
    }
    if (!this.#closed) this.context.stack.send(m);
  }

  /** a request within the dialog (§12.2.1.1); resolves with its final response. A body is SDP unless `contentType` says otherwise; `extra`: more headers in node-sip's form */
  request(method: string, content?: string, contentType = 'application/sdp', extra: Record<string, string> = {}): Promise<SipMessage> {
    const seq = ++this.#localSeq;
    const headers = { ...this.#headers(method, seq), ...extra };
    // RFC 3515 §2.1: a REFER, like an INVITE, carries the Contact of the dialog's usage
    if (method === 'INVITE' || method === 'REFER') headers.contact = [{ uri: this.context.contact, params: {} }];
    if (content) headers['content-type'] = contentType;
    const m: SipMessage = { method, uri: this.state.remoteTarget, headers, ...(content ? { content } : {}) };
    return within(
      new Promise<SipMessage>((resolve) =>
        this.context.stack.send(m, (rs) => {
          const status = rs.status ?? 0;
          if (method === 'INVITE' && status >= 200 && status < 300) this.ack(seq);
          if (status >= 200) resolve(rs);
        }),
      ),
      10_000,
      `the final response to ${method} in dialog ${this.callId}`,
    );
  }

  /** RFC 3261 §15.1.1 */
  sendBye(): Promise<SipMessage> {
    return this.request('BYE');
  }

  /** RFC 3264 §8.4: a re-INVITE offering `direction` (hold: sendonly; resume: sendrecv) */
  reinvite(direction: Direction): Promise<SipMessage> {
    return this.request('INVITE', this.context.sdpFor(direction, this.nextSdpVersion()));
  }

  onRequest(rq: SipMessage): void {
    const stack = this.context.stack;
    switch (rq.method) {
      case 'ACK':
        if (!this.acked.settled) this.acked.resolve(rq);
        return;
      case 'BYE':
        // RFC 3261 §15.1.2: a UAS receiving BYE answers 2xx and ends the session
        stack.send(this.response(rq, 200, 'OK'));
        if (!this.bye.settled) this.bye.resolve(rq);
        return;
      case 'INVITE': {
        const offer = describeAudio(rq.content);
        const direction = typeof offer === 'string' ? 'sendrecv' : answerDirection(offer.direction);
        stack.send(this.response(rq, 200, 'OK', this.context.sdpFor(direction, this.nextSdpVersion())));
        this.reinvites.push(rq);
        return;
      }
      case 'INFO':
        stack.send(this.response(rq, 200, 'OK'));
        this.infos.push(rq);
        return;
      case 'NOTIFY':
        stack.send(this.response(rq, 200, 'OK'));
        this.notifies.push(rq);
        return;
      case 'OPTIONS':
      case 'UPDATE':
        stack.send(this.response(rq, 200, 'OK'));
        return;
      default:
        stack.send(this.response(rq, 501, 'Not Implemented'));
    }
  }

  close(): void {
    this.#closed = true;
  }
}

const NO_AOR: Aor = { uri: '', params: {} };

/** RFC 3261 §12.1.2: the UAC's dialog from its INVITE and the 2xx that answered it */
export function dialogFromResponse(c: DialogContext, invite: SipMessage, response: SipMessage): Dialog {
  const rs = response.headers;
  const state = {
    callId: rs['call-id'] ?? '',
    localAor: invite.headers.from ?? NO_AOR,
    remoteAor: rs.to ?? NO_AOR,
    localTag: invite.headers.from?.params.tag ?? '',
    remoteTag: rs.to?.params.tag ?? '',
    remoteTarget: uriText(rs.contact?.[0]?.uri ?? invite.uri ?? ''),
    routeSet: [...(rs['record-route'] ?? [])].reverse(),
  };
  return new Dialog(state, c, invite.headers.cseq?.seq ?? 1);
}

/** RFC 3261 §12.1.1: the UAS's dialog from the INVITE it answers with `localTag` */
export function dialogFromRequest(c: DialogContext, invite: SipMessage, localTag: string): Dialog {
  const rq = invite.headers;
  const state = {
    callId: rq['call-id'] ?? '',
    localAor: rq.to ?? NO_AOR,
    remoteAor: rq.from ?? NO_AOR,
    localTag,
    remoteTag: rq.from?.params.tag ?? '',
    remoteTarget: uriText(rq.contact?.[0]?.uri ?? ''),
    routeSet: [...(rq['record-route'] ?? [])],
  };
  return new Dialog(state, c, 0);
}
