// A conference room (FreeSWITCH's default dialplan puts them at 3000-3099): the call is answered
// here and its endpoint joins the room's mixer; the room closes when its last member leaves.
import type { RoomHandle } from '../../../media/index.js';
import type { Call } from '../call.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';
import { answerable, type LocalServices } from './local.js';

/** The open rooms, shared by every conference handler. */
export class Rooms {
  readonly #rooms = new Map<string, { room: RoomHandle; members: Set<string> }>();
  readonly #services: LocalServices;

  constructor(services: LocalServices) {
    this.#services = services;
  }

  join(number: string, callId: string): RoomHandle {
    let entry = this.#rooms.get(number);
    if (entry === undefined) {
      entry = { room: this.#services.engine.createRoom({ group: `conference:${number}`, sampleRate: 8000 }), members: new Set() };
      this.#rooms.set(number, entry);
    }
    entry.members.add(callId);
    return entry.room;
  }

  leave(number: string, callId: string): void {
    const entry = this.#rooms.get(number);
    if (entry === undefined || !entry.members.delete(callId) || entry.members.size > 0) return;
    entry.room.close();
    this.#rooms.delete(number);
  }
}

export class ConferenceRoom extends BaseHandler {
  readonly name = 'conference';
  readonly #services: LocalServices;
  readonly #rooms: Rooms;

  constructor(services: LocalServices, rooms: Rooms) {
    super();
    this.#services = services;
    this.#rooms = rooms;
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'conference') throw new Error(`conference cannot run a '${d.kind}' destination`);
    const number = d.room ?? ctx.step.dialled;
    const ready = await answerable({ call, ctx, services: this.#services, group: `conference:${number}` });
    if (!('media' in ready)) return ready;
    const room = this.#rooms.join(number, call.id);
    room.join(ready.media.endpoint);
    // the seat is the call's: it is given up when the call ends, whoever ends it
    call.adopt({ close: () => this.#rooms.leave(number, call.id) });
    if (!call.answerHere(ready.media, ready.media.lastSent()!)) {
      this.#rooms.leave(number, call.id);
      void ready.media.close();
      return { kind: 'killed', reason: 'call-ended' };
    }
    return { kind: 'answered' };
  }
}
