// Voicemail on a call (Asterisk's VoiceMail() and VoiceMailMain()). Deposit: the caller is
// answered, hears the mailbox's greeting (or a spoken default) and a beep, and what it says is
// recorded until it hangs up, presses #, or the mailbox's limit. The greeting is the one for why the
// call came: busy or unavailable (no answer, no phone), a temporary one overriding both. Retrieval (*97 own box, *98 any
// box): the PIN by DTMF (three tries), the counts with 1 (or nothing) to listen, 0 for mailbox
// options (voicemail-options.ts: record the greeting), * to end; then each message (new first):
//   1 play again · 6 next · 7 delete · 9 save · 2 call the sender back · * end
// Mailboxes, files and MWI belong to server/voicemail behind VoicemailPort.
import type { EndpointHandle } from '../../../media/index.js';
import type { GreetingKind } from '../../store/index.js';
import type { Call } from '../call.js';
import { LocalMedia } from '../local-media.js';
import { FAILURES } from '../outcome.js';
import { answered } from './anchored.js';
import type { DialServices } from './dial.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';
import type { LocalServices } from './local.js';
import type { SpeechPrompts } from './say.js';
import { ask, KEY_TIMEOUT_MS, say, spaced } from './voicemail-prompts.js';
import { mailboxOptions } from './voicemail-options.js';

export interface VoicemailMessageView {
  readonly id: string;
  readonly caller: string;
  readonly isNew: boolean;
}

/** a plain WAV to play, and what to do once played (a decrypted copy is removed) */
export interface PlayableAudio {
  readonly file: string;
  done(): Promise<void>;
}

/** A message being recorded: stop() ends it and keeps it (when long enough to be one). */
export interface MessageRecording {
  stop(): Promise<void>;
}

/** A greeting recorded by phone, kept only when its owner accepts it. */
export interface GreetingTake {
  /** ends the recording; false when it was too short (and is gone) */
  stop(): Promise<boolean>;
  playable(): Promise<PlayableAudio | null>;
  /** it becomes the mailbox's greeting (the old one is removed) */
  keep(): Promise<void>;
  discard(): Promise<void>;
}

export interface VoicemailPort {
  /** the mailbox of an extension when it has an enabled one */
  box(number: string): Promise<{ readonly number: string; readonly maxMessageS: number } | null>;
  /** the greeting for why the call came (busy, or not answered/unregistered); null: the spoken default */
  greeting(number: string, why: 'busy' | 'unavailable'): Promise<PlayableAudio | null>;
  /** a short beep WAV (the cue to speak) */
  beepFile(): Promise<string>;
  record(o: { readonly mailbox: string; readonly callId: string; readonly caller: string; readonly callerName: string | null; readonly endpoint: EndpointHandle }): Promise<MessageRecording | null>;
  recordGreeting(o: { readonly mailbox: string; readonly endpoint: EndpointHandle; readonly kind: GreetingKind }): Promise<GreetingTake | null>;
  /** false when the mailbox had no greeting of that kind */
  removeGreeting(mailbox: string, kind: GreetingKind): Promise<boolean>;
  checkPin(number: string, pin: string): Promise<boolean>;
  messages(number: string): Promise<readonly VoicemailMessageView[]>;
  audio(id: string): Promise<PlayableAudio | null>;
  markRead(id: string): Promise<void>;
  remove(id: string): Promise<void>;
}

export type VoicemailServices = LocalServices &
  DialServices & {
    readonly voicemail: VoicemailPort | null;
    readonly tts: SpeechPrompts | null;
  };

const PIN_TRIES = 3;
/** how long the counts wait for 0 (options) before the messages play */
const MAIN_MENU_TIMEOUT_MS = 5_000;

/** Deposit a message in `mailbox` on an answered-or-answerable call; 'next' after the caller is done. */
export async function depositMessage(o: { call: Call; ctx: HandlerContext; services: VoicemailServices; mailbox: string; reason?: 'busy' | 'no-answer' }): Promise<HandlerOutcome> {
  const { call, ctx, services } = o;
  const port = services.voicemail;
  const box = port === null ? null : await port.box(o.mailbox);
  if (port === null || box === null) return { kind: 'failed', failure: FAILURES.unavailable, by: 'system' };
  const notAnswered = await answered(call, ctx, services);
  if (notAnswered !== null) return notAnswered;
  // why the extension missed the call: told by its own step, or (a plan's voicemail step after it) the call's last miss there
  const busy = (o.reason ?? call.retargets.findLast((h) => h.from === box.number)?.reason) === 'busy';
  const greeting = await port.greeting(box.number, busy ? 'busy' : 'unavailable');
  if (greeting !== null) {
    await call.play({ file: greeting.file });
    await greeting.done();
  } else await say(call, services, `The person at extension ${spaced(box.number)} is ${busy ? 'on the phone' : 'not available'}. Please leave a message after the tone, then hang up or press pound.`);
  await call.play({ file: await port.beepFile() });
  const media = call.media;
  if (!(media instanceof LocalMedia)) return { kind: 'killed', reason: 'call-ended' };
  const recording = await port.record({ mailbox: box.number, callId: call.id, caller: call.caller.number, callerName: call.caller.displayName, endpoint: media.endpoint });
  if (recording === null) return { kind: 'failed', failure: FAILURES.unavailable, by: 'system' };
  // until # (or any key), the limit, or the caller's hang-up (collection ends with the call)
  await call.collectDigits({ max: 1, terminators: '#', firstDigitTimeoutMs: box.maxMessageS * 1000, interDigitTimeoutMs: 1 });
  await recording.stop();
  ctx.logger.info({ call: call.id, mailbox: box.number }, 'voicemail left');
  await say(call, services, 'Your message has been saved. Goodbye.');
  return { kind: 'next' };
}

export class Voicemail extends BaseHandler {
  readonly name = 'voicemail';
  readonly #s: VoicemailServices;

  constructor(services: VoicemailServices) {
    super();
    this.#s = services;
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'voicemail') throw new Error(`voicemail cannot run a '${d.kind}' destination`);
    if (d.action === 'deposit') return depositMessage({ call, ctx, services: this.#s, mailbox: d.mailbox ?? ctx.step.dialled });
    const port = this.#s.voicemail;
    if (port === null) return { kind: 'failed', failure: FAILURES.unavailable, by: 'system' };
    const notAnswered = await answered(call, ctx, this.#s);
    if (notAnswered !== null) return notAnswered;
    let mailbox: string | null = call.caller.number;
    if (d.action === 'retrieve-any') mailbox = await ask(call, this.#s, 'Mailbox number, then pound.', 15);
    for (let tries = 0; mailbox !== null && tries < PIN_TRIES; tries++) {
      const pin = await ask(call, this.#s, tries === 0 ? 'Please enter your PIN, then pound.' : 'Incorrect. Please enter your PIN, then pound.', 12);
      if (pin === null) return { kind: 'killed', reason: 'call-ended' };
      // the same answer for a wrong PIN and a mailbox that does not exist: nothing to probe
      if ((await port.box(mailbox)) !== null && (await port.checkPin(mailbox, pin))) return this.#menu(call, ctx, port, mailbox);
    }
    await say(call, this.#s, 'Goodbye.');
    return { kind: 'next' };
  }

  async #menu(call: Call, ctx: HandlerContext, port: VoicemailPort, mailbox: string): Promise<HandlerOutcome> {
    let all = [...(await port.messages(mailbox))].sort((a, b) => Number(b.isNew) - Number(a.isNew));
    for (;;) {
      const fresh = all.filter((m) => m.isNew).length;
      const main = await ask(call, this.#s, `You have ${fresh} new and ${all.length - fresh} saved messages. Press 1 to listen, 0 for mailbox options, star to end.`, 1, MAIN_MENU_TIMEOUT_MS);
      if (main === null) return { kind: 'killed', reason: 'call-ended' };
      if (main === '*') {
        await say(call, this.#s, 'Goodbye.');
        return { kind: 'next' };
      }
      if (main !== '0') break;
      if ((await mailboxOptions({ call, services: this.#s, port, mailbox })) === 'ended') return { kind: 'killed', reason: 'call-ended' };
      all = [...(await port.messages(mailbox))].sort((a, b) => Number(b.isNew) - Number(a.isNew));
    }
    for (let i = 0; i < all.length; ) {
      const m = all[i]!;
      const audio = await port.audio(m.id);
      // a key while the message (or its heading) plays stops it and is the choice
      const choice = await ask(call, this.#s, 'Press 1 to play again, 6 for the next message, 7 to delete, 9 to save, 2 to call back, star to end.', 1, KEY_TIMEOUT_MS, async (keyed) => {
        await say(call, this.#s, `Message ${i + 1}, from ${spaced(m.caller)}.`);
        if (audio !== null && !keyed()) await call.play({ file: audio.file });
      });
      if (audio !== null) {
        await audio.done();
        if (m.isNew) await port.markRead(m.id);
      }
      if (choice === null) return { kind: 'killed', reason: 'call-ended' };
      if (choice === '1') continue;
      if (choice === '7') {
        await port.remove(m.id);
        await say(call, this.#s, 'Deleted.');
      } else if (choice === '9') {
        await port.markRead(m.id);
        await say(call, this.#s, 'Saved.');
      } else if (choice === '2') {
        ctx.logger.info({ call: call.id, to: m.caller }, 'voicemail call-back');
        return this.#s.dial({ call, ctx, services: this.#s, numbers: [m.caller], timeoutMs: 30_000 });
      } else if (choice === '*' || choice === '') break;
      i++;
    }
    await say(call, this.#s, 'No more messages. Goodbye.');
    return { kind: 'next' };
  }
}
