// The UAS side of the node-sip test UA (test/helpers/sip-ua.ts) for new INVITEs: each becomes an
// IncomingCall that a test, or the UA's script, rings, answers or rejects. Answering CANCEL (RFC
// 3261 §9.2) and retransmitting our own 2xx until its ACK arrives (§13.3.1.4) happen here.
import { answerDirection, describeAudio, type Direction } from './rtp-peer.js';
import { randomToken, sip, type SipMessage, type SipStack } from './node-sip.js';
import { dialogFromRequest, type Dialog } from './sip-dialog.js';
import { deferred, Inbox, type Deferred } from './waiting.js';

/** How the UA answers a new incoming INVITE. */
export type IncomingScript =
  | { kind: 'ring' } // 180, then wait (for a CANCEL or the test)
  | { kind: 'answer'; afterMs?: number } // 180, then 200 with SDP
  | { kind: 'reject'; status: number; reason?: string }; // a final error at once

export interface IncomingCall {
  readonly invite: SipMessage;
  readonly dialog: Dialog;
  readonly cancel: Promise<SipMessage>;
  readonly ack: Promise<SipMessage>;
  /** the final status this UA sent (set once sent) */
  finalStatus(): number | undefined;
  ring(): void;
  /** 183 Session Progress with our SDP (early media, RFC 3261 §13.3.1.1); a later 200 repeats that SDP (RFC 6337 §3.1) */
  progress(): void;
  answer(): void;
  reject(status: number, reason?: string): void;
}

export interface IncomingCallsOptions {
  stack: SipStack;
  /** our Contact URI for a call to `user` */
  contact: (user: string) => string;
  sdpFor: (d: Direction, version: number) => string;
  /** runs `fn` after `ms` unless the UA closes first */
  later: (ms: number, fn: () => void) => void;
  closed: () => boolean;
  /** read per INVITE: a test may change the UA's script between calls */
  script: () => IncomingScript;
  /** an answered call's dialog, from then on routed in-dialog requests by Call-ID */
  onAnswer: (callId: string, dialog: Dialog) => void;
}

interface Pending {
  cancelled: Deferred<SipMessage>;
  respond(status: number, reason: string): void;
}

/** The INVITEs without a To tag that reached the UA, and those still unanswered. */
export class IncomingCalls {
  readonly inbox = new Inbox<IncomingCall>();
  #pending = new Map<string, Pending>();

  constructor(private readonly o: IncomingCallsOptions) {}

  /** RFC 3261 §9.2: 200 to the CANCEL; the INVITE, if still unanswered, gets 487 */
  cancel(rq: SipMessage): void {
    const p = this.#pending.get(rq.headers['call-id'] ?? '');
    this.o.stack.send(sip.makeResponse(rq, p ? 200 : 481, p ? 'OK' : 'Call/Transaction Does Not Exist'));
    if (p) {
      p.cancelled.resolve(rq);
      p.respond(487, 'Request Terminated');
    }
  }

  invite(invite: SipMessage): void {
    const { stack, sdpFor, later, closed } = this.o;
    const callId = invite.headers['call-id'] ?? '';
    const toUser = /^sips?:([^@;]+)@/.exec(invite.uri ?? '')?.[1] ?? 'ua';
    const dialog = dialogFromRequest({ stack, contact: this.o.contact(toUser), sdpFor }, invite, randomToken());
    const cancelled = deferred<SipMessage>();
    let final: number | undefined;
    let earlySdp: string | undefined;
    const respond = (status: number, reason: string, content?: string) => {
      if (final !== undefined) return;
      if (status >= 200) {
        final = status;
        this.#pending.delete(callId);
      }
      const rs = dialog.response(invite, status, reason, content);
      stack.send(rs);
      // RFC 3261 §13.3.1.4: the UAS core retransmits its 2xx until the ACK arrives (T1 doubling;
      // stopped after 3.5 s rather than 64*T1, which is plenty on loopback and keeps teardown short)
      if (status >= 200 && status < 300) {
        const resend = (t: number) =>
          later(t, () => {
            if (!dialog.acked.settled && t < 4000 && !closed()) {
              stack.send(rs);
              resend(t * 2);
            }
          });
        resend(500);
      }
    };
    const answeredDirection = () => {
      const offer = describeAudio(invite.content);
      return typeof offer === 'string' ? 'sendrecv' : answerDirection(offer.direction);
    };
    const call: IncomingCall = {
      invite,
      dialog,
      cancel: cancelled.promise,
      ack: dialog.acked.promise,
      finalStatus: () => final,
      ring: () => respond(180, 'Ringing'),
      progress: () => {
        earlySdp ??= sdpFor(answeredDirection(), dialog.nextSdpVersion());
        respond(183, 'Session Progress', earlySdp);
      },
      answer: () => {
        this.o.onAnswer(callId, dialog);
        respond(200, 'OK', earlySdp ?? sdpFor(answeredDirection(), dialog.nextSdpVersion()));
      },
      reject: (status, reason = 'Rejected') => respond(status, reason),
    };
    this.#pending.set(callId, { cancelled, respond });
    this.inbox.push(call);
    const script = this.o.script();
    if (script.kind === 'reject') return call.reject(script.status, script.reason ?? 'Busy Here');
    call.ring();
    if (script.kind === 'answer') later(script.afterMs ?? 0, () => call.answer());
  }
}
