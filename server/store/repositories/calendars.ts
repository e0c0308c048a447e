// Business calendars. A call whose dial plan branches on a calendar reads it, so the table is kept
// in memory and reloaded after this repository's own writes (one process owns the database).
// Every write is one statement on one row: an import either lands whole or not at all.
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { calendars, type CalendarRow } from '../schema/calendars.js';

export interface CalendarInput {
  readonly name: string;
  readonly timeZone: string;
  readonly weekly: Record<string, unknown>;
  readonly days: readonly Record<string, unknown>[];
}

export type StoredCalendar = CalendarRow;

export class CalendarRepository {
  readonly #db: Db;
  readonly #now: () => number;
  #cache: Promise<readonly StoredCalendar[]> | undefined;

  constructor(options: { db: Db; now?: () => number }) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  list(): Promise<readonly StoredCalendar[]> {
    this.#cache ??= this.#db
      .select()
      .from(calendars)
      .orderBy(asc(calendars.id))
      .catch((err: unknown) => {
        this.#cache = undefined;
        throw err;
      });
    return this.#cache;
  }

  async get(id: number): Promise<StoredCalendar | undefined> {
    return (await this.list()).find((c) => c.id === id);
  }

  async byName(name: string): Promise<StoredCalendar | undefined> {
    return (await this.list()).find((c) => c.name === name);
  }

  async create(input: CalendarInput): Promise<StoredCalendar> {
    const now = this.#now();
    const [row] = await this.#db
      .insert(calendars)
      .values({ ...input, days: [...input.days], createdAt: now, updatedAt: now })
      .returning();
    this.#cache = undefined;
    return row!;
  }

  async update(id: number, input: Partial<CalendarInput>): Promise<StoredCalendar | undefined> {
    const set = { ...input, ...(input.days !== undefined ? { days: [...input.days] } : {}), updatedAt: this.#now() };
    const [row] = await this.#db.update(calendars).set(set).where(eq(calendars.id, id)).returning();
    this.#cache = undefined;
    return row;
  }

  async delete(id: number): Promise<boolean> {
    const rows = await this.#db.delete(calendars).where(eq(calendars.id, id)).returning({ id: calendars.id });
    this.#cache = undefined;
    return rows.length > 0;
  }
}
