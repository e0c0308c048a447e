// INVITE with Replaces (RFC 3891 §3): a phone asks that its new call take the place of a dialog
// Hailing has with a phone (another device of the same extension taking a call over, a phone's
// own attended transfer, pickup-style features). The party on the other side of that dialog is
// kept: the new caller is answered with an endpoint in that call's media group and connected to
// the kept party's endpoint, the replaced dialog gets BYE, and the two calls then end together
// (attended-transfer.ts JoinedCalls). The kept party is sent nothing: its SDP does not change.
import type { IncomingRequest, Logger } from '../sip/index.js';
import type { MediaEngine } from '../../media/index.js';
import { CallState, type Call } from './call.js';
import type { Side } from './call-media.js';
import type { Leg } from './leg.js';
import { LocalMedia } from './local-media.js';
import { callerSdp } from './late-offer.js';
import { FAILURES } from './outcome.js';
import { live, numberOn, other, type JoinedCalls } from './attended-transfer.js';
import type { ReplacesId } from './replaces.js';

/** the dialog a Replaces names, or why the INVITE is refused */
export type ReplacesCheck =
  /** pickup: the named dialog is a ringing call's early dialog with its caller (BLF pickup) */
  | { readonly ok: true; readonly target: { readonly call: Call; readonly side: Side }; readonly pickup: boolean }
  | { readonly ok: false; readonly status: number; readonly reason: string };

export function checkReplaces(o: {
  readonly replaces: ReplacesId | 'malformed';
  readonly dialogOf: (r: ReplacesId) => { readonly call: Call; readonly side: Side } | undefined;
  /** the dialog was Hailing's and has ended (a transferor's, let go) */
  readonly ended: (r: ReplacesId) => boolean;
  /** the extension the new INVITE authenticated as */
  readonly caller: string;
  /** the new INVITE's caller may pick up calls ringing at other extensions (the `**<ext>` class) */
  readonly mayPickUp: boolean;
}): ReplacesCheck {
  const { replaces } = o;
  if (replaces === 'malformed') return { ok: false, status: 400, reason: 'Bad Replaces' };
  const target = o.dialogOf(replaces);
  if (target === undefined) {
    // RFC 3891 §3: "If the Replaces header field matches a dialog which has already terminated, the UA SHOULD decline the request with a 603"
    return o.ended(replaces) ? { ok: false, status: 603, reason: 'Declined' } : { ok: false, status: 481, reason: 'Call/Transaction Does Not Exist' };
  }
  if (target.side === 'caller' && !target.call.inbound.answered) {
    // RFC 3891 §3: "matches an early dialog that was not initiated by this UA, it returns a 481".
    // Hailing is a B2BUA: the extensions it rings are shown the caller's early dialog (dialog-info
    // local-tag/remote-tag, server/presence), standing in for their own forks, so a phone that
    // names it asks to take the ringing call (BLF directed pickup, as Asterisk answers it). The
    // caller itself, or a call no longer ringing anyone, still gets the RFC's 481.
    const ringing = target.call.state === CallState.Ringing && target.call.ringing.length > 0;
    if (!ringing || o.caller === target.call.caller.number) return { ok: false, status: 481, reason: 'Call/Transaction Does Not Exist' };
    // §3 "MUST verify that the initiator of the new INVITE is authorized": the dial plan's pickup class
    if (!o.mayPickUp) return { ok: false, status: 403, reason: 'Forbidden' };
    return { ok: true, target, pickup: true };
  }
  if (!live(target.call)) return { ok: false, status: 481, reason: 'Call/Transaction Does Not Exist' };
  // RFC 3891 §3: a confirmed dialog with "early-only" → 486 Busy Here
  if (replaces.earlyOnly) return { ok: false, status: 486, reason: 'Busy Here' };
  // RFC 3891 §3: "the UA MUST verify that the initiator of the new INVITE is authorized to replace
  // the matched dialog": here, the same extension as the party whose dialog it is
  if (numberOn(target) !== o.caller) return { ok: false, status: 403, reason: 'Forbidden' };
  return { ok: true, target, pickup: false };
}

export interface ReplaceOptions {
  /** the new call (its INVITE carried Replaces), still Routing */
  readonly call: Call;
  readonly request: IncomingRequest;
  readonly target: { readonly call: Call; readonly side: Side };
  readonly engine: Pick<MediaEngine, 'createEndpoint'>;
  readonly address: string;
  readonly inbandDtmf: 'auto' | 'on' | 'off';
  readonly joined: JoinedCalls;
  /** the replaced dialog leaves its call's index; its BYE answer and late requests are still handled */
  readonly depart: (leg: Leg) => void;
  readonly logger: Logger;
}

/** Answers the new caller and puts it in the replaced party's place; false when the call failed instead. */
export async function replaceDialog(o: ReplaceOptions): Promise<boolean> {
  const { call, target } = o;
  const source = o.request.source.address;
  const offer = callerSdp({ call, source });
  const media = await LocalMedia.open({ engine: o.engine, group: target.call.id, address: o.address, offer, inbandDtmf: o.inbandDtmf, sources: [source] }).catch(() => undefined);
  if (media === undefined) {
    call.fail(FAILURES.noMedia);
    return false;
  }
  const answer = await media.answer(offer).catch(() => undefined);
  const parties = target.call.parties;
  const replacedLeg = target.call.legOf(target.side);
  if (!answer?.ok || parties === undefined || replacedLeg === undefined || !live(target.call) || o.joined.has(target.call)) {
    await media.close();
    call.fail(answer?.ok ? { status: 481, reason: 'Call/Transaction Does Not Exist', disposition: 'FAILED', cause: 'replaced-dialog-gone' } : FAILURES.notAcceptable);
    return false;
  }
  const kept = parties[other(target.side)];
  const replaced = parties[target.side];
  if (!call.answerHere(media, answer.body)) {
    await media.close();
    return false;
  }
  // one group, so one worker: the engine relays (or transcodes) between the two directly
  media.endpoint.connect(kept);
  replaced.watchTimeout(false);
  kept.stopPlayback();
  // RFC 3891 §3: the replaced confirmed dialog is shut down with BYE
  o.depart(replacedLeg);
  void replacedLeg.bye();
  o.joined.link({
    first: { call, gone: 'callee' },
    second: { call: target.call, gone: target.side },
    media: { hops: [], close: async () => media.endpoint.disconnect() },
    trace: { by: call.caller.number, reason: `${call.caller.number} replaced its dialog in call ${target.call.id} (INVITE with Replaces)` },
  });
  o.logger.info({ call: call.id, replaced: target.call.id }, 'INVITE with Replaces: dialog replaced');
  return true;
}
