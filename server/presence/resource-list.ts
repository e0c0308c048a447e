// Resource lists (RFC 4662) for busy-lamp fields: one SUBSCRIBE to a list URI (a ring group's
// number) watches every member. Each NOTIFY is a multipart/related body (RFC 2387) whose root is
// the list's RLMI document and whose other parts are the members' dialog-info documents (RFC 4235):
// all members at first and on refresh (fullState), then only the members that changed.
import { randomBytes } from 'node:crypto';
import type { NotifyContent, SubscriptionView } from '../sip/index.js';
import { dialogInfoXml, type DialogEntry } from './dialog-info.js';
import { DIALOG_INFO } from './dialog-package.js';

export const RLMI = 'application/rlmi+xml';

const xmlAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

interface ListMemo {
  version: number;
  /** per member: its dialog-info version (RFC 4235 §4.1 counts per resource) */
  readonly memberVersions: Map<string, number>;
  members: readonly string[];
}

/** the list's members for this subscription, fixed when it was made (its memo) */
export function listMembers(s: SubscriptionView): readonly string[] | undefined {
  return (s.memo.get('list') as ListMemo | undefined)?.members;
}

/** the members as resolved at this (re)subscription; the version counters carry on */
export function rememberList(s: SubscriptionView, members: readonly string[]): void {
  const memo = s.memo.get('list') as ListMemo | undefined;
  if (memo === undefined) s.memo.set('list', { version: 0, memberVersions: new Map(), members } satisfies ListMemo);
  else memo.members = members;
}

/**
 * The NOTIFY body for a list subscription: `dialogs` gives each member's dialogs; `only` limits the
 * body to the members that changed (a partial notification, fullState="false").
 */
export function listNotify(o: {
  readonly s: SubscriptionView;
  readonly domain: string;
  readonly dialogs: (member: string) => readonly DialogEntry[];
  readonly only?: readonly string[];
}): NotifyContent | undefined {
  const memo = o.s.memo.get('list') as ListMemo | undefined;
  if (memo === undefined) return undefined;
  const members = o.only === undefined ? memo.members : memo.members.filter((m) => o.only!.includes(m));
  if (members.length === 0) return undefined;
  const full = o.only === undefined;
  const boundary = `hailing-${randomBytes(8).toString('hex')}`;
  const cid = (part: string) => `${part}.${o.s.id}@${o.domain}`;
  const uri = (user: string) => `sip:${user}@${o.domain}`;
  const resources = members.map((m, i) => `  <resource uri="${xmlAttr(uri(m))}">\n    <instance id="${xmlAttr(m)}" state="active" cid="${xmlAttr(cid(`m${i}-${m}`))}"/>\n  </resource>`);
  const rlmi = `<?xml version="1.0" encoding="UTF-8"?>\n<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="${xmlAttr(uri(o.s.resource))}" version="${memo.version++}" fullState="${full}">\n${resources.join('\n')}\n</list>\n`;
  const parts = [
    { id: cid('rlmi'), type: `${RLMI};charset="UTF-8"`, body: rlmi },
    ...members.map((m, i) => {
      const version = memo.memberVersions.get(m) ?? 0;
      memo.memberVersions.set(m, version + 1);
      // a member's document is always its full state: the list's partiality is in the RLMI
      return { id: cid(`m${i}-${m}`), type: `${DIALOG_INFO};charset="UTF-8"`, body: dialogInfoXml({ entity: uri(m), version, state: 'full', dialogs: o.dialogs(m) }) };
    }),
  ];
  const body = parts.map((p) => `--${boundary}\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${p.id}>\r\nContent-Type: ${p.type}\r\n\r\n${p.body}\r\n`).join('') + `--${boundary}--\r\n`;
  return {
    contentType: `multipart/related;type="${RLMI}";start="<${cid('rlmi')}>";boundary="${boundary}"`,
    body,
    // RFC 4662 §5: a NOTIFY carrying list state requires the subscriber's eventlist support
    headers: [['Require', 'eventlist']],
  };
}
