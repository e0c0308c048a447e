// The dialog event package (RFC 4235) for busy-lamp fields: a subscription to an extension gets
// the full state first (and on each refresh), then partial NOTIFYs with the dialogs that changed,
// each with the subscription's next version number (RFC 4235 §4.1).
import type { EventPackage, NotifyContent, SubscriptionView } from '../sip/index.js';
import { dialogInfoXml, type DialogEntry } from './dialog-info.js';
import { listMembers, listNotify, rememberList } from './resource-list.js';
import type { DialogChange, ExtensionDialogs } from './extension-dialogs.js';

export const DIALOG_INFO = 'application/dialog-info+xml';

/** RFC 4235 §4.1: the version of the next document of this subscription (0 first) */
function nextVersion(s: SubscriptionView): number {
  const v = (s.memo.get('version') as number | undefined) ?? 0;
  s.memo.set('version', v + 1);
  return v;
}

export function dialogPackage(o: {
  readonly dialogs: ExtensionDialogs;
  readonly domain: string;
  /** the members of a list URI (RFC 4662), or undefined when the resource is an extension */
  readonly listOf?: (resource: string) => readonly string[] | undefined;
}): EventPackage & { partial(s: SubscriptionView, changed: readonly DialogEntry[]): NotifyContent; listPartial(s: SubscriptionView, changed: readonly string[]): NotifyContent | undefined } {
  const entity = (s: SubscriptionView) => `sip:${s.resource}@${o.domain}`;
  const dialogsOf = (member: string) => o.dialogs.dialogsOf(member);
  return {
    name: 'dialog',
    contentType: DIALOG_INFO,
    // RFC 4235 §3.5: "The default subscription duration ... is one hour"
    defaultExpiresS: 3600,
    content: (s) => {
      const members = o.listOf?.(s.resource) ?? listMembers(s);
      if (members !== undefined) {
        rememberList(s, members);
        return listNotify({ s, domain: o.domain, dialogs: dialogsOf }) ?? { contentType: DIALOG_INFO, body: '' };
      }
      return { contentType: DIALOG_INFO, body: dialogInfoXml({ entity: entity(s), version: nextVersion(s), state: 'full', dialogs: o.dialogs.dialogsOf(s.resource) }) };
    },
    partial: (s, changed) => ({ contentType: DIALOG_INFO, body: dialogInfoXml({ entity: entity(s), version: nextVersion(s), state: 'partial', dialogs: changed }) }),
    listPartial: (s, changed) => listNotify({ s, domain: o.domain, dialogs: dialogsOf, only: changed }),
  };
}

export type DialogPackage = ReturnType<typeof dialogPackage>;
export type { DialogChange };
