// The tamper-evident audit log. Rows are appended through the BatchWriter; ids and the SHA-256
// hash chain are assigned here, in memory, in append order, so group commit keeps the chain intact.
// One writer process per database: two processes appending to one chain would fork it.
import { and, asc, desc, eq, gt, gte, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../database.js';
import type { BatchWriter } from '../batch-writer.js';
import { auditLog, type AuditLogRow } from '../schema/audit-log.js';
import { sha256Hex } from '../credentials.js';
import { toStatement } from '../statement.js';

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryInput {
  readonly actor: string;
  readonly action: string;
  readonly target?: string;
  readonly source?: string;
  readonly detail?: Record<string, unknown>;
  /** ms since epoch; default now */
  readonly at?: number;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly source: string | null;
  readonly detail: unknown;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  /** inclusive, ms */
  since?: number;
  /** inclusive, ms */
  until?: number;
  limit?: number;
  offset?: number;
}

type HashedFields = Pick<AuditLogRow, 'id' | 'at' | 'actor' | 'action' | 'target' | 'source' | 'detail'>;

/** The canonical form hashed into the chain: a JSON array, so field order is fixed. */
export function canonicalAuditRow(row: HashedFields): string {
  return JSON.stringify([row.id, row.at, row.actor, row.action, row.target, row.source, row.detail]);
}

export function auditRowHash(prevHash: string, row: HashedFields): string {
  return sha256Hex(prevHash + canonicalAuditRow(row));
}

export interface AuditRepositoryOptions {
  db: Db;
  writer: BatchWriter;
  now?: () => number;
}

export class AuditRepository {
  readonly #db: Db;
  readonly #writer: BatchWriter;
  readonly #now: () => number;
  #lastId: number;
  #lastHash: string;

  private constructor(options: AuditRepositoryOptions, lastId: number, lastHash: string) {
    this.#db = options.db;
    this.#writer = options.writer;
    this.#now = options.now ?? Date.now;
    this.#lastId = lastId;
    this.#lastHash = lastHash;
  }

  /** Reads the chain's tail so new rows link to it. */
  static async open(options: AuditRepositoryOptions): Promise<AuditRepository> {
    const rows = await options.db
      .select({ id: auditLog.id, hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.id))
      .limit(1);
    const tail = rows[0];
    return new AuditRepository(options, tail?.id ?? 0, tail?.hash ?? AUDIT_GENESIS_HASH);
  }

  /** Queues one row; resolves when committed. The hash chain is fixed at call time. */
  append(entry: AuditEntryInput): Promise<void> {
    const fields: HashedFields = {
      id: this.#lastId + 1,
      at: entry.at ?? this.#now(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      source: entry.source ?? null,
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    };
    const prevHash = this.#lastHash;
    const hash = auditRowHash(prevHash, fields);
    this.#lastId = fields.id;
    this.#lastHash = hash;
    return this.#writer.enqueue(toStatement(this.#db.insert(auditLog).values({ ...fields, prevHash, hash })));
  }

  /** Rows in id order with their hashes, for a signed export: ids in [fromId, toId], times in [since, until]. */
  async range(o: { readonly since?: number; readonly until?: number; readonly limit: number }): Promise<AuditLogRow[]> {
    const where: SQL[] = [];
    if (o.since !== undefined) where.push(gte(auditLog.at, o.since));
    if (o.until !== undefined) where.push(lte(auditLog.at, o.until));
    return this.#db.select().from(auditLog).where(where.length ? and(...where) : undefined).orderBy(asc(auditLog.id)).limit(o.limit);
  }

  /**
   * Audit retention: deletes the oldest rows, those older than `before` (a contiguous run from the
   * start), then appends an audit.purge row naming the last deleted row's id and hash, which
   * anchors the chain's new start for verification. Returns how many rows went.
   */
  async purgeBefore(before: number): Promise<number> {
    const keep = (await this.#db.select({ id: auditLog.id }).from(auditLog).where(gte(auditLog.at, before)).orderBy(asc(auditLog.id)).limit(1))[0];
    const throughId = keep === undefined ? this.#lastId : keep.id - 1;
    const through = (await this.#db.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).where(eq(auditLog.id, throughId)))[0];
    if (through === undefined) return 0;
    const gone = await this.#db.delete(auditLog).where(lte(auditLog.id, throughId)).returning({ id: auditLog.id });
    if (gone.length > 0) await this.append({ actor: 'system', action: AUDIT_PURGE_ACTION, detail: { throughId, throughHash: through.hash, deleted: gone.length, before: new Date(before).toISOString() } });
    return gone.length;
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const where: SQL[] = [];
    if (filter.actor !== undefined) where.push(eq(auditLog.actor, filter.actor));
    if (filter.action !== undefined) where.push(eq(auditLog.action, filter.action));
    if (filter.target !== undefined) where.push(eq(auditLog.target, filter.target));
    if (filter.since !== undefined) where.push(gte(auditLog.at, filter.since));
    if (filter.until !== undefined) where.push(lte(auditLog.at, filter.until));
    const rows = await this.#db
      .select()
      .from(auditLog)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(auditLog.id))
      .limit(Math.min(Math.max(filter.limit ?? 100, 1), 1000))
      .offset(Math.max(filter.offset ?? 0, 0));
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      target: r.target,
      source: r.source,
      detail: parseDetail(r.detail),
    }));
  }
}

function parseDetail(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface AuditChainReport {
  readonly ok: boolean;
  /** rows checked */
  readonly checked: number;
  readonly firstBrokenId?: number;
  readonly reason?: 'prev-hash-mismatch' | 'hash-mismatch' | 'id-gap' | 'unanchored-start';
  /** rows before this id were removed by the audit retention purge (its audit.purge row anchors the chain) */
  readonly startsAfter?: number;
}

/** the action of the row that records an audit retention purge; its detail anchors the chain's new start */
export const AUDIT_PURGE_ACTION = 'audit.purge';

/**
 * Walks the whole chain in id order and reports the first row that does not verify. A chain whose
 * oldest rows were purged (retention) starts at a row whose prev_hash an audit.purge row names,
 * itself inside the verified chain; without one the first row is reported.
 */
export async function checkAuditChain(db: Db, pageSize = 1000): Promise<AuditChainReport> {
  const first = (await db.select().from(auditLog).orderBy(asc(auditLog.id)).limit(1))[0];
  if (first === undefined) return { ok: true, checked: 0 };
  let prevHash = first.id === 1 ? AUDIT_GENESIS_HASH : first.prevHash;
  let prevId = first.id - 1;
  let anchored = first.id === 1;
  let checked = 0;
  const startsAfter = first.id === 1 ? {} : { startsAfter: first.id - 1 };
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.id, prevId)).orderBy(asc(auditLog.id)).limit(pageSize);
    for (const row of rows) {
      if (!anchored && row.action === AUDIT_PURGE_ACTION) {
        const d = parseDetail(row.detail) as { throughId?: unknown; throughHash?: unknown } | null;
        anchored = d?.throughId === first.id - 1 && d?.throughHash === first.prevHash;
      }
      // ids are assigned consecutively; a gap means a deleted row
      if (row.id !== prevId + 1) return { ok: false, checked, firstBrokenId: row.id, reason: 'id-gap' };
      if (row.prevHash !== prevHash) return { ok: false, checked, firstBrokenId: row.id, reason: 'prev-hash-mismatch' };
      if (auditRowHash(prevHash, row) !== row.hash) {
        return { ok: false, checked, firstBrokenId: row.id, reason: 'hash-mismatch' };
      }
      prevHash = row.hash;
      prevId = row.id;
      checked++;
    }
    if (rows.length < pageSize) {
      if (!anchored) return { ok: false, checked, firstBrokenId: first.id, reason: 'unanchored-start', ...startsAfter };
      return { ok: true, checked, ...startsAfter };
    }
  }
}

/** The id of the first row that breaks the chain, or undefined when the chain verifies. */
export async function verifyAuditChain(db: Db): Promise<number | undefined> {
  return (await checkAuditChain(db)).firstBrokenId;
}
