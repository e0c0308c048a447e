// Requests inside an answered call's dialogs (RFC 3261 §12.2.2), relayed to the other party: BYE
// ends both legs (a bridged callee's BYE only ends its bridge: the caller is Hailing's);
// re-INVITE and UPDATE carry new SDP both ways (hold and resume, RFC 3264 §8), or are answered by
// the party's own endpoint when Hailing anchors it (in-dialog-local.ts); INFO (DTMF, RFC 6086)
// passes through; ACK ends our 2xx retransmission.
import { getHeader } from '../sip/index.js';
import type { IncomingRequest } from '../sip/index.js';
import { CallState, type Call } from './call.js';
import { answerer, answerOfferHere, cseqOf, type FacingMedia, type RefreshAnswer } from './in-dialog-local.js';
import { handleEarly } from './early-dialog.js';
import { acceptLateAnswer } from './late-offer.js';
import type { CallSessionTimers } from './session-timers.js';
import { acceptAnswerOn } from './local-answer.js';
import { holds } from './party-hold.js';
import { offeredDirection, type Direction, type Side } from './call-media.js';
import { parseDtmfInfo } from './dtmf-info.js';
import { ALLOW } from './allow.js';
import type { CallObserver } from './observer.js';
import type { Leg } from './leg.js';

const other = (side: Side): Side => (side === 'caller' ? 'callee' : 'caller');
const RELAYED = new Set(['INFO', 'MESSAGE', 'NOTIFY']);

export interface InDialogRequest {
  readonly call: Call;
  /** the party that sent it */
  readonly side: Side;
  readonly request: IncomingRequest;
  /** our Contact towards that party */
  readonly contact: string;
  /** where a BYE's end is stored before the 200 (CallObserver.ended) */
  readonly observer: Pick<CallObserver, 'ended'>;
  /** the call's session timers (RFC 4028), when they are on */
  readonly sessions?: CallSessionTimers | undefined;
  /** REFER (RFC 3515): a transfer by the party (in-dialog-refer.ts); absent: 501 */
  readonly refer?: (o: { readonly call: Call; readonly side: Side; readonly request: IncomingRequest; readonly contact: string }) => Promise<void>;
  /** the call was joined to another by an attended transfer (attended-transfer.ts): re-offers are answered here, relays go across */
  readonly joined?: { readonly facing: FacingMedia | undefined; readonly peer: Leg | undefined };
}

export async function handleInDialog(o: InDialogRequest): Promise<void> {
  const { call, side, request, contact } = o;
  const leg = call.legOf(side);
  const method = request.message.method;
  if (!leg) return request.message.method === 'ACK' ? undefined : request.reply({ status: 481 });
  if (method === 'ACK') {
    const body = leg.receiveAck(request.message);
    const facing = call.facing(side);
    // the ACK of the 2xx that carried our offer: the offer is answered (or abandoned) now
    if (call.localOffers.get(side) === cseqOf(request.message)) call.localOffers.delete(side);
    // RFC 3264 §4: the answer to the offer we made in a 2xx to an offerless re-INVITE
    if (body && facing) facing.acceptAnswer(body);
    // RFC 3264 §4: the answer to the offer in our 2xx to an offerless INVITE (late-offer.ts)
    else if (body && side === 'caller' && acceptLateAnswer({ call, ack: request.message, body })) return;
    else if (body) call.bridge?.relay(side, body, 'answer');
    return;
  }
  // RFC 3261 §12.1.1: the caller's early dialog (PRACK, UPDATE before the answer)
  if (side === 'caller' && !call.inbound.answered) return handleEarly({ call, request });
  if (!leg.accept(request)) return;
  switch (method) {
    case 'PRACK':
      // RFC 3262 §3: a PRACK that crossed our 2xx is still answered
      request.reply({ status: side === 'caller' ? call.inbound.prack(request.message) : 481 });
      return;
    case 'BYE': {
      if (side === 'callee' && call.peerHangup()) {
        // the bridge ended ('peer-hangup'); the handler that bridged decides what the caller gets
        // next, and the default plan ends the call: its end is stored before the 200, as below
        await new Promise((resolve) => setImmediate(resolve));
        if (call.state === CallState.Ended) await o.observer.ended(call.snapshot());
        request.reply({ status: 200 });
        return;
      }
      // RFC 3261 §15.1.2: the UAS "SHOULD" answer 2xx and end the session. The 200 tells the phone
      // the call ended normally, so it goes out once that end is stored: a crash just after it
      // must not turn the call into an INTERRUPTED one. hangup() decides the end at once; the
      // media figures follow in the 'hangup' record.
      const ending = call.answered;
      const closing = call.hangup(side, 'normal-clearing');
      if (ending) await o.observer.ended(call.snapshot());
      request.reply({ status: 200 });
      await closing;
      return;
    }
    case 'INVITE':
    case 'UPDATE': {
      // RFC 4028 §9: every re-INVITE and UPDATE is a session refresh; 422 when its interval is too small
      const negotiated = o.sessions?.negotiate(request) ?? { kind: 'none' as const };
      if (negotiated.kind === 'reject') return request.reply({ status: negotiated.status, headers: negotiated.headers });
      const refresh: RefreshAnswer = { headers: negotiated.kind === 'accept' ? negotiated.headers : [], answered: () => o.sessions?.refreshed(side, negotiated) };
      const facing = call.facing(side) ?? o.joined?.facing ?? holdAnsweredHere(call, side, request.message.body);
      // a joined party's hold is not the call's party hold: the endpoint across from it in this
      // call is the departed transferor's, whose media timeout must stay off (attended-transfer.ts)
      if (facing) await answerOfferHere({ call, side, leg, request, contact, facing, refresh, ...(o.joined ? { partyDirection: () => undefined } : {}) });
      else await relayOffer({ call, side, request, contact, refresh });
      return;
    }
    case 'REFER':
      if (o.refer) await o.refer({ call, side, request, contact });
      else request.reply({ status: 501 });
      return;
    case 'OPTIONS':
      request.reply({ status: 200, headers: [{ name: 'Allow', value: ALLOW }] });
      return;
    default:
      if (!RELAYED.has(method)) {
        request.reply({ status: 501 });
        return;
      }
  }
  const peer = o.joined ? o.joined.peer : call.legOf(other(side));
  const contentType = getHeader(request.message, 'Content-Type');
  // RFC 6086: DTMF in INFO is reported like the media engine's digits, and still relayed
  const info = method === 'INFO' ? parseDtmfInfo(contentType, request.message.body) : null;
  if (info !== null) call.dtmf(side, info.digit, info.durationMs, 'info');
  const response = await peer?.send({ method, body: request.message.body, ...(contentType ? { contentType } : {}) });
  request.reply({ status: response?.status ?? 481, ...(response ? { reason: response.reason } : {}) });
}


/**
 * A two-party call's hold and resume are answered by the holder's own endpoint, as a PBX does:
 * the held party is sent no re-INVITE (a phone held by the other end stops playing what it
 * receives) and hears music on hold from the endpoint facing it (party-hold.ts). Other re-offers,
 * parties whose endpoint cannot answer by itself (SRTP, browsers) and holds of a browser are relayed.
 */
function holdAnsweredHere(call: Call, side: Side, offer: Uint8Array): FacingMedia | undefined {
  const media = call.bridge;
  if (call.state !== CallState.Answered || media === undefined || offer.length === 0 || !media.canAnswerHere(side)) return undefined;
  // a browser agent being held is still told (its softphone shows the remote hold, and hears the music as relayed media)
  if (media.endpoint(other(side)).kind !== 'rtp') return undefined;
  if (!holds(offeredDirection(offer)) && !call.partiesHolding.includes(side)) return undefined;
  return {
    answerReoffer: async (body) => media.answerReofferHere(side, body),
    lastSent: () => media.lastSent(side),
    acceptAnswer: (body) => acceptAnswerOn(media.endpoint(side), body),
  };
}

/** A target refresh with an offer: relayed to the other party, its answer relayed back. */
async function relayOffer(o: { readonly call: Call; readonly side: Side; readonly request: IncomingRequest; readonly contact: string; readonly refresh: RefreshAnswer }): Promise<void> {
  const { call, side, request, contact, refresh } = o;
  const media = call.bridge;
  const peer = call.legOf(other(side));
  const leg = call.legOf(side);
  if (!media || !peer || !leg || call.state !== CallState.Answered) {
    // RFC 3261 §14.2: a re-INVITE before the previous INVITE's final response → 500 with Retry-After
    request.reply({ status: 500, headers: [{ name: 'Retry-After', value: '1' }] });
    return;
  }
  // RFC 3261 §14.2 / RFC 3311 §5.2: an offer while one of ours is outstanding → 491
  if (call.offerPending) {
    request.reply({ status: 491 });
    return;
  }
  const answerWith = answerer({ call, leg, request, contact, refresh });
  let held = false;
  let offered: Direction = 'sendrecv';
  if (request.message.body.length === 0) {
    // RFC 3264 §8 / RFC 4028: an offerless re-INVITE (or a refresh UPDATE) is answered here with
    // the session as it stands; the other party need not hear of it
    answerWith(request.message.method === 'INVITE' ? media.lastSent(side) : undefined);
    return;
  }
  call.offerPending = true;
  let response;
  try {
    // a WebRTC leg renegotiates on its live session first (the browser's re-offer answered by
    // its endpoint, or a fresh offer of ours to a browser); werift refusing the SDP is a 488
    const ready = await media.prepareReoffer(side, request.message.body).then(
      () => true,
      () => false,
    );
    const offer = ready ? media.relay(side, request.message.body, 'offer') : undefined;
    if (!offer?.ok) {
      request.reply({ status: 488 });
      return;
    }
    held = offer.direction !== 'sendrecv';
    offered = offer.direction;
    response = await peer.send({ method: request.message.method, body: offer.body });
  } finally {
    call.offerPending = false;
  }
  if (!response || response.status < 200 || response.status >= 300) {
    const status = response?.status ?? 500;
    request.reply({ status, ...(response ? { reason: response.reason } : {}) });
    // RFC 3261 §12.2.1.2: 481 or 408 to a request in the dialog ends it
    if (status === 481 || status === 408) await call.hangup('system', `reinvite-${status}`);
    return;
  }
  const answer = response.body.length > 0 ? media.relay(other(side), response.body, 'answer') : undefined;
  if (answer && !answer.ok) {
    request.reply({ status: 500, reason: 'Unusable Answer' });
    return;
  }
  media.watch(!(held || (answer?.ok === true && answer.direction !== 'sendrecv')));
  answerWith(answer?.ok ? answer.body : undefined);
  call.partyDirection(side, offered);
}
