// One subscription as its notifier keeps it (RFC 6665 §4.2.2): the dialog the SUBSCRIBE made, its
// expiry on the injected clock, and the NOTIFYs sent inside it, one at a time so that their CSeq
// order is the order of their content (packages with version counters, RFC 4235 §4.1, rely on it).
//
//   active ──refresh──▶ active
//     │ expiry / Expires: 0 / NOTIFY refused (481, timeout) / close()
//     ▼
//   terminated (a last NOTIFY with Subscription-State: terminated, unless the peer refused one)
import type { Clock, TimerHandle } from '../clock.js';
import type { Dialog } from '../dialog/dialog.js';
import type { Logger } from '../logger.js';
import type { SipResponse } from '../message/types.js';
import type { SipStack } from '../stack/types.js';
import { formatSubscriptionState, type SubscriptionStateValue } from './event.js';

export interface NotifyContent {
  readonly contentType: string;
  readonly body: string;
  /** further headers the package's NOTIFY needs (RFC 4662 §5: `Require: eventlist` on a list's) */
  readonly headers?: readonly (readonly [string, string])[];
}

/** What a package sees of a subscription when it makes a NOTIFY body. */
export interface SubscriptionView {
  readonly id: string;
  readonly package: string;
  /** the monitored resource: the Request-URI's user part, as the package resolved it */
  readonly resource: string;
  /** the authenticated subscriber */
  readonly subscriber: string;
  /** per-package memory for this subscription (version counters, what was last sent) */
  readonly memo: Map<string, unknown>;
}

export interface SubscriptionInit {
  readonly id: string;
  readonly package: string;
  readonly eventHeader: string;
  readonly resource: string;
  readonly subscriber: string;
  readonly source: string;
  readonly dialog: Dialog;
  readonly contact: string;
  readonly expiresS: number;
  readonly stack: Pick<SipStack, 'request'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** told once, when the subscription ends for any reason */
  readonly onTerminated: (subscription: Subscription) => void;
}

export class Subscription implements SubscriptionView {
  readonly id: string;
  readonly package: string;
  readonly resource: string;
  readonly subscriber: string;
  readonly source: string;
  readonly dialog: Dialog;
  readonly memo = new Map<string, unknown>();
  readonly #init: SubscriptionInit;
  #expiresAt = 0;
  #timer: TimerHandle | undefined;
  #terminated = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(init: SubscriptionInit) {
    this.id = init.id;
    this.package = init.package;
    this.resource = init.resource;
    this.subscriber = init.subscriber;
    this.source = init.source;
    this.dialog = init.dialog;
    this.#init = init;
    this.refresh(init.expiresS);
  }

  get terminated(): boolean {
    return this.#terminated;
  }

  get expiresInS(): number {
    return Math.max(0, Math.ceil((this.#expiresAt - this.#init.clock.now()) / 1000));
  }

  /** RFC 6665 §4.2.1.2: a refresh restarts the expiry with the new interval. */
  refresh(expiresS: number): void {
    if (this.#terminated) return;
    const clock = this.#init.clock;
    if (this.#timer) clock.clearTimeout(this.#timer);
    this.#expiresAt = clock.now() + expiresS * 1000;
    // RFC 6665 §4.2.2: "If the subscription expires, the notifier ... sends a NOTIFY ... terminated;reason=timeout"
    this.#timer = clock.setTimeout(() => void this.terminate('timeout'), expiresS * 1000);
  }

  /** RFC 6665 §4.2.2: a NOTIFY with the current state, queued behind any still unanswered. */
  notify(content: NotifyContent | undefined): Promise<void> {
    if (this.#terminated) return Promise.resolve();
    return this.#send({ state: 'active', expiresS: this.expiresInS }, content);
  }

  /** End the subscription with a last NOTIFY (terminated;reason=...), carrying the final state when given. */
  terminate(reason?: 'timeout' | 'noresource' | 'deactivated', content?: NotifyContent): Promise<void> {
    if (this.#terminated) return Promise.resolve();
    const sent = this.#send({ state: 'terminated', ...(reason ? { reason } : {}) }, content);
    this.#end();
    return sent;
  }

  /** Forget the subscription without a NOTIFY (the peer refused one, or the process stops). */
  drop(): void {
    this.#end();
  }

  #end(): void {
    if (this.#terminated) return;
    this.#terminated = true;
    if (this.#timer) this.#init.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#init.onTerminated(this);
  }

  #send(state: SubscriptionStateValue, content: NotifyContent | undefined): Promise<void> {
    const { dialog, stack, logger } = this.#init;
    const next = this.#queue.then(async () => {
      // RFC 6665 §4.2.2 / §8.2: Event (with the subscription's id), Subscription-State, Contact
      const request = dialog.request({
        method: 'NOTIFY',
        headers: [
          ['Event', this.#init.eventHeader],
          ['Subscription-State', formatSubscriptionState(state)],
          ['Contact', this.#init.contact],
          ...(content ? [['Content-Type', content.contentType] as const, ...(content.headers ?? [])] : []),
        ],
        ...(content ? { body: content.body } : {}),
      });
      let response: SipResponse;
      try {
        response = await stack.request({ request, to: dialog.flow });
      } catch (err) {
        logger.warn({ err: String(err), subscription: this.id }, 'NOTIFY not sent');
        return;
      }
      // RFC 6665 §4.2.2: a 481, a transaction timeout or another failure response ends the
      // subscription ("the notifier MUST remove the corresponding subscription"); 491 is a glare
      if (response.status >= 300 && response.status !== 491 && !this.#terminated) {
        logger.debug({ status: response.status, subscription: this.id }, 'NOTIFY refused; subscription removed');
        this.#end();
      }
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
