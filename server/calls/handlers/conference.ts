// A conference room (FreeSWITCH's default dialplan puts them at 3000-3099): the call is answered
// here and its endpoint joins the room's mixer; the room closes when its last member leaves.
// Rooms also answers the API's live view: who is in which room since when, muted or not.
import type { EndpointHandle, RoomHandle } from '../../../media/index.js';
import type { Call } from '../call.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';
import { answerable, type LocalServices } from './local.js';

/** One member of a room as the API lists it. */
export interface RoomMember {
  readonly callId: string;
  readonly number: string;
  readonly name: string | null;
  /** ms since the epoch */
  readonly joinedAt: number;
  readonly muted: boolean;
}

interface Seat {
  readonly endpoint: EndpointHandle;
  readonly number: string;
  readonly name: string | null;
  readonly joinedAt: number;
  muted: boolean;
}

/** The open rooms, shared by every conference handler and the API's live room view. */
export class Rooms {
  readonly #rooms = new Map<string, { room: RoomHandle; members: Map<string, Seat> }>();
  readonly #services: LocalServices;
  readonly #now: () => number;

  constructor(services: LocalServices, now: () => number = Date.now) {
    this.#services = services;
    this.#now = now;
  }

  join(number: string, call: Call, endpoint: EndpointHandle): RoomHandle {
    let entry = this.#rooms.get(number);
    if (entry === undefined) {
      entry = { room: this.#services.engine.createRoom({ group: `conference:${number}`, sampleRate: 8000 }), members: new Map() };
      this.#rooms.set(number, entry);
    }
    entry.members.set(call.id, { endpoint, number: call.caller.number, name: call.caller.displayName, joinedAt: this.#now(), muted: false });
    entry.room.join(endpoint);
    return entry.room;
  }

  leave(number: string, callId: string): void {
    const entry = this.#rooms.get(number);
    if (entry === undefined || !entry.members.delete(callId) || entry.members.size > 0) return;
    entry.room.close();
    this.#rooms.delete(number);
  }

  /** the open rooms by number, members in the order they joined */
  list(): { readonly room: string; readonly members: RoomMember[] }[] {
    return [...this.#rooms].map(([room, e]) => ({ room, members: [...e.members].map(([callId, s]) => ({ callId, number: s.number, name: s.name, joinedAt: s.joinedAt, muted: s.muted })) }));
  }

  /** false when the room is not open or the call is not in it */
  mute(room: string, callId: string, muted: boolean): boolean {
    const entry = this.#rooms.get(room);
    const seat = entry?.members.get(callId);
    if (entry === undefined || seat === undefined) return false;
    seat.muted = muted;
    entry.room.mute(seat.endpoint, muted);
    return true;
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
    this.#rooms.join(number, call, ready.media.endpoint);
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
