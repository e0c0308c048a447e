// Conference room settings (schema/conference-rooms.ts). Every call to a room reads its row, so the
// rows are kept in memory and reloaded after this repository's own writes (one process owns the
// database), as keyword lists are.
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { conferenceRooms, type ConferenceRoomRow } from '../schema/conference-rooms.js';

export type ConferenceRoomInput = Omit<ConferenceRoomRow, 'room' | 'createdAt' | 'updatedAt'>;

export class ConferenceRoomRepository {
  readonly #db: Db;
  readonly #now: () => number;
  #cache: Promise<readonly ConferenceRoomRow[]> | undefined;

  constructor(options: { db: Db; now?: () => number }) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  list(): Promise<readonly ConferenceRoomRow[]> {
    this.#cache ??= this.#db
      .select()
      .from(conferenceRooms)
      .orderBy(asc(conferenceRooms.room))
      .catch((err: unknown) => {
        this.#cache = undefined;
        throw err;
      });
    return this.#cache;
  }

  async get(room: string): Promise<ConferenceRoomRow | undefined> {
    return (await this.list()).find((r) => r.room === room);
  }

  async create(room: string, input: ConferenceRoomInput): Promise<ConferenceRoomRow> {
    const now = this.#now();
    const [row] = await this.#db
      .insert(conferenceRooms)
      .values({ ...input, room, createdAt: now, updatedAt: now })
      .returning();
    this.#cache = undefined;
    return row!;
  }

  async update(room: string, input: ConferenceRoomInput): Promise<ConferenceRoomRow | undefined> {
    const [row] = await this.#db
      .update(conferenceRooms)
      .set({ ...input, updatedAt: this.#now() })
      .where(eq(conferenceRooms.room, room))
      .returning();
    this.#cache = undefined;
    return row;
  }

  async remove(room: string): Promise<boolean> {
    const r = await this.#db.delete(conferenceRooms).where(eq(conferenceRooms.room, room)).returning({ room: conferenceRooms.room });
    this.#cache = undefined;
    return r.length > 0;
  }
}
