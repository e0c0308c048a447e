// The message-summary event package (RFC 3842) for message-waiting lamps: one body per mailbox,
// sent to subscribers and, unsolicited, to phones that never subscribed (most desk phones expect
// that from a PBX), whenever the mailbox's counts change.
import type { EventPackage } from '../sip/index.js';

export const SIMPLE_MESSAGE_SUMMARY = 'application/simple-message-summary';

export interface MailboxCounts {
  readonly newMessages: number;
  readonly oldMessages: number;
}

/**
 * RFC 3842 §5.2: "Messages-Waiting: yes|no", the account, and "Voice-Message: new/old" (with the
 * urgent counts in parentheses, none here).
 */
export function messageSummary(o: { readonly counts: MailboxCounts; readonly account: string }): string {
  const { newMessages, oldMessages } = o.counts;
  return [`Messages-Waiting: ${newMessages > 0 ? 'yes' : 'no'}`, `Message-Account: ${o.account}`, `Voice-Message: ${newMessages}/${oldMessages} (0/0)`, ''].join('\r\n');
}

export function messageSummaryPackage(o: { readonly counts: (mailbox: string) => MailboxCounts; readonly domain: string }): EventPackage {
  return {
    name: 'message-summary',
    contentType: SIMPLE_MESSAGE_SUMMARY,
    // RFC 3842 §4.3 leaves it to the notifier; an hour, as for dialog
    defaultExpiresS: 3600,
    content: (s) => ({ contentType: SIMPLE_MESSAGE_SUMMARY, body: messageSummary({ counts: o.counts(s.resource), account: `sip:${s.resource}@${o.domain}` }) }),
  };
}
