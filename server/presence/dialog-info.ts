// The dialog event package's body (RFC 4235 §4): application/dialog-info+xml, full or partial,
// with the subscription's version counter. Pure: data in, XML text out.

export type DialogState = 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';

export interface DialogEntry {
  /** RFC 4235 §4.1.1: unique among the dialogs of the entity, stable across NOTIFYs */
  readonly id: string;
  readonly callId?: string;
  /** RFC 4235 §4.1.1: the dialog's tags as the entity sees them (a BLF pickup's Replaces names them) */
  readonly localTag?: string;
  readonly remoteTag?: string;
  readonly direction: 'initiator' | 'recipient';
  readonly state: DialogState;
  /** the other party, shown by phones (the caller while ringing: directed pickup) */
  readonly remote: { readonly identity: string; readonly display?: string | null };
  readonly local: { readonly identity: string };
}

const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

function dialogXml(d: DialogEntry): string {
  const call = d.callId === undefined ? '' : ` call-id="${escapeXml(d.callId)}"`;
  const tags = (d.localTag === undefined ? '' : ` local-tag="${escapeXml(d.localTag)}"`) + (d.remoteTag === undefined ? '' : ` remote-tag="${escapeXml(d.remoteTag)}"`);
  const display = d.remote.display ? ` display="${escapeXml(d.remote.display)}"` : '';
  return [
    `  <dialog id="${escapeXml(d.id)}"${call}${tags} direction="${d.direction}">`,
    `    <state>${d.state}</state>`,
    // RFC 4235 §4.1.6: local and remote participants, each an identity (and a target)
    `    <local><identity>${escapeXml(d.local.identity)}</identity><target uri="${escapeXml(d.local.identity)}"/></local>`,
    `    <remote><identity${display}>${escapeXml(d.remote.identity)}</identity><target uri="${escapeXml(d.remote.identity)}"/></remote>`,
    '  </dialog>',
  ].join('\r\n');
}

/**
 * RFC 4235 §4.1: the dialog-info document. `version` starts at 0 and grows by one with each NOTIFY
 * of the subscription; state "full" lists every dialog, "partial" only those that changed.
 */
export function dialogInfoXml(o: { readonly entity: string; readonly version: number; readonly state: 'full' | 'partial'; readonly dialogs: readonly DialogEntry[] }): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${o.version}" state="${o.state}" entity="${escapeXml(o.entity)}">`,
    ...o.dialogs.map(dialogXml),
    '</dialog-info>',
    '',
  ].join('\r\n');
}
