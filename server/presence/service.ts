// Presence and lamps: the SUBSCRIBE handler for the dialog (RFC 4235) and message-summary
// (RFC 3842) packages, fed by the calls' lines and by the mailboxes. Subscribers are extensions
// that authenticate with digest (as for INVITE); any extension may watch any extension's dialogs
// (busy-lamp fields), only its own mailbox's messages.
import { createRequest, newCallId, newTag, optionTags, SubscriptionServer } from '../sip/index.js';
import type { AuthorizeResult, Clock, DigestAuthenticator, Flow, IncomingRequest, Logger, SipStack } from '../sip/index.js';
import type { CallLine, DigestCredentialSource } from '../calls/index.js';
import { authenticateInvite, userOf } from '../calls/invite-auth.js';
import { parseUri } from '../sip/index.js';
import { dialogPackage } from './dialog-package.js';
import { ExtensionDialogs } from './extension-dialogs.js';
import { messageSummary, messageSummaryPackage, SIMPLE_MESSAGE_SUMMARY, type MailboxCounts } from './message-summary.js';

export interface PresenceOptions {
  readonly stack: Pick<SipStack, 'request'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly domain: string;
  readonly authenticator: DigestAuthenticator;
  readonly credentials: DigestCredentialSource;
  /** a number is an extension when its credentials are known (cached by the digest checks) */
  readonly isExtension: (number: string) => Promise<boolean>;
  readonly isExtensionCached: (number: string) => boolean;
  /** the registered phones of an extension, for unsolicited message-summary NOTIFYs */
  readonly contacts: (extension: string) => readonly { readonly contact: string; readonly flow: Flow }[];
  /** RFC 4662: the extensions a list URI stands for (a ring group's number), as `subscriber` may dial it; undefined: not a list */
  readonly listMembers?: (subscriber: string, resource: string) => Promise<readonly string[] | undefined>;
  /** a mailbox's counts now (zeros when it has none) */
  readonly counts: (mailbox: string) => MailboxCounts;
  readonly limits: { readonly minExpiresS: number; readonly maxExpiresS: number; readonly maxSubscriptions: number; readonly maxPerSource: number };
  readonly onAuthFailure?: (attempt: { source: string; reason: string; username?: string }) => void;
  readonly onAuthSuccess?: (attempt: { source: string; username: string }) => void;
}

export class Presence {
  readonly #o: PresenceOptions;
  readonly dialogs: ExtensionDialogs;
  readonly #dialog;
  /** list URIs subscribed to, with their members as last resolved (bounded by the dial plan's ring groups) */
  readonly #lists = new Map<string, readonly string[]>();
  readonly server: SubscriptionServer;

  constructor(options: PresenceOptions) {
    this.#o = options;
    this.dialogs = new ExtensionDialogs({ domain: options.domain, isExtension: options.isExtensionCached });
    this.#dialog = dialogPackage({ dialogs: this.dialogs, domain: options.domain, listOf: (resource) => this.#lists.get(resource) });
    this.server = new SubscriptionServer({
      stack: options.stack,
      clock: options.clock,
      logger: options.logger.child({ module: 'presence' }),
      packages: [this.#dialog, messageSummaryPackage({ counts: options.counts, domain: options.domain })],
      authorize: (request, pkg) => this.#authorize(request, pkg.name),
      ...options.limits,
    });
  }

  get handler() {
    return this.server.handler;
  }

  async #authorize(request: IncomingRequest, pkg: string): Promise<AuthorizeResult> {
    const o = this.#o;
    const domain = o.domain.toLowerCase();
    const auth = await authenticateInvite({ request, authenticator: o.authenticator, credentials: o.credentials, isOwnHost: (host) => host === domain || host === request.flow.local.address });
    if (!auth.ok) {
      if (auth.failure) o.onAuthFailure?.({ source: request.source.address, reason: auth.failure, ...(auth.username === undefined ? {} : { username: auth.username }) });
      return { ok: false, reply: auth.reply };
    }
    o.onAuthSuccess?.({ source: request.source.address, username: auth.username });
    const uri = parseUri(request.message.uri);
    const resource = (uri.ok ? userOf(uri.value) : undefined) ?? '';
    if (pkg === 'dialog' && !(await o.isExtension(resource))) {
      const members = await o.listMembers?.(auth.username, resource);
      if (members !== undefined) {
        // RFC 4662 §5.1: a subscriber that cannot take a list gets 421 naming the extension it lacks
        if (!optionTags(request.message, 'Supported').has('eventlist')) return { ok: false, reply: { status: 421, headers: [{ name: 'Require', value: 'eventlist' }] } };
        this.#lists.set(resource, members);
        return { ok: true, subscriber: auth.username, resource };
      }
    }
    // RFC 6665 §4.2.1.1: a resource that does not exist gets 404
    if (!(await o.isExtension(resource))) return { ok: false, reply: { status: 404 } };
    // a mailbox's counts are its owner's business (RFC 6665 §5.2: authorisation is the notifier's policy)
    if (pkg === 'message-summary' && resource !== auth.username) return { ok: false, reply: { status: 403 } };
    return { ok: true, subscriber: auth.username, resource };
  }

  /** a call's line changed: partial dialog-info to the watchers of each extension it touched */
  lineChanged(line: CallLine): void {
    const changed = this.dialogs.update(line);
    for (const change of changed) {
      this.server.notify({ package: 'dialog', resource: change.extension, content: (s) => this.#dialog.partial(s, change.changed) });
    }
    // the lists that hold a member that changed: one NOTIFY each, with just those members
    const extensions = changed.map((c) => c.extension);
    for (const [list, members] of this.#lists) {
      if (members.some((m) => extensions.includes(m))) this.server.notify({ package: 'dialog', resource: list, content: (s) => this.#dialog.listPartial(s, extensions) });
    }
  }

  /**
   * A mailbox's counts changed: NOTIFY its subscribers, and each registered phone of the extension
   * that holds no subscription gets an unsolicited NOTIFY (outside any dialog, as Asterisk and
   * FreeSWITCH send them; RFC 3842 §3 lets a UA take those).
   */
  mailboxChanged(mailbox: string): void {
    const o = this.#o;
    const subscribed = this.server.subscriptions('message-summary', mailbox);
    const body = messageSummary({ counts: o.counts(mailbox), account: `sip:${mailbox}@${o.domain}` });
    for (const s of subscribed) void s.notify({ contentType: SIMPLE_MESSAGE_SUMMARY, body });
    const covered = new Set(subscribed.map((s) => s.dialog.remoteTarget));
    for (const phone of o.contacts(mailbox)) {
      if (covered.has(phone.contact)) continue;
      const aor = `<sip:${mailbox}@${o.domain}>`;
      const request = createRequest({
        method: 'NOTIFY',
        uri: phone.contact,
        headers: [
          ['From', `${aor};tag=${newTag()}`],
          ['To', aor],
          ['Call-ID', newCallId()],
          ['CSeq', '1 NOTIFY'],
          ['Event', 'message-summary'],
          ['Subscription-State', 'active'],
          ['Content-Type', SIMPLE_MESSAGE_SUMMARY],
        ],
        body,
      });
      void o.stack.request({ request, to: phone.flow }).then(
        (r) => o.logger.debug({ mailbox, status: r.status }, 'unsolicited MWI answered'),
        () => undefined,
      );
    }
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
