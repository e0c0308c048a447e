// Voicemail: mailboxes (PIN, greeting, limits), messages left by callers, and what phones and the
// API do with them. Counts per mailbox are kept in memory (message-waiting NOTIFYs read them
// synchronously) and every change is told to onChange (MWI, the events stream).
import { randomUUID } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EndpointHandle, MediaEngine } from '../../media/index.js';
import type { GreetingTake, MessageRecording, PlayableAudio, VoicemailMessageView, VoicemailPort } from '../calls/handlers/index.js';
import type { Clock, Logger } from '../sip/index.js';
import { GREETING_COLUMN, hashPassword, verifyPassword, type GreetingKind, type MailboxRow, type VoicemailMessageRow, type VoicemailRepository } from '../store/index.js';
import type { RecordingVault } from '../recording/index.js';
import { beepWav, VoicemailFiles } from './files.js';

export interface MailboxCounts {
  readonly newMessages: number;
  readonly oldMessages: number;
}

export interface VoicemailOptions {
  readonly repository: VoicemailRepository;
  readonly engine: Pick<MediaEngine, 'startRecording'>;
  readonly vault: RecordingVault;
  readonly dir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** a message shorter than this is dropped (a caller who hung up at the beep) */
  readonly minMessageMs?: number;
  /** a message was stored (e-mail notification) */
  readonly newMessage?: (message: VoicemailMessageRow) => void;
  /** why a person may not delete what call `callId` left now (legal hold, WORM); null or absent: they may */
  readonly deleteRefusal?: (callId: string) => Promise<string | null>;
}

const ZERO: MailboxCounts = { newMessages: 0, oldMessages: 0 };

export class VoicemailService implements VoicemailPort {
  readonly #o: VoicemailOptions;
  readonly files: VoicemailFiles;
  readonly #counts = new Map<string, MailboxCounts>();
  readonly #listeners = new Set<(mailbox: string) => void>();

  constructor(options: VoicemailOptions) {
    this.#o = options;
    this.files = new VoicemailFiles({ dir: options.dir, vault: options.vault });
  }

  /** loads the counts (before SIP listens, so the first NOTIFY is right) and removes plaintext copies a crash left */
  async start(): Promise<void> {
    await this.files.sweepPlaybackCopies();
    for (const [mailbox, c] of await this.#o.repository.counts()) this.#counts.set(mailbox, c);
  }

  counts(mailbox: string): MailboxCounts {
    return this.#counts.get(mailbox) ?? ZERO;
  }

  onChange(listener: (mailbox: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #changed(mailbox: string): Promise<void> {
    const all = await this.#o.repository.counts();
    this.#counts.set(mailbox, all.get(mailbox) ?? ZERO);
    for (const l of this.#listeners) {
      try {
        l(mailbox);
      } catch (err) {
        this.#o.logger.error({ err: String(err), mailbox }, 'voicemail listener threw');
      }
    }
  }

  // ---- mailboxes (API) ----

  mailbox(number: string): Promise<MailboxRow | undefined> {
    return this.#o.repository.mailbox(number);
  }

  mailboxes(): Promise<MailboxRow[]> {
    return this.#o.repository.mailboxes();
  }

  async saveMailbox(number: string, change: { enabled?: boolean; maxMessageS?: number; email?: string | null; emailAttachAudio?: boolean; pin?: string }): Promise<MailboxRow> {
    const { pin, ...settings } = change;
    return this.#o.repository.saveMailbox(number, { ...settings, ...(pin !== undefined ? { pinHash: await hashPassword(pin) } : {}) });
  }

  /** an uploaded greeting (a WAV file) of one kind, sealed like a recording; the old one is removed */
  async setGreeting(number: string, wav: Buffer, kind: GreetingKind = 'unavailable'): Promise<MailboxRow> {
    const rel = await this.files.writeSealed({ mailbox: number, name: `greeting-${randomUUID()}.wav`, bytes: wav });
    return this.#replaceGreeting(number, kind, rel);
  }

  async clearGreeting(number: string, kind: GreetingKind = 'unavailable'): Promise<void> {
    if ((await this.#o.repository.mailbox(number))?.[GREETING_COLUMN[kind]]) await this.#replaceGreeting(number, kind, null);
  }

  /** `rel` becomes the mailbox's `kind` greeting (null: none) and the file it replaces is removed */
  async #replaceGreeting(number: string, kind: GreetingKind, rel: string | null): Promise<MailboxRow> {
    const column = GREETING_COLUMN[kind];
    const old = (await this.#o.repository.mailbox(number))?.[column];
    const row = await this.#o.repository.saveMailbox(number, { [column]: rel });
    if (old) await this.files.remove(old);
    return row;
  }

  // ---- messages (API) ----

  messagesOf(mailbox: string): Promise<VoicemailMessageRow[]> {
    return this.#o.repository.messages(mailbox);
  }

  message(id: string): Promise<VoicemailMessageRow | undefined> {
    return this.#o.repository.message(id);
  }

  async setRead(id: string, read: boolean): Promise<boolean> {
    const m = await this.#o.repository.message(id);
    if (!m) return false;
    await this.#o.repository.markRead(id, read ? (m.readAt ?? this.#o.clock.now()) : null);
    await this.#changed(m.mailbox);
    return true;
  }

  /** a person deletes a message (the API, the phone menu): refused while its call is on legal hold or, with WORM, retained */
  async deleteByPerson(id: string): Promise<{ readonly ok: true } | { readonly ok: false; readonly status: 404 | 409; readonly reason: string }> {
    const m = await this.#o.repository.message(id);
    if (!m) return { ok: false, status: 404, reason: 'message not found' };
    const refused = (await this.#o.deleteRefusal?.(m.callId)) ?? null;
    if (refused !== null) return { ok: false, status: 409, reason: refused };
    return (await this.deleteMessage(id)) ? { ok: true } : { ok: false, status: 404, reason: 'message not found' };
  }

  /** the retention purge's view (server/recording/retention.ts): messages follow their call's retention */
  readonly retention = {
    messagesBefore: (at: number) => this.#o.repository.messagesBefore(at),
    purge: (id: string) => this.deleteMessage(id),
  };

  /** deletes the message and its audio, unchecked (the purge, which decided already) */
  async deleteMessage(id: string): Promise<boolean> {
    const m = await this.#o.repository.deleteMessage(id);
    if (!m) return false;
    await this.files.remove(m.path);
    await this.#changed(m.mailbox);
    return true;
  }

  // ---- VoicemailPort (phones) ----

  async box(number: string): Promise<{ number: string; maxMessageS: number } | null> {
    const row = await this.#o.repository.mailbox(number);
    return row?.enabled ? { number, maxMessageS: row.maxMessageS } : null;
  }

  /**
   * The greeting a caller hears, for why the call came (Asterisk's VoiceMail b/u): the temporary one
   * while set, else the busy one for a busy extension, else the unavailable one; null: the spoken default.
   */
  async greeting(number: string, why: 'busy' | 'unavailable' = 'unavailable'): Promise<PlayableAudio | null> {
    const row = await this.#o.repository.mailbox(number);
    const rel = row ? (row.temporaryGreetingPath ?? (why === 'busy' ? row.busyGreetingPath : null) ?? row.greetingPath) : null;
    return rel ? this.files.playable(rel) : null;
  }

  async removeGreeting(number: string, kind: GreetingKind): Promise<boolean> {
    const had = Boolean((await this.#o.repository.mailbox(number))?.[GREETING_COLUMN[kind]]);
    await this.clearGreeting(number, kind);
    if (had) this.#o.logger.info({ mailbox: number, kind }, 'voicemail greeting removed by phone');
    return had;
  }

  async beepFile(): Promise<string> {
    const file = join(this.files.dir, 'beep.wav');
    if (!(await access(file).then(() => true, () => false))) {
      await mkdir(this.files.dir, { recursive: true, mode: 0o700 });
      await writeFile(file, beepWav());
    }
    return file;
  }

  /** records `endpoint`'s audio sealed into the mailbox's folder; stop() gives its length (null: failed) */
  #startRecording(o: { mailbox: string; endpoint: EndpointHandle; absolute: string }): { stop(): Promise<number | null> } | null {
    const seal = this.#o.vault.seal();
    let handle: ReturnType<VoicemailOptions['engine']['startRecording']>;
    try {
      handle = this.#o.engine.startRecording({ path: o.absolute, format: 'wav', left: o.endpoint, ...(seal ? { seal } : {}) });
    } catch (err) {
      this.#o.logger.error({ err: String(err), mailbox: o.mailbox }, 'voicemail recording did not start');
      return null;
    }
    return { stop: async () => (await handle.stop().catch(() => null))?.durationMs ?? null };
  }

  async record(o: { mailbox: string; callId: string; caller: string; callerName: string | null; endpoint: EndpointHandle }): Promise<MessageRecording | null> {
    const id = randomUUID();
    const target = await this.files.place(o.mailbox, `${id}.wav`);
    const startedAt = this.#o.clock.now();
    const recording = this.#startRecording({ mailbox: o.mailbox, endpoint: o.endpoint, absolute: target.absolute });
    if (recording === null) return null;
    let stopped: Promise<void> | undefined;
    return {
      stop: () =>
        (stopped ??= (async () => {
          const durationMs = await recording.stop();
          if (durationMs === null || durationMs < (this.#o.minMessageMs ?? 1000)) {
            this.#o.logger.info({ mailbox: o.mailbox, call: o.callId, durationMs }, 'voicemail message dropped: too short or not recorded');
            await this.files.remove(target.relative);
            return;
          }
          const message = { id, mailbox: o.mailbox, caller: o.caller, callerName: o.callerName, callId: o.callId, createdAt: startedAt, durationMs, path: target.relative, readAt: null };
          await this.#o.repository.addMessage(message);
          await this.#changed(o.mailbox);
          this.#o.newMessage?.(message);
        })()),
    };
  }

  /**
   * The owner records a greeting of one kind by phone (*97, mailbox options): a sealed take beside
   * the messages that becomes that greeting only when kept (the old one is then removed).
   */
  async recordGreeting(o: { mailbox: string; endpoint: EndpointHandle; kind: GreetingKind }): Promise<GreetingTake | null> {
    const name = `greeting-${randomUUID()}.wav`;
    const target = await this.files.place(o.mailbox, name);
    const recording = this.#startRecording({ mailbox: o.mailbox, endpoint: o.endpoint, absolute: target.absolute });
    if (recording === null) return null;
    let settled = false;
    const discard = async () => {
      if (settled) return;
      settled = true;
      await this.files.remove(target.relative);
    };
    return {
      stop: async () => {
        const durationMs = await recording.stop();
        if (durationMs !== null && durationMs >= (this.#o.minMessageMs ?? 1000)) return true;
        await discard();
        return false;
      },
      playable: () => this.files.playable(target.relative),
      keep: async () => {
        if (settled) return;
        settled = true;
        await this.#replaceGreeting(o.mailbox, o.kind, target.relative);
        this.#o.logger.info({ mailbox: o.mailbox, kind: o.kind }, 'voicemail greeting recorded by phone');
      },
      discard,
    };
  }

  async checkPin(number: string, pin: string): Promise<boolean> {
    const row = await this.#o.repository.mailbox(number);
    if (!row?.pinHash || pin.length === 0) return false;
    return verifyPassword(row.pinHash, pin);
  }

  async messages(number: string): Promise<readonly VoicemailMessageView[]> {
    return (await this.#o.repository.messages(number)).map((m) => ({ id: m.id, caller: m.caller, isNew: m.readAt === null }));
  }

  async audio(id: string): Promise<PlayableAudio | null> {
    const m = await this.#o.repository.message(id);
    return m ? this.files.playable(m.path) : null;
  }

  async markRead(id: string): Promise<void> {
    await this.setRead(id, true);
  }

  /** the phone menu's delete: a message its call's legal hold or WORM retention keeps stays, marked heard */
  async remove(id: string): Promise<void> {
    const done = await this.deleteByPerson(id);
    if (!done.ok && done.status === 409) {
      this.#o.logger.info({ message: id, reason: done.reason }, 'voicemail message kept: its call may not be deleted yet');
      await this.setRead(id, true);
    }
  }
}
