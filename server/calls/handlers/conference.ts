// A conference room (FreeSWITCH's default dialplan puts them at 3000-3099): the call is answered
// here and its endpoint joins the room's mixer; the room closes when its last member leaves. A
// room with settings (conference-policy.ts) first asks for a PIN (three tries, then goodbye and
// BYE with the cause 'conference-pin-failed'); the moderator PIN marks the member moderator, and
// with wait-for-moderator participants hear music on hold until one is there. A locked room
// refuses new participants (cause 'conference-locked'). In the room, keys mute and lock
// (conference-keys.ts).
import type { EndpointHandle, PlayItem } from '../../../media/index.js';
import { CallState, type Call } from '../call.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';
import { answerable, type LocalServices } from './local.js';
import { Rooms } from './conference-rooms.js';
import { roomKeys } from './conference-keys.js';
import { askPin, playWaitMusic, PROMPTS, speak, type RoomPolicies, type RoomRole } from './conference-policy.js';
import type { SpeechPrompts } from './say.js';

export { Rooms, type RoomMember } from './conference-rooms.js';

export interface ConferenceServices extends LocalServices {
  /** absent or null: no prompts (the caller keys blind) */
  readonly tts?: SpeechPrompts | null;
  readonly musicOnHold?: () => Promise<PlayItem | undefined>;
  /** room settings; absent: every room is open */
  readonly conferencePolicies?: RoomPolicies;
}

export class ConferenceRoom extends BaseHandler {
  readonly name = 'conference';
  readonly #services: ConferenceServices;
  readonly #rooms: Rooms;

  constructor(services: ConferenceServices, rooms: Rooms) {
    super();
    this.#services = services;
    this.#rooms = rooms;
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'conference') throw new Error(`conference cannot run a '${d.kind}' destination`);
    const number = d.room ?? ctx.step.dialled;
    const policy = (await this.#services.conferencePolicies?.policy(number)) ?? null;
    const ready = await answerable({ call, ctx, services: this.#services, group: `conference:${number}` });
    if (!('media' in ready)) return ready;
    const endpoint = ready.media.endpoint;
    if (!call.answerHere(ready.media, ready.media.lastSent()!)) {
      void ready.media.close();
      return { kind: 'killed', reason: 'call-ended' };
    }
    const services = this.#services;
    let role: RoomRole = 'participant';
    if (policy !== null) {
      // a PIN is a secret: its digits do not go out on the events stream
      this.#rooms.keying(call.id, true);
      const keyed = await askPin({ call, endpoint, policy, services }).finally(() => this.#rooms.keying(call.id, false));
      if (call.state === CallState.Ended) return { kind: 'answered' };
      if (keyed === null) return this.#refuse(call, endpoint, PROMPTS.goodbye, 'conference-pin-failed');
      role = keyed;
    }
    // a moderator may enter a locked room (ConfBridge lets admins in)
    if (role !== 'moderator' && this.#rooms.isLocked(number)) return this.#refuse(call, endpoint, PROMPTS.locked, 'conference-locked');
    if (call.state === CallState.Ended) return { kind: 'answered' };
    const seated = this.#rooms.join({ number, call, endpoint, moderator: role === 'moderator', waitForModerator: policy?.waitForModerator ?? false });
    // the seat is the call's: it is given up when the call ends, whoever ends it
    call.adopt({ close: () => this.#rooms.leave(number, call.id) });
    const offKeys = roomKeys({ call, endpoint, room: number, rooms: this.#rooms, services });
    call.adopt({ close: offKeys });
    ctx.logger.info({ call: call.id, room: number, role, seated }, 'conference member joined');
    if (seated === 'waiting') await this.#wait(call, endpoint, number);
    return { kind: 'answered' };
  }

  /** a participant waiting for the moderator: told so, then music until the moderator's arrival stops it */
  async #wait(call: Call, endpoint: EndpointHandle, number: string): Promise<void> {
    await speak({ call, endpoint, services: this.#services, text: PROMPTS.waiting });
    if (!this.#rooms.waiting(number, call.id)) return;
    await playWaitMusic(endpoint, this.#services);
    // the moderator came while the music was looked up: the admission's stop came before the play
    if (!this.#rooms.waiting(number, call.id)) endpoint.stopPlayback();
  }

  async #refuse(call: Call, endpoint: EndpointHandle, text: string, cause: string): Promise<HandlerOutcome> {
    await speak({ call, endpoint, services: this.#services, text });
    await call.hangup('system', cause);
    return { kind: 'answered' };
  }
}
