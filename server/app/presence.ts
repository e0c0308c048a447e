// Builds presence and lamps: the SUBSCRIBE handler (dialog and message-summary packages), fed by
// the calls' lines and, once mailboxes exist, by voicemail's counts.
import type { Config } from '../config/index.js';
import type { CallLines, ResolvedStep } from '../calls/index.js';
import { Presence, type MailboxCounts } from '../presence/index.js';
import type { Clock, Logger } from '../sip/index.js';
import type { ExtensionRepository } from '../store/index.js';
import type { createSipSide } from './sip.js';

const NO_MESSAGES: MailboxCounts = { newMessages: 0, oldMessages: 0 };

export function createPresence(o: {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly sip: Awaited<ReturnType<typeof createSipSide>>;
  readonly extensions: ExtensionRepository;
  readonly lines: CallLines;
  readonly counts?: (mailbox: string) => MailboxCounts;
  /** the dial plan: a ring group's number is a BLF list of its members (RFC 4662) */
  readonly resolve?: (from: string, to: string) => Promise<{ readonly steps: readonly ResolvedStep[] }>;
}): Presence {
  const { config, sip } = o;
  const presence = new Presence({
    stack: sip.stack,
    clock: o.clock,
    logger: o.logger,
    domain: config.sipDomain,
    authenticator: sip.authenticator,
    credentials: o.extensions,
    isExtension: async (number) => number !== '' && (await o.extensions.find(number)) !== undefined,
    isExtensionCached: (number) => {
      const cached = o.extensions.findCached(number);
      return cached !== null && cached !== undefined;
    },
    contacts: (extension) => sip.registrar.lookup(`sip:${extension}@${config.sipDomain}`),
    counts: o.counts ?? (() => NO_MESSAGES),
    ...(o.resolve
      ? {
          listMembers: async (subscriber: string, resource: string) => {
            if (!/^[0-9]{1,15}$/.test(resource)) return undefined;
            const first = (await o.resolve!(subscriber, resource).catch(() => ({ steps: [] as readonly ResolvedStep[] }))).steps[0];
            return first !== undefined && first.destination.kind === 'ring-group' ? first.destination.members : undefined;
          },
        }
      : {}),
    limits: {
      minExpiresS: config.subscribeMinExpires,
      maxExpiresS: config.subscribeMaxExpires,
      maxSubscriptions: config.maxSubscriptions,
      maxPerSource: config.maxSubscriptionsPerSource,
    },
    onAuthFailure: sip.auth.failed,
    onAuthSuccess: sip.auth.succeeded,
  });
  sip.stack.use(sip.watchCredentials(presence.handler));
  o.lines.on((line) => presence.lineChanged(line));
  return presence;
}
