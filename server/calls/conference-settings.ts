// Conference room settings as the API writes them and the conference handler reads them: PINs are
// hashed here (store/credentials, scrypt as voicemail PINs) and only `hasPin` ever leaves; a room's
// policy tells the handler whether to ask for a PIN, which role a keyed PIN gives, and whether
// participants wait for a moderator. Cross-field refusals name the field they are about.
import { hashPassword, verifyPassword, type ConferenceRoomRepository, type ConferenceRoomRow } from '../store/index.js';
import type { RoomPolicy } from './handlers/conference-policy.js';

export interface ConferenceRoomWrite {
  readonly name?: string | null | undefined;
  /** absent: unchanged (a new room: none); null: removed */
  readonly participantPin?: string | null | undefined;
  readonly moderatorPin?: string | null | undefined;
  readonly waitForModerator?: boolean | undefined;
}

export interface ConferenceRoomView {
  readonly room: string;
  readonly name: string | null;
  /** participants key a PIN to join */
  readonly hasPin: boolean;
  readonly hasModeratorPin: boolean;
  readonly waitForModerator: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type SettingsResult = { readonly ok: true; readonly view: ConferenceRoomView } | { readonly ok: false; readonly status: 400 | 404 | 409; readonly field?: string; readonly reason: string };

const view = (r: ConferenceRoomRow): ConferenceRoomView => ({
  room: r.room,
  name: r.name,
  hasPin: r.participantPinHash !== null,
  hasModeratorPin: r.moderatorPinHash !== null,
  waitForModerator: r.waitForModerator,
  createdAt: new Date(r.createdAt).toISOString(),
  updatedAt: new Date(r.updatedAt).toISOString(),
});

export class ConferenceSettings {
  readonly #repo: ConferenceRoomRepository;

  constructor(o: { repository: ConferenceRoomRepository }) {
    this.#repo = o.repository;
  }

  async list(): Promise<ConferenceRoomView[]> {
    return (await this.#repo.list()).map(view);
  }

  async get(room: string): Promise<ConferenceRoomView | undefined> {
    const row = await this.#repo.get(room);
    return row && view(row);
  }

  async create(room: string, w: ConferenceRoomWrite): Promise<SettingsResult> {
    if ((await this.#repo.get(room)) !== undefined) return { ok: false, status: 409, field: 'room', reason: `room ${room} has settings already` };
    const input = await this.#merge(undefined, w);
    if ('reason' in input) return input;
    return { ok: true, view: view(await this.#repo.create(room, input)) };
  }

  async update(room: string, w: ConferenceRoomWrite): Promise<SettingsResult> {
    const before = await this.#repo.get(room);
    if (before === undefined) return { ok: false, status: 404, reason: `room ${room} has no settings` };
    const input = await this.#merge(before, w);
    if ('reason' in input) return input;
    const row = await this.#repo.update(room, input);
    return row ? { ok: true, view: view(row) } : { ok: false, status: 404, reason: `room ${room} has no settings` };
  }

  remove(room: string): Promise<boolean> {
    return this.#repo.remove(room);
  }

  /** what the conference handler asks of a room; null: an open room (no row, or a row asking nothing) */
  async policy(room: string): Promise<RoomPolicy | null> {
    const row = await this.#repo.get(room);
    if (row === undefined || (row.participantPinHash === null && row.moderatorPinHash === null)) return null;
    const { participantPinHash: participant, moderatorPinHash: moderator } = row;
    return {
      participantPin: participant !== null,
      waitForModerator: row.waitForModerator && moderator !== null,
      async roleOf(pin) {
        if (moderator !== null && pin !== '' && (await verifyPassword(moderator, pin))) return 'moderator';
        // a room with a moderator PIN only: participants join with '#' alone
        if (participant === null) return pin === '' ? 'participant' : null;
        return pin !== '' && (await verifyPassword(participant, pin)) ? 'participant' : null;
      },
    };
  }

  /** the row to write: PINs hashed, and the cross-field checks on the result */
  async #merge(before: ConferenceRoomRow | undefined, w: ConferenceRoomWrite): Promise<Omit<ConferenceRoomRow, 'room' | 'createdAt' | 'updatedAt'> | Extract<SettingsResult, { ok: false }>> {
    const pin = async (given: string | null | undefined, kept: string | null | undefined) => (given === undefined ? (kept ?? null) : given === null ? null : hashPassword(given));
    if (w.participantPin != null && w.participantPin === w.moderatorPin) return { ok: false, status: 400, field: 'moderatorPin', reason: 'moderatorPin: must differ from the participant PIN' };
    // one PIN given, the other kept: compared with the kept one's hash
    if (w.moderatorPin != null && w.participantPin === undefined && before?.participantPinHash && (await verifyPassword(before.participantPinHash, w.moderatorPin))) return { ok: false, status: 400, field: 'moderatorPin', reason: 'moderatorPin: must differ from the participant PIN' };
    if (w.participantPin != null && w.moderatorPin === undefined && before?.moderatorPinHash && (await verifyPassword(before.moderatorPinHash, w.participantPin))) return { ok: false, status: 400, field: 'participantPin', reason: 'participantPin: must differ from the moderator PIN' };
    const row = {
      name: w.name === undefined ? (before?.name ?? null) : w.name,
      participantPinHash: await pin(w.participantPin, before?.participantPinHash),
      moderatorPinHash: await pin(w.moderatorPin, before?.moderatorPinHash),
      waitForModerator: w.waitForModerator ?? before?.waitForModerator ?? false,
    };
    // nobody could ever end the wait
    if (row.waitForModerator && row.moderatorPinHash === null) return { ok: false, status: 400, field: 'waitForModerator', reason: 'waitForModerator: the room needs a moderator PIN' };
    return row;
  }
}
