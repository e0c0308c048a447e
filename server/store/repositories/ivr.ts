// IVR flows and their versions, and the runs of flows on calls (issue 15). A new version is
// inserted and made current in one transaction; rollback moves `current_version` to an older one
// (versions are never edited or deleted, so a call's version stays readable while it runs).
import { and, asc, desc, eq, max } from 'drizzle-orm';
import type { Db } from '../database.js';
import { ivrFlows, ivrFlowVersions, ivrRuns, type IvrFlowRow, type IvrFlowVersionRow, type IvrRunRow } from '../schema/ivr.js';

export type StoredFlow = IvrFlowRow;
export type StoredFlowVersion = IvrFlowVersionRow;
export type StoredFlowRun = IvrRunRow;

export class IvrFlowRepository {
  readonly #db: Db;
  readonly #now: () => number;

  constructor(options: { db: Db; now?: () => number }) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  list(): Promise<StoredFlow[]> {
    return this.#db.select().from(ivrFlows).orderBy(asc(ivrFlows.name));
  }

  async get(id: number): Promise<StoredFlow | undefined> {
    const [row] = await this.#db.select().from(ivrFlows).where(eq(ivrFlows.id, id));
    return row;
  }

  async byName(name: string): Promise<StoredFlow | undefined> {
    const [row] = await this.#db.select().from(ivrFlows).where(eq(ivrFlows.name, name));
    return row;
  }

  /** a new flow with its first version */
  async create(o: { readonly name: string; readonly description?: string | null; readonly document: Record<string, unknown>; readonly by?: string }): Promise<StoredFlow> {
    const now = this.#now();
    return this.#db.transaction(async (tx) => {
      const [flow] = await tx.insert(ivrFlows).values({ name: o.name, description: o.description ?? null, currentVersion: 1, createdAt: now, updatedAt: now }).returning();
      await tx.insert(ivrFlowVersions).values({ flowId: flow!.id, version: 1, document: o.document, createdBy: o.by ?? null, createdAt: now });
      return flow!;
    });
  }

  /** an edit: the next version, made current */
  async addVersion(o: { readonly flowId: number; readonly document: Record<string, unknown>; readonly by?: string; readonly description?: string | null }): Promise<StoredFlow | undefined> {
    const now = this.#now();
    return this.#db.transaction(async (tx) => {
      const [last] = await tx.select({ v: max(ivrFlowVersions.version) }).from(ivrFlowVersions).where(eq(ivrFlowVersions.flowId, o.flowId));
      if (last?.v === null || last?.v === undefined) return undefined;
      const version = last.v + 1;
      await tx.insert(ivrFlowVersions).values({ flowId: o.flowId, version, document: o.document, createdBy: o.by ?? null, createdAt: now });
      const [flow] = await tx
        .update(ivrFlows)
        .set({ currentVersion: version, updatedAt: now, ...(o.description !== undefined ? { description: o.description } : {}) })
        .where(eq(ivrFlows.id, o.flowId))
        .returning();
      return flow;
    });
  }

  /** new calls run `version` again; undefined when the flow or version does not exist */
  async rollback(o: { readonly flowId: number; readonly version: number }): Promise<StoredFlow | undefined> {
    if ((await this.version(o)) === undefined) return undefined;
    const [flow] = await this.#db.update(ivrFlows).set({ currentVersion: o.version, updatedAt: this.#now() }).where(eq(ivrFlows.id, o.flowId)).returning();
    return flow;
  }

  async delete(id: number): Promise<boolean> {
    const gone = await this.#db.delete(ivrFlows).where(eq(ivrFlows.id, id)).returning({ id: ivrFlows.id });
    return gone.length > 0;
  }

  versions(flowId: number): Promise<StoredFlowVersion[]> {
    return this.#db.select().from(ivrFlowVersions).where(eq(ivrFlowVersions.flowId, flowId)).orderBy(desc(ivrFlowVersions.version));
  }

  async version(o: { readonly flowId: number; readonly version: number }): Promise<StoredFlowVersion | undefined> {
    const [row] = await this.#db
      .select()
      .from(ivrFlowVersions)
      .where(and(eq(ivrFlowVersions.flowId, o.flowId), eq(ivrFlowVersions.version, o.version)));
    return row;
  }

  /** the version new calls start with, and its document */
  async current(flowId: number): Promise<{ readonly flow: StoredFlow; readonly version: StoredFlowVersion } | undefined> {
    const flow = await this.get(flowId);
    const version = flow && (await this.version({ flowId, version: flow.currentVersion }));
    return flow && version ? { flow, version } : undefined;
  }

  async saveRun(run: StoredFlowRun): Promise<void> {
    await this.#db.insert(ivrRuns).values(run).onConflictDoUpdate({ target: ivrRuns.id, set: { ...run } });
  }

  /** the latest runs of a flow, newest first (metrics and the console's list of calls) */
  runs(o: { readonly flowId: number; readonly since?: number; readonly limit?: number }): Promise<StoredFlowRun[]> {
    return this.#db
      .select()
      .from(ivrRuns)
      .where(eq(ivrRuns.flowId, o.flowId))
      .orderBy(desc(ivrRuns.startedAt))
      .limit(o.limit ?? 10_000)
      .then((rows) => rows.filter((r) => o.since === undefined || r.startedAt >= o.since));
  }

  async run(id: string): Promise<StoredFlowRun | undefined> {
    const [row] = await this.#db.select().from(ivrRuns).where(eq(ivrRuns.id, id));
    return row;
  }
}
