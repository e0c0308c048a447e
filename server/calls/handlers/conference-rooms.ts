// The open conference rooms, shared by every conference handler and the API's live room view: who
// is in which room since when, muted or not, moderator or not; whether a room is locked; and the
// participants waiting for a moderator (ConfBridge's wait_marked): their endpoints stay out of the
// room's mixer, hearing music on hold and heard by nobody, until a moderator joins.
import type { EndpointHandle, RoomHandle } from '../../../media/index.js';
import type { Call } from '../call.js';
import type { LocalServices } from './local.js';

/** One member of a room as the API lists it. */
export interface RoomMember {
  readonly callId: string;
  readonly number: string;
  readonly name: string | null;
  /** ms since the epoch */
  readonly joinedAt: number;
  readonly muted: boolean;
  readonly moderator: boolean;
  /** waiting for a moderator: music on hold, not in the mix */
  readonly waiting: boolean;
}

interface Seat {
  readonly endpoint: EndpointHandle;
  readonly number: string;
  readonly name: string | null;
  readonly joinedAt: number;
  readonly moderator: boolean;
  muted: boolean;
  waiting: boolean;
}

interface OpenRoom {
  readonly room: RoomHandle;
  readonly members: Map<string, Seat>;
  locked: boolean;
}

export class Rooms {
  readonly #rooms = new Map<string, OpenRoom>();
  /** calls keying a room's PIN now: their digits are withheld from the events stream */
  readonly #keying = new Set<string>();
  readonly #services: LocalServices;
  readonly #now: () => number;

  constructor(services: LocalServices, now: () => number = Date.now) {
    this.#services = services;
    this.#now = now;
  }

  /**
   * Seats the call in the room. With `waitForModerator` a participant who finds no moderator there
   * is seated waiting ('waiting' is returned: the caller plays it music); a moderator's arrival
   * brings every waiting participant into the mix, their music stopped.
   */
  join(o: { number: string; call: Call; endpoint: EndpointHandle; moderator?: boolean; waitForModerator?: boolean }): 'joined' | 'waiting' {
    let entry = this.#rooms.get(o.number);
    if (entry === undefined) {
      entry = { room: this.#services.engine.createRoom({ group: `conference:${o.number}`, sampleRate: 8000 }), members: new Map(), locked: false };
      this.#rooms.set(o.number, entry);
    }
    const moderator = o.moderator ?? false;
    const waiting = (o.waitForModerator ?? false) && !moderator && !this.#moderatorIn(entry);
    entry.members.set(o.call.id, { endpoint: o.endpoint, number: o.call.caller.number, name: o.call.caller.displayName, joinedAt: this.#now(), muted: false, moderator, waiting });
    if (waiting) return 'waiting';
    entry.room.join(o.endpoint);
    if (moderator) for (const seat of entry.members.values()) if (seat.waiting) this.#admit(entry, seat);
    return 'joined';
  }

  leave(number: string, callId: string): void {
    const entry = this.#rooms.get(number);
    if (entry === undefined || !entry.members.delete(callId) || entry.members.size > 0) return;
    // the last one out: the room and its lock go
    entry.room.close();
    this.#rooms.delete(number);
  }

  /** the open rooms by number, members in the order they joined */
  list(): { readonly room: string; readonly locked: boolean; readonly members: RoomMember[] }[] {
    return [...this.#rooms].map(([room, e]) => ({
      room,
      locked: e.locked,
      members: [...e.members].map(([callId, s]) => ({ callId, number: s.number, name: s.name, joinedAt: s.joinedAt, muted: s.muted, moderator: s.moderator, waiting: s.waiting })),
    }));
  }

  /** false when the room is not open or the call is not in it */
  mute(room: string, callId: string, muted: boolean): boolean {
    const entry = this.#rooms.get(room);
    const seat = entry?.members.get(callId);
    if (entry === undefined || seat === undefined) return false;
    seat.muted = muted;
    // a waiting seat is not in the mixer yet: its mute is applied when it is admitted
    if (!seat.waiting) entry.room.mute(seat.endpoint, muted);
    return true;
  }

  /** whether the member is muted now (undefined: not in the room) */
  muted(room: string, callId: string): boolean | undefined {
    return this.#rooms.get(room)?.members.get(callId)?.muted;
  }

  /** whether the member still waits for a moderator */
  waiting(room: string, callId: string): boolean {
    return this.#rooms.get(room)?.members.get(callId)?.waiting ?? false;
  }

  /** whether the member joined as the room's moderator */
  isModerator(room: string, callId: string): boolean {
    return this.#rooms.get(room)?.members.get(callId)?.moderator ?? false;
  }

  isLocked(room: string): boolean {
    return this.#rooms.get(room)?.locked ?? false;
  }

  /** false when the room is not open */
  lock(room: string, locked: boolean): boolean {
    const entry = this.#rooms.get(room);
    if (entry === undefined) return false;
    entry.locked = locked;
    return true;
  }

  /** whether the call is keying a room's PIN now (server/app redacts its DTMF events) */
  keyingPin(callId: string): boolean {
    return this.#keying.has(callId);
  }

  keying(callId: string, on: boolean): void {
    if (on) this.#keying.add(callId);
    else this.#keying.delete(callId);
  }

  #moderatorIn(entry: OpenRoom): boolean {
    for (const seat of entry.members.values()) if (seat.moderator) return true;
    return false;
  }

  #admit(entry: OpenRoom, seat: Seat): void {
    seat.waiting = false;
    seat.endpoint.stopPlayback();
    entry.room.join(seat.endpoint);
    if (seat.muted) entry.room.mute(seat.endpoint, true);
  }
}
