// The notifier side of SIP-specific event notification (RFC 6665 §4.2): a handler in the listener
// chain that takes SUBSCRIBE, creates and refreshes subscription dialogs, and sends NOTIFYs for the
// event packages registered with it. Packages (dialog, message-summary ...) supply bodies; who may
// subscribe to what is decided by the authorize hook of whoever composes this (server/app).
//
// Limits (every listener has them): subscriptions in all and per source address, the expiry
// bounds, one NOTIFY in flight per subscription.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { uasDialog } from '../dialog/dialog.js';
import type { Logger } from '../logger.js';
import { getExpires, getHeader, getHeaderValues, parseNameAddr } from '../message/headers.js';
import type { SipHeader } from '../message/types.js';
import type { IncomingRequest, ReplyOptions, RequestHandler, SipStack } from '../stack/types.js';
import { accepts, parseEventHeader } from './event.js';
import { Subscription, type NotifyContent, type SubscriptionView } from './subscription.js';

/** An event package (RFC 6665 §7): its name, its body type, and the body for a subscription now. */
export interface EventPackage {
  readonly name: string;
  readonly contentType: string;
  /** RFC 6665 §7.2: each package defines a default expiry for a SUBSCRIBE without Expires */
  readonly defaultExpiresS: number;
  /** the full state for a first or refreshing NOTIFY (RFC 6665 §4.2.1.2) */
  content(subscription: SubscriptionView): NotifyContent;
  /** told when a subscription ends, to drop what it remembered of it */
  released?(subscription: SubscriptionView): void;
}

export type AuthorizeResult =
  | { readonly ok: true; readonly subscriber: string; readonly resource: string }
  | { readonly ok: false; readonly reply: ReplyOptions };

export interface SubscriptionServerOptions {
  readonly stack: Pick<SipStack, 'request'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly packages: readonly EventPackage[];
  /** digest and policy: may this request's sender watch this resource? (server/app) */
  readonly authorize: (request: IncomingRequest, pkg: EventPackage) => Promise<AuthorizeResult>;
  readonly minExpiresS: number;
  readonly maxExpiresS: number;
  readonly maxSubscriptions: number;
  readonly maxPerSource: number;
}

const dialogKey = (callId: string, localTag: string, remoteTag: string, id: string | undefined): string => `${callId}\n${localTag}\n${remoteTag}\n${id ?? ''}`;

const tagOfHeader = (value: string | undefined): string | undefined => {
  const parsed = value === undefined ? undefined : parseNameAddr(value);
  return parsed?.ok ? (parsed.value.params.get('tag') ?? undefined) : undefined;
};

/** RFC 3261 §8.1.1.8 / RFC 6665 §4.2.1.1: the Contact of our 200 and NOTIFYs, on the flow the SUBSCRIBE came in. */
function contactFor(request: IncomingRequest): string {
  const { local, protocol } = request.flow;
  const host = local.address.includes(':') ? `[${local.address}]` : local.address;
  const transport = protocol === 'udp' ? '' : `;transport=${protocol}`;
  return `<sip:hailing@${host}:${local.port}${transport}>`;
}

export class SubscriptionServer {
  readonly #o: SubscriptionServerOptions;
  readonly #packages = new Map<string, EventPackage>();
  readonly #byDialog = new Map<string, Subscription>();
  readonly #perSource = new Map<string, number>();
  #reserved = 0;

  constructor(options: SubscriptionServerOptions) {
    this.#o = options;
    for (const p of options.packages) this.#packages.set(p.name, p);
  }

  /** RFC 6665 §8.2.2 Allow-Events: the packages this notifier knows */
  get allowEvents(): string {
    return [...this.#packages.keys()].join(', ');
  }

  get size(): number {
    return this.#byDialog.size;
  }

  /** the live subscriptions to a package's resource (all resources when absent) */
  subscriptions(pkg: string, resource?: string): Subscription[] {
    return [...this.#byDialog.values()].filter((s) => s.package === pkg && (resource === undefined || s.resource === resource));
  }

  /** RFC 6665 §4.2.2: a state change of a resource goes to each subscription to it */
  notify(options: { readonly package: string; readonly resource: string; readonly content: (s: SubscriptionView) => NotifyContent | undefined }): void {
    for (const s of this.subscriptions(options.package, options.resource)) {
      const content = options.content(s);
      if (content !== undefined) void s.notify(content);
    }
  }

  readonly handler: RequestHandler = (request) => {
    if (request.message.method !== 'SUBSCRIBE') return false;
    return this.#subscribe(request);
  };

  async #subscribe(request: IncomingRequest): Promise<boolean> {
    const message = request.message;
    const event = parseEventHeader(getHeader(message, 'Event'));
    const hasToTag = tagOfHeader(getHeader(message, 'To')) !== undefined;
    if (hasToTag) return this.#refresh(request, event?.id);
    const allow: SipHeader = { name: 'Allow-Events', value: this.allowEvents };
    // RFC 6665 §8.2.1: a SUBSCRIBE names exactly one event package in Event
    if (event === undefined) return this.#reply(request, { status: 400, reason: 'Missing or Bad Event Header' });
    const pkg = this.#packages.get(event.package);
    // RFC 6665 §4.2.1.1: "...unable to process because of an unknown event package ... 489 (Bad Event)" with Allow-Events
    if (pkg === undefined) return this.#reply(request, { status: 489, reason: 'Bad Event', headers: [allow] });
    // RFC 3261 §21.4.7: the subscriber accepts none of the bodies this package sends
    if (!accepts(getHeaderValues(message, 'Accept'), pkg.contentType)) {
      return this.#reply(request, { status: 406, headers: [{ name: 'Accept', value: pkg.contentType }] });
    }
    const expires = this.#expiresOf(request, pkg);
    if (typeof expires !== 'number') return this.#reply(request, expires);
    const source = request.source.address;
    if (this.#byDialog.size + this.#reserved >= this.#o.maxSubscriptions || (this.#perSource.get(source) ?? 0) >= this.#o.maxPerSource) {
      this.#o.logger.warn({ source, package: pkg.name }, 'subscription limit reached');
      return this.#reply(request, { status: 503, headers: [{ name: 'Retry-After', value: '60' }] });
    }
    // the slot is held while the credentials are checked, so concurrent SUBSCRIBEs cannot all pass the cap
    this.#count(source, +1);
    this.#reserved += 1;
    const auth = await this.#o.authorize(request, pkg).finally(() => (this.#reserved -= 1));
    const localTag = auth.ok ? request.toTag?.() : undefined;
    const dialog = localTag === undefined ? undefined : uasDialog({ invite: message, localTag, flow: request.flow });
    if (!auth.ok || dialog === undefined) {
      this.#count(source, -1);
      return this.#reply(request, auth.ok ? { status: 400, reason: 'Missing Contact or From Tag' } : auth.reply);
    }
    const contact = contactFor(request);
    const key = dialogKey(dialog.callId, dialog.localTag, dialog.remoteTag, event.id);
    const subscription = new Subscription({
      id: randomUUID(),
      package: pkg.name,
      eventHeader: event.id === undefined ? pkg.name : `${pkg.name};id=${event.id}`,
      resource: auth.resource,
      subscriber: auth.subscriber,
      source,
      dialog,
      contact,
      expiresS: Math.max(expires, 1),
      stack: this.#o.stack,
      clock: this.#o.clock,
      logger: this.#o.logger,
      onTerminated: (s) => this.#forget(key, s, pkg),
    });
    this.#byDialog.set(key, subscription);
    // RFC 6665 §4.2.1.1: 200 (202 is deprecated) with Expires and Contact, then at once a NOTIFY
    request.reply({ status: 200, headers: [{ name: 'Expires', value: String(expires) }, { name: 'Contact', value: contact }] });
    // RFC 6665 §4.2.1.1 / §4.4.3: an Expires of 0 is a fetch: one NOTIFY with the state, then terminated
    if (expires === 0) void subscription.terminate('timeout', pkg.content(subscription));
    else void subscription.notify(pkg.content(subscription));
    return true;
  }

  /** RFC 6665 §4.2.1.2 / §4.2.1.4: an in-dialog SUBSCRIBE refreshes the subscription, or ends it with Expires: 0 */
  #refresh(request: IncomingRequest, id: string | undefined): boolean {
    const m = request.message;
    const localTag = tagOfHeader(getHeader(m, 'To')) ?? '';
    const remoteTag = tagOfHeader(getHeader(m, 'From')) ?? '';
    const subscription = this.#byDialog.get(dialogKey(getHeader(m, 'Call-ID') ?? '', localTag, remoteTag, id));
    // RFC 6665 §4.2.1.2: a refresh of an unknown subscription gets 481 (the core's default for an untaken in-dialog request)
    if (subscription === undefined) return false;
    const pkg = this.#packages.get(subscription.package)!;
    // RFC 3261 §12.2.2: an out-of-order request in the dialog gets 500
    if (subscription.dialog.receive(m) === 'out-of-order') return this.#reply(request, { status: 500, reason: 'CSeq Out of Order' });
    const expires = this.#expiresOf(request, pkg);
    if (typeof expires !== 'number') return this.#reply(request, expires);
    request.reply({ status: 200, headers: [{ name: 'Expires', value: String(expires) }, { name: 'Contact', value: contactFor(request) }] });
    if (expires === 0) void subscription.terminate(undefined, pkg.content(subscription));
    else {
      subscription.refresh(expires);
      void subscription.notify(pkg.content(subscription));
    }
    return true;
  }

  /** RFC 6665 §4.2.1.1: below the minimum is 423 with Min-Expires; above the maximum is shortened. */
  #expiresOf(request: IncomingRequest, pkg: EventPackage): number | ReplyOptions {
    const asked = getExpires(request.message) ?? pkg.defaultExpiresS;
    if (asked > 0 && asked < this.#o.minExpiresS) {
      return { status: 423, headers: [{ name: 'Min-Expires', value: String(this.#o.minExpiresS) }] };
    }
    return Math.min(asked, this.#o.maxExpiresS);
  }

  #count(source: string, delta: 1 | -1): void {
    const n = (this.#perSource.get(source) ?? 0) + delta;
    if (n <= 0) this.#perSource.delete(source);
    else this.#perSource.set(source, n);
  }

  #reply(request: IncomingRequest, reply: ReplyOptions): true {
    request.reply(reply);
    return true;
  }

  #forget(key: string, subscription: Subscription, pkg: EventPackage): void {
    if (this.#byDialog.get(key) !== subscription) return;
    this.#byDialog.delete(key);
    this.#count(subscription.source, -1);
    pkg.released?.(subscription);
  }

  /** RFC 6665 §4.2.2: on shutdown each subscriber learns its subscription ended (deactivated: resubscribe later) */
  async close(): Promise<void> {
    await Promise.all([...this.#byDialog.values()].map((s) => s.terminate('deactivated')));
  }
}
