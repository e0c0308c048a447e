// REFER in an answered call's dialog (RFC 3515): the callee's phone transfers the caller (a blind
// transfer: Refer-To names the target). The REFER is accepted with 202, the implicit subscription
// reports progress in NOTIFYs whose message/sipfrag body is the status line of the transfer's
// outcome (§2.4.5: "SIP/2.0 100 Trying" first, then the final one with the subscription
// terminated), and the transferor is expected to end its dialog with BYE (RFC 5589 §6.1); when it
// does not, Hailing sends one after a grace period.
// A Refer-To whose URI carries Replaces (RFC 3891) is an attended transfer (RFC 5589 §7): the
// transferor's other dialog is named, and `attended` joins the two calls (attended-transfer.ts);
// either party of a call may ask for that, as the join keeps both calls' records.
import { getHeader } from '../sip/index.js';
import type { Clock, IncomingRequest, Logger } from '../sip/index.js';
import type { Call } from './call.js';
import type { Leg } from './leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { Side } from './call-media.js';
import { userOf } from './invite-auth.js';
import type { TransferResult } from './call-transfer.js';
import { referTargetOf, type ReplacesId } from './replaces.js';

/** how long a transferor has to send its BYE after the final NOTIFY before Hailing sends one */
export const TRANSFEROR_BYE_GRACE_MS = 32_000;

export interface ReferHandling {
  readonly call: Call;
  readonly side: Side;
  readonly request: IncomingRequest;
  /** our Contact towards the transferor (NOTIFY is a target refresh request, RFC 6665 §4.1.2) */
  readonly contact: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** runs the blind transfer; the transferor's leg is handed to `detached` once it is let go */
  readonly transfer: (o: { readonly target: string; readonly transferor: string | undefined; readonly detached: (leg: OutboundLeg) => void }) => Promise<TransferResult>;
  /** a let-go transferor's dialog keeps being answered (its BYE) until it ends */
  readonly departing: (leg: OutboundLeg) => void;
  /** an attended transfer: joins this call's other party to the other party of the dialog `replaces` names; the transferor's legs are returned */
  readonly attended?: (o: { readonly replaces: ReplacesId; readonly transferor: string | undefined }) => Promise<{ readonly result: TransferResult; readonly legs: readonly Leg[] }>;
}

/** RFC 3515 §2.1: Refer-To, or its compact form r */
const referToOf = (request: IncomingRequest): string | undefined => getHeader(request.message, 'Refer-To') ?? getHeader(request.message, 'r');

/** the user part of a SIP URI in a name-addr header, and the Replaces its URI carries */
const userIn = (value: string | undefined) => (value === undefined ? undefined : referTargetOf(value, userOf));

export async function handleRefer(o: ReferHandling): Promise<void> {
  const { request } = o;
  const referTo = userIn(referToOf(request));
  // RFC 3515 §2.4.1: a REFER without exactly one Refer-To is answered 400
  if (referTo === undefined || referTo.user === undefined || referTo.user === '') return request.reply({ status: 400, reason: 'Bad Refer-To' });
  if (referTo.replaces === 'malformed') return request.reply({ status: 400, reason: 'Bad Replaces in Refer-To' });
  const attended = referTo.replaces !== undefined ? o.attended : undefined;
  if (referTo.replaces !== undefined && attended === undefined) return request.reply({ status: 501, reason: 'Attended Transfer Not Supported' });
  // a blind transfer by the caller would hand the callee on; only the callee's is supported (the party Hailing keeps is the caller)
  if (attended === undefined && o.side !== 'callee') return request.reply({ status: 603, reason: 'Transfer By Caller Not Supported' });
  request.reply({ status: 202 });
  const reporter = o.call.legOf(o.side);
  let transferor: OutboundLeg | undefined;
  const notify = (frag: string, state: string): void => {
    const headers: [string, string][] = [
      ['Event', 'refer'],
      ['Subscription-State', state],
      ['Contact', o.contact],
    ];
    const leg = transferor ?? reporter;
    void leg?.send({ method: 'NOTIFY', body: new TextEncoder().encode(`${frag}\r\n`), contentType: 'message/sipfrag;version=2.0', headers }).catch(() => undefined);
  };
  const final = (result: TransferResult) => notify(result.ok ? 'SIP/2.0 200 OK' : `SIP/2.0 ${result.status} ${result.reason}`, 'terminated;reason=noresource');
  // RFC 3515 §2.4.5: the first NOTIFY reports the REFER accepted and the transfer under way
  notify('SIP/2.0 100 Trying', 'active;expires=60');
  if (attended !== undefined && referTo.replaces !== undefined) {
    const { result, legs } = await attended({ replaces: referTo.replaces, transferor: fromUser(request) });
    final(result);
    // RFC 5589 §7.1: the transferor ends both its dialogs; those it leaves up are ended here
    for (const leg of legs) o.clock.setTimeout(() => void leg.bye(), TRANSFEROR_BYE_GRACE_MS);
    return;
  }
  const result = await o.transfer({
    target: referTo.user,
    transferor: fromUser(request),
    detached: (leg) => {
      transferor = leg;
      o.departing(leg);
    },
  });
  final(result);
  if (transferor === undefined) return;
  const leg = transferor;
  o.logger.debug({ call: o.call.id, ok: result.ok }, 'transfer NOTIFY sent; waiting for the transferor to hang up');
  o.clock.setTimeout(() => void leg.bye(), TRANSFEROR_BYE_GRACE_MS);
}

function fromUser(request: IncomingRequest): string | undefined {
  return userIn(getHeader(request.message, 'From'))?.user;
}
