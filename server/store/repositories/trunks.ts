// Trunks, DIDs and outbound routes: small tables that every call reads, so each is kept in memory
// and reloaded after this repository's own writes (one process owns the database). Trunk attempts
// are written through the batching writer: a call never waits on the disk for them. The carrier
// secret is sealed before it is written and opened as it is read (the sealer lives outside the store).
import { asc, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../database.js';
import type { BatchWriter } from '../batch-writer.js';
import type { StoreLogger } from '../logger.js';
import { toStatement } from '../statement.js';
import { dids, outboundRoutes, trunkAttempts, trunks, type DidRow, type OutboundRouteRow, type TrunkAttemptRow, type TrunkRow } from '../schema/trunks.js';

export interface TrunkInput {
  readonly name: string;
  readonly kind: string;
  readonly settings: Record<string, unknown>;
  /** undefined: keep the stored secret (an update that does not send one) */
  readonly secret?: string | null;
}
export interface DidInput {
  readonly first: string;
  readonly last: string;
  readonly trunkId: number | null;
  readonly steps: readonly Record<string, unknown>[];
  readonly description?: string | null;
}
export interface RouteInput {
  readonly name: string;
  readonly settings: Record<string, unknown>;
}
/** Seals a secret for the database and opens it again (server/security's SecretBox). */
export interface SecretSealer {
  seal(plain: string): string;
  /** written by seal() (anything else was stored before sealing) */
  isSealed(stored: string): boolean;
  /** null: the stored form does not open (another key, a tampered row) */
  open(stored: string): string | null;
}
export type TrunkAttemptInput = Omit<TrunkAttemptRow, 'id'>;
export type { TrunkRow, DidRow, OutboundRouteRow, TrunkAttemptRow };

class Cached<T> {
  #value: Promise<readonly T[]> | undefined;
  constructor(private readonly load: () => Promise<T[]>) {}
  get(): Promise<readonly T[]> {
    this.#value ??= this.load().catch((err: unknown) => {
      this.#value = undefined;
      throw err;
    });
    return this.#value;
  }
  drop(): void {
    this.#value = undefined;
  }
}

export class TrunkRepository {
  readonly #db: Db;
  readonly #writer: BatchWriter | undefined;
  readonly #logger: StoreLogger | undefined;
  readonly #now: () => number;
  readonly #secrets: SecretSealer;
  readonly #trunks: Cached<TrunkRow>;
  readonly #dids: Cached<DidRow>;
  readonly #routes: Cached<OutboundRouteRow>;

  constructor(options: { db: Db; secrets: SecretSealer; writer?: BatchWriter; logger?: StoreLogger; now?: () => number }) {
    this.#db = options.db;
    this.#secrets = options.secrets;
    this.#writer = options.writer;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#trunks = new Cached(async () => (await this.#db.select().from(trunks).orderBy(asc(trunks.id))).map((r) => this.#opened(r)));
    this.#dids = new Cached(() => this.#db.select().from(dids).orderBy(asc(dids.first)));
    this.#routes = new Cached(() => this.#db.select().from(outboundRoutes).orderBy(asc(outboundRoutes.id)));
  }

  trunks(): Promise<readonly TrunkRow[]> {
    return this.#trunks.get();
  }

  async trunk(id: number): Promise<TrunkRow | undefined> {
    return (await this.trunks()).find((t) => t.id === id);
  }

  #opened(row: TrunkRow): TrunkRow {
    if (row.secret === null) return row;
    const secret = this.#secrets.open(row.secret);
    if (secret === null) this.#logger?.error({ trunk: row.id }, 'trunk secret does not open with this server\'s key; the trunk has no password');
    return { ...row, secret };
  }

  #sealed(secret: string | null): string | null {
    return secret === null ? null : this.#secrets.seal(secret);
  }

  async createTrunk(input: TrunkInput): Promise<TrunkRow> {
    const now = this.#now();
    const [row] = await this.#db
      .insert(trunks)
      .values({ name: input.name, kind: input.kind, settings: input.settings, secret: this.#sealed(input.secret ?? null), createdAt: now, updatedAt: now })
      .returning();
    this.#trunks.drop();
    return this.#opened(row!);
  }

  async updateTrunk(id: number, input: TrunkInput): Promise<TrunkRow | undefined> {
    const set = { name: input.name, kind: input.kind, settings: input.settings, ...(input.secret !== undefined ? { secret: this.#sealed(input.secret) } : {}), updatedAt: this.#now() };
    const [row] = await this.#db.update(trunks).set(set).where(eq(trunks.id, id)).returning();
    this.#trunks.drop();
    this.#dids.drop();
    return row === undefined ? undefined : this.#opened(row);
  }

  /** Seals the secrets written before sealing existed (run at start); how many were sealed. */
  async sealStoredSecrets(): Promise<number> {
    const rows = await this.#db.select({ id: trunks.id, secret: trunks.secret }).from(trunks).where(isNotNull(trunks.secret));
    let sealed = 0;
    for (const row of rows) {
      if (row.secret === null || this.#secrets.isSealed(row.secret)) continue;
      await this.#db.update(trunks).set({ secret: this.#secrets.seal(row.secret) }).where(eq(trunks.id, row.id));
      sealed++;
    }
    if (sealed > 0) this.#trunks.drop();
    return sealed;
  }

  async deleteTrunk(id: number): Promise<boolean> {
    const deleted = await this.#db.delete(trunks).where(eq(trunks.id, id)).returning({ id: trunks.id });
    this.#trunks.drop();
    this.#dids.drop();
    return deleted.length > 0;
  }

  dids(): Promise<readonly DidRow[]> {
    return this.#dids.get();
  }

  async createDid(input: DidInput): Promise<DidRow> {
    const now = this.#now();
    const [row] = await this.#db
      .insert(dids)
      .values({ first: input.first, last: input.last, trunkId: input.trunkId, steps: [...input.steps], description: input.description ?? null, createdAt: now, updatedAt: now })
      .returning();
    this.#dids.drop();
    return row!;
  }

  async updateDid(id: number, input: DidInput): Promise<DidRow | undefined> {
    const [row] = await this.#db
      .update(dids)
      .set({ first: input.first, last: input.last, trunkId: input.trunkId, steps: [...input.steps], description: input.description ?? null, updatedAt: this.#now() })
      .where(eq(dids.id, id))
      .returning();
    this.#dids.drop();
    return row;
  }

  async deleteDid(id: number): Promise<boolean> {
    const deleted = await this.#db.delete(dids).where(eq(dids.id, id)).returning({ id: dids.id });
    this.#dids.drop();
    return deleted.length > 0;
  }

  routes(): Promise<readonly OutboundRouteRow[]> {
    return this.#routes.get();
  }

  async createRoute(input: RouteInput): Promise<OutboundRouteRow> {
    const now = this.#now();
    const [row] = await this.#db.insert(outboundRoutes).values({ name: input.name, settings: input.settings, createdAt: now, updatedAt: now }).returning();
    this.#routes.drop();
    return row!;
  }

  async updateRoute(id: number, input: RouteInput): Promise<OutboundRouteRow | undefined> {
    const [row] = await this.#db.update(outboundRoutes).set({ name: input.name, settings: input.settings, updatedAt: this.#now() }).where(eq(outboundRoutes.id, id)).returning();
    this.#routes.drop();
    return row;
  }

  async deleteRoute(id: number): Promise<boolean> {
    const deleted = await this.#db.delete(outboundRoutes).where(eq(outboundRoutes.id, id)).returning({ id: outboundRoutes.id });
    this.#routes.drop();
    return deleted.length > 0;
  }

  /** One attempt of an outbound call (fire-and-forget through the writer when there is one). */
  recordAttempt(attempt: TrunkAttemptInput): void {
    const query = this.#db.insert(trunkAttempts).values(attempt);
    const pending = this.#writer ? this.#writer.enqueue(toStatement(query)) : query.then(() => undefined);
    pending.catch((err: unknown) => this.#logger?.error({ err, call: attempt.callId }, 'trunk attempt not written'));
  }

  attempts(callId: string): Promise<TrunkAttemptRow[]> {
    return this.#db.select().from(trunkAttempts).where(eq(trunkAttempts.callId, callId)).orderBy(asc(trunkAttempts.seq));
  }
}
