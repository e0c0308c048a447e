// Keyword lists and their hits (schema/keywords.ts). Every call that starts reads the lists, so they
// are kept in memory and reloaded after this repository's own writes (one process owns the database).
import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../database.js';
import { keywordHits, keywordLists, type KeywordHitRow, type KeywordListRow } from '../schema/keywords.js';

export interface KeywordListInput {
  readonly name: string;
  readonly phrases: readonly string[];
  readonly numbers: readonly string[];
  readonly enabled: boolean;
}

export type NewKeywordHit = Omit<KeywordHitRow, 'id'>;

export interface KeywordHitQuery {
  /** the phrase, exactly as the list has it (case-insensitive); absent: any */
  readonly keyword?: string;
  /** ms since the epoch: from (inclusive) and to (exclusive) */
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
  readonly offset: number;
}

export class KeywordRepository {
  readonly #db: Db;
  readonly #now: () => number;
  #cache: Promise<readonly KeywordListRow[]> | undefined;

  constructor(options: { db: Db; now?: () => number }) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  lists(): Promise<readonly KeywordListRow[]> {
    this.#cache ??= this.#db
      .select()
      .from(keywordLists)
      .orderBy(asc(keywordLists.id))
      .catch((err: unknown) => {
        this.#cache = undefined;
        throw err;
      });
    return this.#cache;
  }

  async get(id: number): Promise<KeywordListRow | undefined> {
    return (await this.lists()).find((l) => l.id === id);
  }

  async byName(name: string): Promise<KeywordListRow | undefined> {
    return (await this.lists()).find((l) => l.name === name);
  }

  async create(input: KeywordListInput): Promise<KeywordListRow> {
    const now = this.#now();
    const [row] = await this.#db
      .insert(keywordLists)
      .values({ ...input, phrases: [...input.phrases], numbers: [...input.numbers], createdAt: now, updatedAt: now })
      .returning();
    this.#cache = undefined;
    return row!;
  }

  async update(id: number, input: KeywordListInput): Promise<KeywordListRow | undefined> {
    const [row] = await this.#db
      .update(keywordLists)
      .set({ ...input, phrases: [...input.phrases], numbers: [...input.numbers], updatedAt: this.#now() })
      .where(eq(keywordLists.id, id))
      .returning();
    this.#cache = undefined;
    return row;
  }

  async remove(id: number): Promise<boolean> {
    const r = await this.#db.delete(keywordLists).where(eq(keywordLists.id, id)).returning({ id: keywordLists.id });
    this.#cache = undefined;
    return r.length > 0;
  }

  async addHit(hit: NewKeywordHit): Promise<void> {
    await this.#db.insert(keywordHits).values(hit);
  }

  /** a call's hits in the order they were heard */
  async hitsOf(callId: string): Promise<KeywordHitRow[]> {
    return this.#db.select().from(keywordHits).where(eq(keywordHits.callId, callId)).orderBy(asc(keywordHits.atMs), asc(keywordHits.id));
  }

  /** hits of a keyword (or any) in a period, newest first */
  async search(q: KeywordHitQuery): Promise<{ items: KeywordHitRow[]; total: number }> {
    const where: SQL[] = [];
    if (q.keyword !== undefined) where.push(sql`lower(${keywordHits.keyword}) = lower(${q.keyword})`);
    if (q.from !== undefined) where.push(gte(keywordHits.heardAt, q.from));
    if (q.to !== undefined) where.push(lt(keywordHits.heardAt, q.to));
    const cond = where.length > 0 ? and(...where) : undefined;
    const items = await this.#db.select().from(keywordHits).where(cond).orderBy(desc(keywordHits.heardAt), desc(keywordHits.id)).limit(q.limit).offset(q.offset);
    const [count] = await this.#db.select({ n: sql<number>`count(*)` }).from(keywordHits).where(cond);
    return { items, total: Number(count?.n ?? 0) };
  }
}
