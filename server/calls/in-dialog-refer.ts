// REFER in an answered call's dialog (RFC 3515): the callee's phone transfers the caller (a blind
// transfer: Refer-To names the target). The REFER is accepted with 202, the implicit subscription
// reports progress in NOTIFYs whose message/sipfrag body is the status line of the transfer's
// outcome (§2.4.5: "SIP/2.0 100 Trying" first, then the final one with the subscription
// terminated), and the transferor is expected to end its dialog with BYE (RFC 5589 §6.1); when it
// does not, Hailing sends one after a grace period.
import { getHeader, parseNameAddr, parseUri } from '../sip/index.js';
import type { Clock, IncomingRequest, Logger } from '../sip/index.js';
import type { Call } from './call.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { Side } from './call-media.js';
import { userOf } from './invite-auth.js';
import type { TransferResult } from './call-transfer.js';

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
}

/** RFC 3515 §2.1: Refer-To, or its compact form r */
const referToOf = (request: IncomingRequest): string | undefined => getHeader(request.message, 'Refer-To') ?? getHeader(request.message, 'r');

/** the user part of a SIP URI in a name-addr header */
function userIn(value: string | undefined): { user: string | undefined; replaces: boolean } | undefined {
  if (value === undefined) return undefined;
  const addr = parseNameAddr(value);
  const uri = parseUri(addr.ok ? addr.value.uri : value.trim());
  if (!uri.ok) return undefined;
  const headers = 'headers' in uri.value ? (uri.value.headers as ReadonlyMap<string, string>) : new Map<string, string>();
  return { user: userOf(uri.value), replaces: [...headers.keys()].some((k) => k.toLowerCase() === 'replaces') };
}

export async function handleRefer(o: ReferHandling): Promise<void> {
  const { request } = o;
  const referTo = userIn(referToOf(request));
  // RFC 3515 §2.4.1: a REFER without exactly one Refer-To is answered 400
  if (referTo === undefined || referTo.user === undefined || referTo.user === '') return request.reply({ status: 400, reason: 'Bad Refer-To' });
  // the caller's own transfer would hand the callee on; only the callee's is supported (the party Hailing keeps is the caller)
  if (o.side !== 'callee') return request.reply({ status: 603, reason: 'Transfer By Caller Not Supported' });
  if (referTo.replaces) return request.reply({ status: 501, reason: 'Attended Transfer Not Supported' });
  request.reply({ status: 202 });
  let transferor: OutboundLeg | undefined;
  const notify = (frag: string, state: string): void => {
    const headers: [string, string][] = [
      ['Event', 'refer'],
      ['Subscription-State', state],
      ['Contact', o.contact],
    ];
    const leg = transferor ?? o.call.legOf('callee');
    void leg?.send({ method: 'NOTIFY', body: new TextEncoder().encode(`${frag}\r\n`), contentType: 'message/sipfrag;version=2.0', headers }).catch(() => undefined);
  };
  // RFC 3515 §2.4.5: the first NOTIFY reports the REFER accepted and the transfer under way
  notify('SIP/2.0 100 Trying', 'active;expires=60');
  const result = await o.transfer({
    target: referTo.user,
    transferor: fromUser(request),
    detached: (leg) => {
      transferor = leg;
      o.departing(leg);
    },
  });
  notify(result.ok ? 'SIP/2.0 200 OK' : `SIP/2.0 ${result.status} ${result.reason}`, 'terminated;reason=noresource');
  if (transferor === undefined) return;
  const leg = transferor;
  o.logger.debug({ call: o.call.id, ok: result.ok }, 'transfer NOTIFY sent; waiting for the transferor to hang up');
  o.clock.setTimeout(() => void leg.bye(), TRANSFEROR_BYE_GRACE_MS);
}

function fromUser(request: IncomingRequest): string | undefined {
  return userIn(getHeader(request.message, 'From'))?.user;
}
