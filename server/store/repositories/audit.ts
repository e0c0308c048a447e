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
  readonly reason?: 'prev-hash-mismatch' | 'hash-mismatch' | 'id-gap';
}

/** Walks the whole chain in id order and reports the first row that does not verify. */
export async function checkAuditChain(db: Db, pageSize = 1000): Promise<AuditChainReport> {
  let prevHash = AUDIT_GENESIS_HASH;
  let prevId = 0;
  let checked = 0;
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.id, prevId)).orderBy(asc(auditLog.id)).limit(pageSize);
    for (const row of rows) {
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
    if (rows.length < pageSize) return { ok: true, checked };
  }
}

/** The id of the first row that breaks the chain, or undefined when the chain verifies. */
export async function verifyAuditChain(db: Db): Promise<number | undefined> {
  return (await checkAuditChain(db)).firstBrokenId;
}
