// Session timers, RFC 4028: the interval a dialog's session must be refreshed in (Session-Expires,
// bounded below by Min-SE), which end refreshes it (refresher=uac|uas, named relative to the
// transaction that negotiated it), and the timer each end runs: the refresher sends a re-INVITE or
// UPDATE at half the interval (§10), the other end ends the session when no refresh came by the
// interval less min(32 s, a third of it) (§10). Sans-IO apart from the injected clock.
import type { Clock, TimerHandle } from '../clock.js';
import { getHeader } from '../message/headers.js';
import type { SipHeader, SipRequest, SipResponse } from '../message/types.js';
import { optionTags } from './reliable.js';

export type Refresher = 'uac' | 'uas';

export interface SessionExpires {
  /** seconds */
  readonly interval: number;
  readonly refresher?: Refresher;
}

/** RFC 4028 §4: Session-Expires = delta-seconds *(SEMI se-params); se-params = refresher-param / generic-param */
export function parseSessionExpires(value: string | undefined): SessionExpires | undefined {
  if (value === undefined) return undefined;
  const [delta, ...params] = value.split(';');
  const interval = Number((delta ?? '').trim());
  if (!/^\s*[0-9]{1,10}\s*$/.test(delta ?? '') || !Number.isSafeInteger(interval) || interval <= 0) return undefined;
  for (const param of params) {
    const [name, v] = param.split('=').map((p) => p.trim().toLowerCase());
    if (name === 'refresher' && (v === 'uac' || v === 'uas')) return { interval, refresher: v };
  }
  return { interval };
}

/** RFC 4028 §5: Min-SE = delta-seconds *(SEMI generic-param) */
export function parseMinSe(value: string | undefined): number | undefined {
  const m = /^\s*([0-9]{1,10})\s*(?:;.*)?$/.exec(value ?? '');
  return m ? Number(m[1]) : undefined;
}

export interface SessionTimerPolicy {
  /** the interval we ask for (our requests) or grant (a request that names none), seconds */
  readonly interval: number;
  /** the smallest interval we accept, seconds (RFC 4028 §4: normally no less than 90) */
  readonly minSe: number;
}

export type RequestNegotiation =
  /** the sender neither supports nor asks for session timers: none are run (RFC 4028 §9 "MAY") */
  | { readonly kind: 'none' }
  | { readonly kind: 'reject'; readonly status: 422; readonly headers: readonly SipHeader[] }
  /** `refresher` as the 2xx names it: 'uac' is the request's sender, 'uas' is us */
  | { readonly kind: 'accept'; readonly interval: number; readonly refresher: Refresher; readonly headers: readonly SipHeader[] };

/**
 * The UAS's part (RFC 4028 §9) for an INVITE or UPDATE: nothing when the sender neither supports
 * nor asks for timers; 422 with our Min-SE when the interval asked
 * for is below it and the sender supports timers; otherwise the interval (theirs, or ours when they
 * named none, never below their Min-SE) and the refresher (theirs when named; else the sender when
 * it supports timers, us when it does not, as §9 requires), with the 2xx's headers.
 */
export function negotiateRequest(request: SipRequest, policy: SessionTimerPolicy): RequestNegotiation {
  const asked = parseSessionExpires(getHeader(request, 'Session-Expires'));
  const supports = optionTags(request, 'Supported').has('timer') || optionTags(request, 'Require').has('timer');
  // Choice: like Asterisk's session-timers=accept, timers run only when the peer takes part; the
  // media timeout already ends calls whose peer vanished
  if (!asked && !supports) return { kind: 'none' };
  let interval = asked?.interval ?? Math.max(policy.interval, parseMinSe(getHeader(request, 'Min-SE')) ?? 0);
  if (interval < policy.minSe) {
    // RFC 4028 §9: "If the value of the Session-Expires header field is smaller than the minimum ...
    // the UAS MUST reject the request with a 422" — a sender without the extension cannot act on
    // a 422, so its interval is raised to our minimum instead (as a proxy would, §8.1)
    if (supports) return { kind: 'reject', status: 422, headers: [{ name: 'Min-SE', value: String(policy.minSe) }] };
    interval = policy.minSe;
  }
  // RFC 4028 §9: without 'timer' in Supported, "the refresher parameter MUST be set to 'uas'"
  const refresher: Refresher = !supports ? 'uas' : (asked?.refresher ?? 'uac');
  const headers: SipHeader[] = [{ name: 'Session-Expires', value: `${interval};refresher=${refresher}` }];
  // RFC 4028 §9: the 2xx carries Require: timer when the UAC supports the extension
  if (supports) headers.push({ name: 'Require', value: 'timer' });
  return { kind: 'accept', interval, refresher, headers };
}

/** RFC 4028 §7.1: what our INVITE or refresh asks for; `refresher` when we mean to refresh ourselves */
export function requestHeaders(policy: SessionTimerPolicy & { readonly refresher?: Refresher }): SipHeader[] {
  return [
    { name: 'Session-Expires', value: policy.refresher ? `${policy.interval};refresher=${policy.refresher}` : String(policy.interval) },
    { name: 'Min-SE', value: String(policy.minSe) },
  ];
}

/**
 * RFC 4028 §7.2: the 2xx to our INVITE or refresh. With Session-Expires the session is timed and
 * its refresher named ('uac' is us, the request's sender); "If the 2xx response did not contain a
 * Session-Expires header field, there is no session expiration".
 */
export function readResponse(response: SipResponse): { readonly interval: number; readonly refresher: Refresher } | undefined {
  const se = parseSessionExpires(getHeader(response, 'Session-Expires'));
  if (!se) return undefined;
  // RFC 4028 §7.2: a 2xx naming no refresher leaves it to the UAC
  return { interval: se.interval, refresher: se.refresher ?? 'uac' };
}

/** RFC 4028 §10: the non-refresher ends the session this long before the interval is up */
export const expiryMarginS = (interval: number): number => Math.min(32, interval / 3);

export interface SessionTimerOptions {
  readonly clock: Clock;
  /** we are the refresher and half the interval passed: send a re-INVITE or UPDATE */
  readonly refresh: () => void;
  /** the peer was to refresh and did not: end the session (BYE) */
  readonly expire: () => void;
}

/**
 * One dialog's session timer. arm() (re)starts it after every successful refresh, whichever end
 * sent it: as refresher we refresh at interval/2; otherwise the session expires at
 * interval − min(32, interval/3) unless the peer's refresh re-arms it first.
 */
export class SessionTimer {
  readonly #o: SessionTimerOptions;
  #timer: TimerHandle | undefined;
  #interval = 0;
  #weRefresh = false;

  constructor(options: SessionTimerOptions) {
    this.#o = options;
  }

  get interval(): number {
    return this.#interval;
  }

  get weRefresh(): boolean {
    return this.#weRefresh;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** `retryInS`: a refresh that failed is tried again this soon, the interval unchanged */
  arm(o: { readonly interval: number; readonly weRefresh: boolean; readonly retryInS?: number }): void {
    this.stop();
    this.#interval = o.interval;
    this.#weRefresh = o.weRefresh;
    const ms = (o.weRefresh ? (o.retryInS ?? o.interval / 2) : o.interval - expiryMarginS(o.interval)) * 1000;
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      if (o.weRefresh) this.#o.refresh();
      else this.#o.expire();
    }, ms);
  }

  stop(): void {
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
