// What a conference room asks of a caller before the caller joins (Asterisk ConfBridge's pin,
// marked and wait_marked options): a PIN keyed on the phone and '#', which role the PIN gives, and
// whether participants wait (music on hold, hearing nobody) until a moderator is in the room. The
// prompts are spoken with the server's TTS, as 'say' steps are; without TTS the caller keys blind.
import type { EndpointHandle, PlayItem } from '../../../media/index.js';
import { CallState, type Call } from '../call.js';
import type { SpeechPrompts } from './say.js';

export type RoomRole = 'moderator' | 'participant';

export interface RoomPolicy {
  /** participants need a PIN (false: a moderator-PIN-only room, where '#' alone joins as participant) */
  readonly participantPin: boolean;
  /** participants hear music on hold, and nobody, until a moderator is in the room */
  readonly waitForModerator: boolean;
  /** the role a keyed PIN gives (''  when only '#' was keyed); null: a wrong PIN */
  roleOf(pin: string): Promise<RoomRole | null>;
}

/** the room settings (server/calls/conference-settings.ts): null for an open room */
export interface RoomPolicies {
  policy(room: string): Promise<RoomPolicy | null>;
}

/** ConfBridge's default: three tries, then goodbye */
export const PIN_TRIES = 3;
const MAX_PIN_DIGITS = 12;
/** from the end of the prompt (which digits interrupt) to the first digit, and between digits */
const FIRST_DIGIT_MS = 15_000;
const INTER_DIGIT_MS = 6_000;

export const PROMPTS = {
  enterPin: 'Please enter the conference PIN, followed by the hash key.',
  enterPinModeratorOnly: 'Please enter the moderator PIN followed by the hash key, or press hash to join.',
  wrongPin: 'That PIN is not valid. Please try again.',
  goodbye: 'That PIN is not valid. Goodbye.',
  locked: 'This conference is locked. Goodbye.',
  waiting: 'The conference will begin when the moderator arrives.',
  muted: 'You are now muted.',
  unmuted: 'You are no longer muted.',
  roomLocked: 'The conference is now locked.',
  roomUnlocked: 'The conference is now unlocked.',
} as const;

export interface PromptServices {
  /** null: no TTS on this server (prompts are skipped) */
  readonly tts?: SpeechPrompts | null;
  /** the default music on hold class; undefined: a dial tone stands in */
  readonly musicOnHold?: () => Promise<PlayItem | undefined>;
}

let playSeq = 0;

/**
 * Speaks `text` to a conference caller's endpoint (a prompt replaces the room's mix while it
 * plays, media/session/room.ts) and resolves when it ended; at once when there is no TTS or the
 * synthesis failed. The endpoint's own 'play-done' says when: a room member is not anchored, so
 * Call.play() does not play to it.
 */
export async function speak(o: { call: Call; endpoint: EndpointHandle; services: PromptServices; text: string; wait?: boolean }): Promise<void> {
  const tts = o.services.tts;
  if (tts == null || o.call.state === CallState.Ended) return;
  let file: string;
  try {
    file = await tts.promptFile({ text: o.text, rate: 8000 });
  } catch {
    return;
  }
  const id = `conference-prompt-${++playSeq}`;
  if (o.wait === false) return o.endpoint.play(id, { file });
  await new Promise<void>((resolve) => {
    // an endpoint drops its listeners when it closes: the call's end settles the wait as well
    const done = () => {
      offPlay();
      offClose();
      resolve();
    };
    const offPlay = o.endpoint.on('play-done', (e) => {
      if (e.id === id) done();
    });
    const offClose = o.call.on('close', done);
    if (o.call.state === CallState.Ended) return done();
    o.endpoint.play(id, { file });
  });
}

/** music on hold for a participant waiting for the moderator, looped until stopped */
export async function playWaitMusic(endpoint: EndpointHandle, services: PromptServices): Promise<void> {
  const music = (await services.musicOnHold?.()) ?? { tone: 'dial' as const };
  endpoint.play('conference-wait', music.file !== undefined ? { ...music, loop: true } : music);
}

/**
 * The PIN dialogue: the prompt (digits keyed during it stop it and count), up to PIN_TRIES tries.
 * Resolves with the role, or null after the last wrong try or when the call ended.
 */
export async function askPin(o: { call: Call; endpoint: EndpointHandle; policy: RoomPolicy; services: PromptServices }): Promise<RoomRole | null> {
  const { call, endpoint } = o;
  // a digit interrupts a prompt, as IVR menus let callers key ahead
  const offBargeIn = call.on('dtmf', (e) => {
    if (e.side === 'caller') endpoint.stopPlayback();
  });
  try {
    const collect = () => call.collectDigits({ max: MAX_PIN_DIGITS, terminators: '#', firstDigitTimeoutMs: FIRST_DIGIT_MS + 10_000, interDigitTimeoutMs: INTER_DIGIT_MS });
    let keyed = collect();
    for (let attempt = 1; attempt <= PIN_TRIES; attempt++) {
      const text = attempt > 1 ? PROMPTS.wrongPin : o.policy.participantPin ? PROMPTS.enterPin : PROMPTS.enterPinModeratorOnly;
      await speak({ call, endpoint, services: o.services, text });
      const got = await keyed;
      if (got.reason === 'call-ended') return null;
      // the next try's digits are collected while this one is checked (scrypt takes tens of ms): a
      // caller keying on at once loses none (a collection left over after the right PIN times out unread)
      if (attempt < PIN_TRIES) keyed = collect();
      // a time-out with nothing keyed is a wrong try; only '#' ends a PIN
      const role = got.reason === 'terminator' ? await o.policy.roleOf(got.digits) : null;
      if (role !== null) return role;
    }
    return null;
  } finally {
    offBargeIn();
  }
}
