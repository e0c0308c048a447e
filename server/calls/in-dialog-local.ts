// Offers in the dialog of a party whose endpoint Hailing anchors (the caller of a call answered
// here or picked up, a callee bridged to such a caller): the party's own endpoint answers them
// (RFC 3264 §8), nothing is relayed, and the other party is not disturbed. Hold (a=sendonly or
// a=inactive) gets the mirrored direction back (RFC 3264 §6.1, RFC 6337 §5.3); a new address
// moves where the endpoint sends.
import { getHeader, parseCSeq } from '../sip/index.js';
import type { IncomingRequest, ReplyOptions, SipHeader, SipRequest } from '../sip/index.js';
import type { Call } from './call.js';
import type { Direction, SdpRelay, Side } from './call-media.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';

/** The endpoint facing one party, able to answer that party's offers itself. */
export interface FacingMedia {
  answerReoffer(offer: Uint8Array): Promise<SdpRelay>;
  /** what it last sent that party (the session as it stands) */
  lastSent(): Uint8Array | undefined;
  /** RFC 3264 §4: the party's answer (in an ACK) to the offer our 2xx made */
  acceptAnswer(body: Uint8Array): void;
  /** the party's own SDP as last seen (its offer, or its answer to ours): what a bridge from here relays */
  partySdp?(): Uint8Array | undefined;
}

/** the request's CSeq number (an ACK carries its INVITE's, RFC 3261 §17.1.1.3) */
export const cseqOf = (message: SipRequest): number => {
  const cseq = parseCSeq(getHeader(message, 'CSeq') ?? '');
  return cseq.ok ? cseq.value.seq : -1;
};

/** what a 2xx to a session refresh adds (RFC 4028 §9: Session-Expires, Require: timer), and who hears of it */
export interface RefreshAnswer {
  readonly headers: readonly SipHeader[];
  answered(): void;
}

/** the 2xx to a re-INVITE is ours to retransmit until its ACK (RFC 3261 §13.3.1.4); an UPDATE's is not */
export function answerer(o: { readonly call: Call; readonly leg: InboundLeg | OutboundLeg; readonly request: IncomingRequest; readonly contact: string; readonly refresh?: RefreshAnswer | undefined }) {
  const isInvite = o.request.message.method === 'INVITE';
  return (body: Uint8Array | undefined, status = 200): void => {
    const reply: ReplyOptions = {
      status,
      headers: [{ name: 'Contact', value: o.contact }, ...(status < 300 ? (o.refresh?.headers ?? []) : []), ...(body ? [{ name: 'Content-Type', value: 'application/sdp' }] : [])],
      ...(body ? { body } : {}),
    };
    if (isInvite) o.leg.answerInvite(o.request, reply, () => void o.call.hangup('system', 'ack-timeout'));
    else o.request.reply(reply);
    if (status < 300) o.refresh?.answered();
  };
}

export async function answerOfferHere(o: { readonly call: Call; readonly side: Side; readonly leg: InboundLeg | OutboundLeg; readonly request: IncomingRequest; readonly contact: string; readonly facing: FacingMedia; readonly refresh?: RefreshAnswer | undefined; readonly partyDirection?: ((side: Side, direction: Direction) => void) | undefined }): Promise<void> {
  const { call, side, request } = o;
  const isInvite = request.message.method === 'INVITE';
  const offer = request.message.body;
  const answer = answerer(o);
  // RFC 3261 §14.2, RFC 3311 §5.2: an offer while one of ours is outstanding in this dialog → 491
  if (offer.length > 0 && call.localOffers.has(side)) return request.reply({ status: 491 });
  if (offer.length === 0) {
    // RFC 3264 §8 / RFC 3261 §14.1: an offerless re-INVITE gets the session as it stands as our
    // offer in the 2xx, answered in the ACK; an UPDATE without SDP is a session refresh (RFC 4028)
    const ours = isInvite ? o.facing.lastSent() : undefined;
    if (ours !== undefined) call.localOffers.set(side, cseqOf(request.message));
    return answer(ours);
  }
  call.localOffers.set(side, 0);
  let answered: SdpRelay;
  try {
    answered = await o.facing.answerReoffer(offer).catch((): SdpRelay => ({ ok: false, error: 'bad-sdp' }));
  } finally {
    call.localOffers.delete(side);
  }
  // RFC 3261 §21.4.26: an offer we cannot answer; the session goes on as it was
  if (!answered.ok) return request.reply({ status: 488 });
  call.events.emit('media', { kind: 'direction', side, direction: answered.direction });
  answer(answered.body);
  // the endpoints answering here report the direction the party offered (local-answer.ts)
  (o.partyDirection ?? ((s, d) => call.partyDirection(s, d)))(side, answered.direction);
}
