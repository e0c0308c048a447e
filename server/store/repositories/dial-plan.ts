// Dial plan entries. Every INVITE reads the plan, so the ordered list is kept in memory and
// reloaded after this repository's own writes (one process owns the database).
import { asc, eq, max } from 'drizzle-orm';
import type { Db } from '../database.js';
import { dialPlan, type DialPlanRow } from '../schema/dial-plan.js';

export interface DialPlanEntryRow {
  readonly id: number;
  readonly position: number;
  readonly pattern: string;
  readonly permission: string | null;
  readonly steps: readonly Record<string, unknown>[];
  readonly description: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface DialPlanEntryInput {
  readonly position?: number;
  readonly pattern: string;
  readonly permission: string | null;
  readonly steps: readonly Record<string, unknown>[];
  readonly description?: string | null;
}

const view = (r: DialPlanRow): DialPlanEntryRow => ({ ...r });

export class DialPlanRepository {
  readonly #db: Db;
  readonly #now: () => number;
  #cache: Promise<readonly DialPlanEntryRow[]> | undefined;

  constructor(options: { db: Db; now?: () => number }) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  /** the whole plan, in the order it is tried */
  list(): Promise<readonly DialPlanEntryRow[]> {
    this.#cache ??= this.#db
      .select()
      .from(dialPlan)
      .orderBy(asc(dialPlan.position), asc(dialPlan.id))
      .then((rows) => rows.map(view))
      .catch((err: unknown) => {
        this.#cache = undefined;
        throw err;
      });
    return this.#cache;
  }

  async get(id: number): Promise<DialPlanEntryRow | undefined> {
    return (await this.list()).find((e) => e.id === id);
  }

  async create(input: DialPlanEntryInput): Promise<DialPlanEntryRow> {
    const now = this.#now();
    let position = input.position;
    if (position === undefined) {
      const [row] = await this.#db.select({ last: max(dialPlan.position) }).from(dialPlan);
      position = (row?.last ?? 0) + 10;
    }
    const [created] = await this.#db
      .insert(dialPlan)
      .values({ position, pattern: input.pattern, permission: input.permission, steps: [...input.steps], description: input.description ?? null, createdAt: now, updatedAt: now })
      .returning();
    this.#cache = undefined;
    return view(created!);
  }

  async update(id: number, input: DialPlanEntryInput): Promise<DialPlanEntryRow | undefined> {
    const set = {
      ...(input.position !== undefined ? { position: input.position } : {}),
      pattern: input.pattern,
      permission: input.permission,
      steps: [...input.steps],
      description: input.description ?? null,
      updatedAt: this.#now(),
    };
    const [updated] = await this.#db.update(dialPlan).set(set).where(eq(dialPlan.id, id)).returning();
    this.#cache = undefined;
    return updated ? view(updated) : undefined;
  }

  async delete(id: number): Promise<boolean> {
    const deleted = await this.#db.delete(dialPlan).where(eq(dialPlan.id, id)).returning({ id: dialPlan.id });
    this.#cache = undefined;
    return deleted.length > 0;
  }
}
