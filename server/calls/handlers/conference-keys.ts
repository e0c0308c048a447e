// In-room keys, as ConfBridge's sample menus have them: '1' (or '*1') mutes or unmutes oneself;
// a moderator's '2' (or '*2') locks or unlocks the room (a locked room refuses new participants).
// A '*' alone only leads the next key, so both spellings work without a menu timer. Each change is
// said back to the member who keyed it.
import type { EndpointHandle } from '../../../media/index.js';
import type { Call } from '../call.js';
import type { Rooms } from './conference-rooms.js';
import { PROMPTS, speak, type PromptServices } from './conference-policy.js';

export const ROOM_KEYS = { mute: '1', lock: '2' } as const;

/** listens to the member's keys until the call ends; returns the listener's removal */
export function roomKeys(o: { call: Call; endpoint: EndpointHandle; room: string; rooms: Rooms; services: PromptServices }): () => void {
  const { call, room, rooms } = o;
  const say = (text: string) => void speak({ call, endpoint: o.endpoint, services: o.services, text, wait: false });
  return call.on('dtmf', (e) => {
    if (e.side !== 'caller') return;
    if (e.digit === ROOM_KEYS.mute) {
      const muted = rooms.muted(room, call.id);
      if (muted === undefined) return;
      rooms.mute(room, call.id, !muted);
      // a waiting member hears music: what it set is said once it is in the room (its seat shows it)
      if (!rooms.waiting(room, call.id)) say(muted ? PROMPTS.unmuted : PROMPTS.muted);
    } else if (e.digit === ROOM_KEYS.lock && rooms.isModerator(room, call.id)) {
      const locked = !rooms.isLocked(room);
      rooms.lock(room, locked);
      say(locked ? PROMPTS.roomLocked : PROMPTS.roomUnlocked);
    }
  });
}
