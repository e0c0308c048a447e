// Each extension's dialogs (RFC 4235) as the calls' lines say: the caller's extension has an
// initiator dialog from the start; each extension a call rings has a recipient dialog in state
// early with the caller as remote party (so a phone shows who rings and offers pickup); the
// extension that answered has it confirmed; a dialog that is no longer on a line is terminated.
import type { CallLine } from '../calls/index.js';
import type { DialogEntry, DialogState } from './dialog-info.js';

export interface DialogChange {
  readonly extension: string;
  /** the dialogs that changed (terminated ones included, once) */
  readonly changed: readonly DialogEntry[];
}

export interface ExtensionDialogsOptions {
  readonly domain: string;
  /** is this number an extension (a trunk's caller is not)? */
  readonly isExtension: (number: string) => boolean;
}

export class ExtensionDialogs {
  readonly #o: ExtensionDialogsOptions;
  /** call id → extension → its dialog on that call */
  readonly #byCall = new Map<string, Map<string, DialogEntry>>();

  constructor(options: ExtensionDialogsOptions) {
    this.#o = options;
  }

  #aor(number: string): string {
    return `sip:${number}@${this.#o.domain}`;
  }

  /** the dialogs an extension is in now (full state) */
  dialogsOf(extension: string): DialogEntry[] {
    const out: DialogEntry[] = [];
    for (const perCall of this.#byCall.values()) {
      const d = perCall.get(extension);
      if (d) out.push(d);
    }
    return out;
  }

  /** extensions that are on a call now, and how (for the console's lamps) */
  snapshot(): { extension: string; state: DialogState; remote: string }[] {
    return [...this.#byCall.values()].flatMap((m) => [...m.entries()].map(([extension, d]) => ({ extension, state: d.state, remote: d.remote.identity })));
  }

  #entriesOf(line: CallLine): Map<string, DialogEntry> {
    const out = new Map<string, DialogEntry>();
    if (line.phase === 'ended') return out;
    const callerIdentity = { identity: this.#aor(line.caller), display: line.callerName };
    if (this.#o.isExtension(line.caller)) {
      // RFC 4235 §3.7.1: an initiator is "trying" before any provisional response, "early" after
      const state: DialogState = line.phase === 'answered' ? 'confirmed' : line.phase === 'ringing' ? 'early' : 'trying';
      const remote = line.answeredBy ?? line.callee;
      const tags = line.sipTags === null ? {} : { localTag: line.sipTags.caller, remoteTag: line.sipTags.hailing };
      out.set(line.caller, { id: `${line.callId}-o`, callId: line.sipCallId, ...tags, direction: 'initiator', state, remote: { identity: this.#aor(remote) }, local: { identity: this.#aor(line.caller) } });
    }
    const recipients: [string, DialogState][] = [...line.ringing.map((n): [string, DialogState] => [n, 'early'])];
    if (line.answeredBy !== null && line.phase === 'answered') recipients.push([line.answeredBy, 'confirmed']);
    // the ringing extension stands on Hailing's side of the caller's dialog: a BLF pickup's INVITE
    // with Replaces names that dialog with these tags (invite-replaces.ts takes the ringing call)
    const recipientTags = line.sipTags === null ? {} : { localTag: line.sipTags.hailing, remoteTag: line.sipTags.caller };
    for (const [number, state] of recipients) {
      if (number === line.caller) continue;
      out.set(number, { id: `${line.callId}-i`, callId: line.sipCallId, ...recipientTags, direction: 'recipient', state, remote: callerIdentity, local: { identity: this.#aor(number) } });
    }
    return out;
  }

  /** a call's line changed: the extensions whose dialogs changed, with what changed */
  update(line: CallLine): DialogChange[] {
    const before = this.#byCall.get(line.callId) ?? new Map<string, DialogEntry>();
    const after = this.#entriesOf(line);
    const changes: DialogChange[] = [];
    for (const [extension, d] of after) {
      const old = before.get(extension);
      if (old === undefined || old.state !== d.state || old.remote.identity !== d.remote.identity) changes.push({ extension, changed: [d] });
    }
    for (const [extension, d] of before) {
      if (!after.has(extension)) changes.push({ extension, changed: [{ ...d, state: 'terminated' }] });
    }
    if (after.size === 0) this.#byCall.delete(line.callId);
    else this.#byCall.set(line.callId, after);
    return changes;
  }
}
