// The mailbox options of the retrieval menu (Asterisk's VoiceMailMain "0"): the owner records the
// mailbox's greetings by phone, 1 unavailable (no answer, no phone), 2 busy, 3 temporary (heard
// instead of both while set), 4 removes the temporary one. After the beep it speaks until # (or the
// limit); the take is played back, then 1 keeps it (it becomes that greeting, sealed like the
// messages), 2 plays it again, 3 records it again, * drops it. Hanging up drops a take not yet kept.
import type { GreetingKind } from '../../store/index.js';
import type { Call } from '../call.js';
import { LocalMedia } from '../local-media.js';
import type { VoicemailPort } from './voicemail.js';
import { ask, bargeIn, KEY_TIMEOUT_MS, say, type PromptServices } from './voicemail-prompts.js';

/** the longest greeting taken by phone */
export const GREETING_MAX_S = 60;

const KEYS: Readonly<Record<string, GreetingKind>> = { '1': 'unavailable', '2': 'busy', '3': 'temporary' };

/** 'ended' when the call ended while in the options */
export async function mailboxOptions(o: { call: Call; services: PromptServices; port: VoicemailPort; mailbox: string }): Promise<'back' | 'ended'> {
  const { call, services } = o;
  for (;;) {
    const choice = await ask(call, services, 'Press 1 to record your unavailable greeting, 2 your busy greeting, 3 your temporary greeting, 4 to remove the temporary greeting, star to go back.', 1);
    if (choice === null) return 'ended';
    if (choice === '4') {
      await say(call, services, (await o.port.removeGreeting(o.mailbox, 'temporary')) ? 'Your temporary greeting has been removed.' : 'You have no temporary greeting.');
      continue;
    }
    const kind = KEYS[choice];
    if (kind === undefined) return 'back';
    const kept = await recordGreeting({ ...o, kind });
    if (kept === 'ended') return 'ended';
  }
}

async function recordGreeting(o: { call: Call; services: PromptServices; port: VoicemailPort; mailbox: string; kind: GreetingKind }): Promise<'kept' | 'dropped' | 'ended'> {
  const { call, services, port } = o;
  for (;;) {
    await say(call, services, `Record your ${o.kind} greeting after the tone, then press pound.`);
    await call.play({ file: await port.beepFile() });
    const media = call.media;
    if (!(media instanceof LocalMedia)) return 'ended';
    const take = await port.recordGreeting({ mailbox: o.mailbox, endpoint: media.endpoint, kind: o.kind });
    if (take === null) {
      await say(call, services, 'Recording is not available.');
      return 'dropped';
    }
    // until # (or any key), the limit, or the hang-up (collection ends with the call)
    const end = await call.collectDigits({ max: 1, terminators: '#', firstDigitTimeoutMs: GREETING_MAX_S * 1000, interDigitTimeoutMs: 1 });
    const long = await take.stop();
    if (end.reason === 'call-ended') {
      await take.discard();
      return 'ended';
    }
    if (!long) {
      await say(call, services, 'That was too short.');
      continue;
    }
    let choice: string | null = '2';
    while (choice === '2') {
      // a key pressed while the take plays stops it and counts as the answer
      const keyed = call.collectDigits({ max: 1, terminators: '', firstDigitTimeoutMs: KEY_TIMEOUT_MS + GREETING_MAX_S * 1000, interDigitTimeoutMs: 1 });
      const off = bargeIn(call);
      const audio = await take.playable();
      if (audio !== null) {
        await call.play({ file: audio.file });
        await audio.done();
      }
      await say(call, services, 'Press 1 to keep this greeting, 2 to hear it again, 3 to record it again, star to cancel.');
      off();
      const got = await keyed;
      choice = got.reason === 'call-ended' ? null : got.digits;
    }
    if (choice === null) {
      await take.discard();
      return 'ended';
    }
    if (choice === '1') {
      await take.keep();
      await say(call, services, 'Your greeting has been saved.');
      return 'kept';
    }
    await take.discard();
    if (choice !== '3') return 'dropped';
  }
}
