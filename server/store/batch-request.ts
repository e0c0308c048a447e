// A batch of queued writes as the plain data one commit takes (batch-commit.ts): every run of rows
// for one RowInsert becomes one multi-row statement. Rows join the run before them of the same
// RowInsert; a RowInsert with `groups` also joins its latest run across rows of other tables, so a
// batch of many calls' records is two statements (calls, legs) instead of two per call. libsql
// prepares every statement it runs, and preparing a wide upsert cost more than running it.
import type { InStatement, InValue } from '@libsql/client';
import type { BatchOp, BatchRequest, RowInsertShape } from './batch-commit.js';
import type { RowInsert } from './row-insert.js';

export type BatchItem = { readonly statement: InStatement } | { readonly insert: RowInsert; readonly row: readonly InValue[] };

interface Run<P> {
  readonly insert: number;
  readonly rows: (readonly InValue[])[];
  readonly items: P[];
}

/**
 * The batch as a request, and its items in the order the request lists them (the order commit
 * failures are indexed by). Moving a row ahead of rows of other tables is safe inside one
 * transaction: the database ends the same, as long as no row moves ahead of a row it references
 * (`after`) or of another write to its own table, and no row moves across a plain statement.
 */
export function requestOf<P extends BatchItem>(batch: readonly P[]): { request: BatchRequest; order: P[] } {
  const inserts: RowInsertShape[] = [];
  const indexOf = new Map<RowInsert, number>();
  const steps: ({ readonly statement: InStatement; readonly item: P } | Run<P>)[] = [];
  // the run each RowInsert's next row may join, by step index
  const open = new Map<RowInsert, number>();
  for (const p of batch) {
    if ('statement' in p) {
      steps.push({ statement: p.statement, item: p });
      open.clear(); // it may write any table: nothing moves across it
      continue;
    }
    const insert = p.insert;
    for (const [other] of open) if (other !== insert && other.table === insert.table) open.delete(other);
    const at = open.get(insert);
    const last = steps.length - 1;
    const joinable =
      at !== undefined &&
      (at === last || (insert.groups && insert.after.every((parent) => (open.get(parent) ?? -1) < at)));
    if (joinable) {
      const run = steps[at] as Run<P>;
      run.rows.push(p.row);
      run.items.push(p);
      continue;
    }
    let index = indexOf.get(insert);
    if (index === undefined) {
      index = inserts.push(insert.shape) - 1;
      indexOf.set(insert, index);
    }
    steps.push({ insert: index, rows: [p.row], items: [p] });
    open.set(insert, steps.length - 1);
  }
  const ops: BatchOp[] = [];
  const order: P[] = [];
  for (const s of steps) {
    if ('statement' in s) {
      ops.push({ statement: s.statement });
      order.push(s.item);
    } else {
      ops.push({ insert: s.insert, rows: s.rows });
      order.push(...s.items);
    }
  }
  return { request: { inserts, ops }, order };
}
