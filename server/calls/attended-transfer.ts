// Attended transfer (RFC 5589 §7) in a B2BUA: the transferor B is in two calls through Hailing
// (A–B and B–C, each a Call of its own, B on either side of either) and asks, by a REFER whose
// Refer-To carries Replaces (RFC 3891) naming its other dialog, that A and C talk. A phone would
// send C an INVITE with Replaces; Hailing anchors every party's media, so it joins the two calls
// instead: the endpoint facing A is connected to the endpoint facing C (media-join.ts), B's two
// dialogs leave the calls (B hangs up itself after the final NOTIFY, or is sent BYE), and each
// call ends with the other. Neither A nor C is sent anything: their SDP does not change (RFC 3264
// §8 asks for a re-offer only when it does). Both Call objects stay: each keeps its record, with
// the transfer in its routing trace. Re-offers from A or C are then answered by their own
// endpoint, and INFO/MESSAGE go to the party across the join (joinedView()).
import type { Logger } from '../sip/index.js';
import type { MediaEngine } from '../../media/index.js';
import { CallState, type Call } from './call.js';
import type { Side } from './call-media.js';
import type { FacingMedia } from './in-dialog-local.js';
import type { Leg } from './leg.js';
import { acceptAnswerOn } from './local-answer.js';
import { joinEndpoints, type JoinedMedia } from './media-join.js';
import type { TransferResult } from './call-transfer.js';

export const other = (side: Side): Side => (side === 'caller' ? 'callee' : 'caller');

/** one of the transferor's calls and the side it is on there */
export interface TransferorIn {
  readonly call: Call;
  readonly side: Side;
}

export interface JoinOptions {
  /** the call whose dialog the REFER came in (its other party is the transferee) */
  readonly referred: TransferorIn;
  /** the call whose dialog the Replaces names (its other party is the transfer target) */
  readonly replaced: TransferorIn;
  readonly engine: Pick<MediaEngine, 'createEndpoint'>;
  /** where the media engine's sockets answer from this host (the hops between workers) */
  readonly mediaAddress: string;
  readonly logger: Logger;
  /** who asked, for the events stream: the transferor's side in `referred` (its REFER), or the API */
  readonly by: 'caller' | 'callee' | 'api';
  /** the transferor's dialog leaves its call: its BYE is still answered (CallTransfers) */
  readonly depart: (leg: Leg) => void;
}

/** a call whose remaining party was joined to another call's */
interface Joined {
  readonly side: Side;
  readonly peer: TransferorIn;
}

const failed = (status: number, reason: string): TransferResult => ({ ok: false, status, reason });
export const live = (call: Call): boolean => call.state === CallState.Answered || call.state === CallState.Bridged || call.state === CallState.Held;
/** the number a side of a call stands for: the caller's extension or the number dialled */
export const numberOn = (t: TransferorIn): string => (t.side === 'caller' ? t.call.caller.number : t.call.callee);

/** The calls joined by attended transfers, for the in-dialog requests of the parties left in them. */
export class JoinedCalls {
  readonly #joined = new Map<Call, Joined>();
  /** calls whose join is being set up */
  readonly #pending = new Set<Call>();

  /**
   * Joins the transferee (the other party of `referred`) and the target (the other party of
   * `replaced`). Fails, leaving both calls as they were, when either is not a live conversation,
   * both are the same call, or the two dialogs are not the same party's (RFC 3891 §3: only the
   * party of the replaced dialog may ask for it to be replaced).
   */
  async join(o: JoinOptions): Promise<TransferResult> {
    const { referred, replaced } = o;
    if (referred.call === replaced.call) return failed(400, 'Replaces Names The Same Call');
    if (!live(referred.call) || !live(replaced.call)) return failed(481, 'Call/Transaction Does Not Exist');
    if (this.has(referred.call) || this.has(replaced.call)) return failed(491, 'Request Pending');
    if (numberOn(referred) !== numberOn(replaced)) return failed(403, 'Forbidden');
    const a = referred.call.parties;
    const c = replaced.call.parties;
    const legs = [referred.call.legOf(referred.side), replaced.call.legOf(replaced.side)];
    if (a === undefined || c === undefined || legs.some((l) => l === undefined)) return failed(481, 'Call/Transaction Does Not Exist');
    const transferee = a[other(referred.side)];
    const target = c[other(replaced.side)];
    let media: JoinedMedia;
    try {
      // both calls count as joined while the hops are made: a second REFER for either waits its turn (491)
      this.#pending.add(referred.call).add(replaced.call);
      media = await joinEndpoints({ engine: o.engine, address: o.mediaAddress, a: transferee, b: target });
    } catch (err) {
      o.logger.warn({ err: String(err), call: referred.call.id, target: replaced.call.id }, 'attended transfer: the media could not be joined');
      return failed(500, 'Server Internal Error');
    } finally {
      this.#pending.delete(referred.call);
      this.#pending.delete(replaced.call);
    }
    // either call may have ended while the hops were made
    if (!live(referred.call) || !live(replaced.call)) {
      await media.close();
      return failed(487, 'Request Terminated');
    }
    // the transferor's endpoints go quiet (it stops sending once it hangs up: no media timeout),
    // and music on hold it started for the party it held stops (joinEndpoints connected the two)
    for (const [parties, side] of [
      [a, referred.side],
      [c, replaced.side],
    ] as const) {
      parties[side].watchTimeout(false);
      parties[side].stopPlayback();
      parties[other(side)].stopPlayback();
    }
    for (const leg of legs) o.depart(leg!);
    const by = numberOn(referred);
    const reason = `${by} joined ${numberOn({ call: referred.call, side: other(referred.side) })} and ${numberOn({ call: replaced.call, side: other(replaced.side) })} (attended transfer)`;
    this.link({ first: { call: referred.call, gone: referred.side }, second: { call: replaced.call, gone: replaced.side }, media, trace: { by, reason } });
    referred.call.events.emit('transfer', { target: numberOn({ call: replaced.call, side: other(replaced.side) }), by: o.by, result: 'completed' });
    replaced.call.events.emit('transfer', { target: numberOn({ call: referred.call, side: other(referred.side) }), by: o.by, result: 'completed' });
    o.logger.info({ call: referred.call.id, target: replaced.call.id, by }, 'attended transfer: calls joined');
    return { ok: true };
  }

  /**
   * Two calls whose parties on the side other than `gone` now talk through `media`: each call
   * ends with the other (BYE to the party still there, none to the side that left), and both
   * records carry the join in their routing trace.
   */
  link(o: { readonly first: { readonly call: Call; readonly gone: Side }; readonly second: { readonly call: Call; readonly gone: Side }; readonly media: JoinedMedia; readonly trace: { readonly by: string; readonly reason: string } }): void {
    const { first, second, media } = o;
    this.#joined.set(first.call, { side: other(first.gone), peer: { call: second.call, side: other(second.gone) } });
    this.#joined.set(second.call, { side: other(second.gone), peer: { call: first.call, side: other(first.gone) } });
    first.call.adopt({ close: () => this.#ended(first.call, { call: second.call, side: second.gone }, media) });
    second.call.adopt({ close: () => this.#ended(second.call, { call: first.call, side: first.gone }, media) });
    for (const call of [first.call, second.call]) call.routed([{ number: o.trace.by, entry: null, pattern: null, result: 'transferred', reason: o.trace.reason }]);
  }

  /** the call is joined already (a second transfer of it waits for the first to end) */
  has(call: Call): boolean {
    return this.#joined.has(call) || this.#pending.has(call);
  }

  #ended(call: Call, peer: TransferorIn, media: JoinedMedia): void {
    this.#joined.delete(call);
    this.#joined.delete(peer.call);
    void media.close();
    void peer.call.hangup(peer.side, 'normal-clearing');
  }

  /**
   * What an in-dialog request from `side` of `call` works on once the call is joined: its own
   * endpoint answers re-offers, and relayed requests go to the party across the join. Undefined
   * when the call is not joined or the request comes from the departed transferor.
   */
  joinedView(call: Call, side: Side): { readonly facing: FacingMedia | undefined; readonly peer: Leg | undefined } | undefined {
    const joined = this.#joined.get(call);
    if (joined === undefined || joined.side !== side) return undefined;
    const media = call.bridge;
    const facing: FacingMedia | undefined =
      call.facing(side) ??
      (media === undefined
        ? undefined
        : {
            answerReoffer: async (body) => media.answerReofferHere(side, body),
            lastSent: () => media.lastSent(side),
            acceptAnswer: (body) => acceptAnswerOn(media.endpoint(side), body),
          });
    return { facing, peer: joined.peer.call.legOf(joined.peer.side) };
  }
}
