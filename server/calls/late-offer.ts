// Late offer (RFC 3261 §13.2.1, RFC 3264 §4): an INVITE without SDP leaves the offer to us, in the
// 2xx, and the caller answers in its ACK. Hailing anchors the caller's media, so the offer is ours to
// make: a placeholder stands in for the caller's missing offer (the codecs every phone speaks, its
// SIP source as address and the discard port 9, as RFC 6337 §5.2's "no media yet" examples do),
// the usual relay or local answer turns it into the SDP our 2xx offers, and the ACK's answer points
// the caller's endpoint at the caller.
import { getHeader, parseCSeq } from '../sip/index.js';
import type { SipRequest } from '../sip/index.js';
import type { Call } from './call.js';
import { acceptAnswerOn } from './local-answer.js';

/** whether the caller's INVITE left the offer to us */
export const isLateOffer = (invite: SipRequest): boolean => invite.body.length === 0;

/**
 * What stands for the caller's offer: the INVITE's own SDP; for a late offer the SDP the caller
 * answered in its ACK when the call is anchored here already, else a placeholder at `source`.
 */
export function callerSdp(o: { readonly call: Call; readonly source: string }): Uint8Array {
  const invite = o.call.inbound.request.message;
  if (!isLateOffer(invite)) return invite.body;
  return o.call.facing('caller')?.partySdp?.() ?? placeholderOffer(o.source);
}

/** PCMU, PCMA and RFC 4733 events at `address`, port 9 (RFC 863 discard: nothing is sent before the answer) */
export function placeholderOffer(address: string): Uint8Array {
  const family = address.includes(':') ? 'IP6' : 'IP4';
  const sdp = ['v=0', `o=- 0 0 IN ${family} ${address}`, 's=-', `c=IN ${family} ${address}`, 't=0 0', 'm=audio 9 RTP/AVP 0 8 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=sendrecv', ''];
  return new Uint8Array(Buffer.from(sdp.join('\r\n'), 'utf8'));
}

/**
 * The caller's ACK of the 2xx to its offerless INVITE (same CSeq number, RFC 3261 §17.1.1.3)
 * carries its answer to our offer (RFC 3264 §4): the relay's caller endpoint sends where it says.
 * True when the ACK was that one.
 */
export function acceptLateAnswer(o: { readonly call: Call; readonly ack: SipRequest; readonly body: Uint8Array }): boolean {
  const invite = o.call.inbound.request.message;
  const seq = (m: SipRequest) => {
    const cseq = parseCSeq(getHeader(m, 'CSeq') ?? '');
    return cseq.ok ? cseq.value.seq : -1;
  };
  if (!isLateOffer(invite) || seq(o.ack) !== seq(invite)) return false;
  const media = o.call.bridge;
  if (media) acceptAnswerOn(media.endpoint('caller'), o.body);
  return true;
}
