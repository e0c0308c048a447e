// The ACD's tables: configuration read at start and written by the API, interaction records and
// interval figures written as they close. Plain rows; the ACD (server/acd) gives them meaning.
import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../database.js';
import { acdAgents, acdInteractions, acdIntervals, acdMemberships, acdQueues, acdSkills, type AcdAgentRow, type AcdInteractionRow, type AcdIntervalRow, type AcdMembershipRow, type AcdQueueRow } from '../schema/acd.js';

export type AcdQueueInput = Omit<AcdQueueRow, 'updatedAt'>;
export type AcdAgentInput = Omit<AcdAgentRow, 'updatedAt'>;
export type { AcdAgentRow, AcdInteractionRow, AcdIntervalRow, AcdMembershipRow, AcdQueueRow };

export class AcdRepository {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(o: { db: Db; now?: () => number }) {
    this.#db = o.db;
    this.#now = o.now ?? Date.now;
  }

  skills(): Promise<{ name: string; description: string | null }[]> {
    return this.#db.select().from(acdSkills).orderBy(asc(acdSkills.name));
  }

  async putSkill(s: { name: string; description: string | null }): Promise<void> {
    await this.#db.insert(acdSkills).values(s).onConflictDoUpdate({ target: acdSkills.name, set: { description: s.description } });
  }

  async deleteSkill(name: string): Promise<boolean> {
    return (await this.#db.delete(acdSkills).where(eq(acdSkills.name, name)).returning()).length > 0;
  }

  queues(): Promise<AcdQueueRow[]> {
    return this.#db.select().from(acdQueues).orderBy(asc(acdQueues.id));
  }

  async putQueue(q: AcdQueueInput): Promise<void> {
    const row = { ...q, updatedAt: this.#now() };
    await this.#db.insert(acdQueues).values(row).onConflictDoUpdate({ target: acdQueues.id, set: { name: row.name, config: row.config, updatedAt: row.updatedAt } });
  }

  async deleteQueue(id: string): Promise<boolean> {
    return (await this.#db.delete(acdQueues).where(eq(acdQueues.id, id)).returning()).length > 0;
  }

  agents(): Promise<AcdAgentRow[]> {
    return this.#db.select().from(acdAgents).orderBy(asc(acdAgents.id));
  }

  async putAgent(a: AcdAgentInput): Promise<void> {
    const row = { ...a, updatedAt: this.#now() };
    const { id: _id, ...set } = row;
    await this.#db.insert(acdAgents).values(row).onConflictDoUpdate({ target: acdAgents.id, set });
  }

  async deleteAgent(id: string): Promise<boolean> {
    return (await this.#db.delete(acdAgents).where(eq(acdAgents.id, id)).returning()).length > 0;
  }

  memberships(): Promise<AcdMembershipRow[]> {
    return this.#db.select().from(acdMemberships).orderBy(asc(acdMemberships.queueId), asc(acdMemberships.position));
  }

  async addMembership(m: AcdMembershipRow): Promise<void> {
    await this.#db.insert(acdMemberships).values(m);
  }

  async deleteMembership(o: { agentId: string; queueId: string }): Promise<boolean> {
    return (await this.#db.delete(acdMemberships).where(and(eq(acdMemberships.agentId, o.agentId), eq(acdMemberships.queueId, o.queueId))).returning()).length > 0;
  }

  async addInteraction(r: AcdInteractionRow): Promise<void> {
    await this.#db.insert(acdInteractions).values(r);
  }

  interactions(f: { callId?: string; queueId?: string; limit: number }): Promise<AcdInteractionRow[]> {
    const where: SQL[] = [];
    if (f.callId !== undefined) where.push(eq(acdInteractions.callId, f.callId));
    if (f.queueId !== undefined) where.push(eq(acdInteractions.queueId, f.queueId));
    return this.#db
      .select()
      .from(acdInteractions)
      .where(where.length > 0 ? and(...where) : undefined)
      .orderBy(desc(acdInteractions.enteredAt))
      .limit(f.limit);
  }

  /** adds the figures to the interval's row (an interval may be written in parts, e.g. around a restart) */
  async addIntervals(rows: readonly AcdIntervalRow[]): Promise<void> {
    for (const r of rows) {
      const { queueId: _q, start: _s, ...counts } = r;
      const add = Object.fromEntries(Object.keys(counts).map((k) => [k, sql.raw(`${snake(k)} + excluded.${snake(k)}`)]));
      await this.#db.insert(acdIntervals).values(r).onConflictDoUpdate({ target: [acdIntervals.queueId, acdIntervals.start], set: add });
    }
  }

  intervals(f: { queueId?: string; from?: number; to?: number }): Promise<AcdIntervalRow[]> {
    const where: SQL[] = [];
    if (f.queueId !== undefined) where.push(eq(acdIntervals.queueId, f.queueId));
    if (f.from !== undefined) where.push(gte(acdIntervals.start, f.from));
    if (f.to !== undefined) where.push(lt(acdIntervals.start, f.to));
    return this.#db
      .select()
      .from(acdIntervals)
      .where(where.length > 0 ? and(...where) : undefined)
      .orderBy(asc(acdIntervals.start), asc(acdIntervals.queueId));
  }
}

const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
