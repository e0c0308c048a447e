// What the voicemail menus say and how they wait for keys: a spoken prompt (TTS at 8 kHz; skipped
// without TTS) and the digits keyed during or after it. The first key stops what is playing
// (barge-in), as on any PBX: a caller who knows the menu need not hear it out.
import { CallState, type Call } from '../call.js';
import type { SpeechPrompts } from './say.js';

/** how long a caller has to key a menu choice or a PIN after the prompt */
export const KEY_TIMEOUT_MS = 20_000;

export interface PromptServices {
  readonly tts: SpeechPrompts | null;
}

/** speak `text` (TTS prompt at 8 kHz); without TTS the prompt is skipped */
export async function say(call: Call, services: PromptServices, text: string): Promise<void> {
  if (services.tts === null) return;
  const file = await services.tts.promptFile({ text, rate: 8000 }).catch(() => null);
  if (file !== null) await call.play({ file });
}

/** until the returned function is called, the caller's first key stops the playing prompt */
export function bargeIn(call: Call): () => void {
  const off = call.on('dtmf', (e) => {
    if (e.side !== 'caller') return;
    off();
    call.anchor?.stopPlayback();
  });
  return off;
}

/**
 * A prompt and the digits keyed during or after it; null when the call ended. Keys during the
 * prompt stop it and count; the wait for a first key starts once the prompt has been heard out.
 * `lead` plays first under the same keys (told whether a key came, to skip what is left) (a message before its menu: as on Asterisk, 7 keyed while
 * a message plays deletes it, and the menu's prompt is not spoken).
 */
export async function ask(call: Call, services: PromptServices, text: string, max: number, timeoutMs = KEY_TIMEOUT_MS, lead?: (keyed: () => boolean) => Promise<void>): Promise<string | null> {
  let early = '';
  let done = false;
  const off = call.on('dtmf', (e) => {
    if (e.side !== 'caller' || done) return;
    if (early === '') call.anchor?.stopPlayback();
    if (e.digit === '#') done = true;
    else if ((early += e.digit).length >= max) done = true;
  });
  await lead?.(() => early !== '' || done);
  if (!done && early === '') await say(call, services, text);
  off();
  if (call.state === CallState.Ended) return null;
  if (done) return early;
  const got = await call.collectDigits({ max: max - early.length, terminators: '#', firstDigitTimeoutMs: early === '' ? timeoutMs : 5_000, interDigitTimeoutMs: 5_000 });
  return got.reason === 'call-ended' ? null : early + got.digits;
}

export const spaced = (digits: string): string => digits.split('').join(' ');
