// RFC 4028 session timers on a call's two dialogs. Each side's timer is armed when that side's
// dialog is answered (with what its INVITE transaction negotiated) and again after every refresh,
// whichever end sent it. When we are a side's refresher we send it an UPDATE without SDP (§7.4
// prefers UPDATE) or, when it does not allow UPDATE, a re-INVITE with the session as it stands;
// when the peer is and its refresh does not come, the call ends with BYE to both parties and the
// cause 'session-timer-expired' on its record (§10).
import { negotiateRequest, readResponse, requestHeaders, SessionTimer } from '../sip/index.js';
import type { Clock, IncomingRequest, Logger, RequestNegotiation, SessionTimerPolicy, SipHeader } from '../sip/index.js';
import type { Call } from './call.js';
import type { Side } from './call-media.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import { SUPPORTED } from './allow.js';

/** what the call's record says when a session timer ran out (RFC 4028 §10) */
export const SESSION_TIMER_EXPIRED = 'session-timer-expired';
/** our refresh was answered 408 or 481 (RFC 3261 §12.2.1.2: the dialog is gone) */
export const SESSION_REFRESH_FAILED = 'session-refresh-failed';

export class CallSessionTimers {
  readonly #call: Call;
  readonly #policy: SessionTimerPolicy;
  readonly #logger: Logger;
  readonly #timers: Record<Side, SessionTimer>;
  /** the leg each side's timer was armed for (a bridge's callee leg changes) */
  readonly #legs: Partial<Record<Side, InboundLeg | OutboundLeg>> = {};

  constructor(o: { readonly call: Call; readonly clock: Clock; readonly logger: Logger; readonly policy: SessionTimerPolicy; readonly caller: RequestNegotiation }) {
    this.#call = o.call;
    this.#policy = o.policy;
    this.#logger = o.logger;
    const timer = (side: Side) => new SessionTimer({ clock: o.clock, refresh: () => void this.#refresh(side), expire: () => this.#expire(side) });
    this.#timers = { caller: timer('caller'), callee: timer('callee') };
    const caller = o.caller;
    const offAnswered = o.call.events.on('answered', () => {
      // RFC 4028 §9: the caller's 2xx named the refresher; 'uas' is us
      if (caller.kind === 'accept' && this.#legs.caller === undefined) this.#arm('caller', caller.interval, caller.refresher === 'uas');
      const callee = o.call.legOf('callee') as OutboundLeg | undefined;
      // RFC 4028 §7.2: the callee's 2xx named it; 'uac' is us
      if (callee?.session && this.#legs.callee !== callee) this.#arm('callee', callee.session.interval, callee.session.refresher === 'uac');
    });
    o.call.adopt({
      close: () => {
        offAnswered();
        this.#timers.caller.stop();
        this.#timers.callee.stop();
      },
    });
  }

  #arm(side: Side, interval: number, weRefresh: boolean): void {
    const leg = this.#call.legOf(side);
    if (!leg) return;
    this.#legs[side] = leg;
    this.#timers[side].arm({ interval, weRefresh });
  }

  /** the timer of `side` still belongs to the leg now on that side (a bridge may have changed it) */
  #current(side: Side): InboundLeg | OutboundLeg | undefined {
    const leg = this.#call.legOf(side);
    return leg !== undefined && leg === this.#legs[side] && leg.established ? leg : undefined;
  }

  /**
   * A re-INVITE or UPDATE from `side` (RFC 4028 §9 applies to every session refresh request): 422
   * when its interval is too small, else the headers its 2xx carries; refreshed() re-arms after it.
   */
  negotiate(request: IncomingRequest): RequestNegotiation {
    return negotiateRequest(request.message, this.#policy);
  }

  /**
   * The 2xx to `side`'s re-INVITE or UPDATE went out: its timer runs again ('uac' in the 2xx is that
   * party). Choice: one that named no timer (a phone's hold re-INVITE) still counts as a refresh of
   * the timer already running, rather than turning it off as RFC 4028 §9 would allow.
   */
  refreshed(side: Side, negotiated: RequestNegotiation): void {
    if (negotiated.kind === 'accept') return this.#arm(side, negotiated.interval, negotiated.refresher === 'uas');
    const timer = this.#timers[side];
    if (timer.running && this.#current(side)) timer.arm({ interval: timer.interval, weRefresh: timer.weRefresh });
  }

  async #refresh(side: Side): Promise<void> {
    const leg = this.#current(side);
    if (!leg) return;
    const interval = this.#timers[side].interval;
    const headers: [string, string][] = [['Supported', SUPPORTED], ...requestHeaders({ interval, minSe: this.#policy.minSe, refresher: 'uac' }).map((h: SipHeader): [string, string] => [h.name, h.value])];
    const body = leg.allows('UPDATE') ? undefined : (this.#call.facing(side)?.lastSent() ?? this.#call.bridge?.lastSent(side));
    const method = body === undefined ? 'UPDATE' : 'INVITE';
    // RFC 3261 §14.1: no re-INVITE while another offer is outstanding; try again a little later
    if (method === 'INVITE' && (this.#call.offerPending || this.#call.localOffers.has(side))) return this.#retry(side);
    if (method === 'INVITE') this.#call.offerPending = true;
    let response;
    try {
      response = await leg.send({ method, headers, ...(body ? { body } : {}) });
    } finally {
      if (method === 'INVITE') this.#call.offerPending = false;
    }
    if (this.#current(side) !== leg) return;
    const status = response?.status ?? 408;
    this.#logger.debug({ call: this.#call.id, side, method, status }, 'session refresh answered');
    if (status >= 200 && status < 300) {
      // RFC 4028 §7.2: "If the 2xx response did not contain a Session-Expires header field, there is no session expiration"
      const granted = response ? readResponse(response) : undefined;
      if (granted) this.#arm(side, granted.interval, granted.refresher === 'uac');
      else this.#timers[side].stop();
      return;
    }
    // RFC 3261 §12.2.1.2: 481 or 408 to a request in the dialog ends it
    if (status === 408 || status === 481) return void this.#call.hangup('system', SESSION_REFRESH_FAILED);
    // RFC 4028 §10: another failure (a 491 glare, a 500) leaves the session to expire unless a later refresh succeeds
    this.#retry(side);
  }

  /** another try at a refresh within the interval: RFC 4028 §10 leaves the peer a third of it (at most 32 s) */
  #retry(side: Side): void {
    const timer = this.#timers[side];
    timer.arm({ interval: timer.interval, weRefresh: true, retryInS: Math.max(1, timer.interval / 8) });
  }

  #expire(side: Side): void {
    if (!this.#current(side)) return;
    this.#logger.info({ call: this.#call.id, side, interval: this.#timers[side].interval }, 'session timer expired: no refresh came');
    void this.#call.hangup('system', SESSION_TIMER_EXPIRED);
  }
}
