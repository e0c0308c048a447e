// The group commit itself, shared by the BatchWriter's same-thread path and its worker. Batches
// travel as plain data (statements, row arrays and RowInsert shapes) so they can be posted to a
// worker_thread in one structured-clone message per flush.
import type { Client, InStatement, InValue } from '@libsql/client';

/** A RowInsert as plain data: enough to build its multi-row statements on another thread. */
export interface RowInsertShape {
  readonly head: string;
  readonly tuple: string;
  readonly tail: string;
  readonly maxRows: number;
}

/** One statement, or a run of rows for `inserts[insert]` queued back to back. */
export type BatchOp =
  | { readonly statement: InStatement }
  | { readonly insert: number; readonly rows: readonly (readonly InValue[])[] };

export interface BatchRequest {
  readonly inserts: readonly RowInsertShape[];
  readonly ops: readonly BatchOp[];
}

/** `index` counts items (a statement or one row) in queue order across the batch. */
export interface CommitFailure<E = unknown> {
  readonly index: number;
  readonly error: E;
}

export interface CommitOutcome<E = unknown> {
  /** why the whole transaction failed before the items were retried one by one */
  readonly batchError?: E;
  readonly failures: readonly CommitFailure<E>[];
}

export function rowsStatement(shape: RowInsertShape, rows: readonly (readonly InValue[])[]): InStatement {
  const tuples = new Array<string>(rows.length).fill(shape.tuple);
  return { sql: `${shape.head}${tuples.join(', ')}${shape.tail}`, args: rows.flat() };
}

function shapeOf(request: BatchRequest, insert: number): RowInsertShape {
  const shape = request.inserts[insert];
  if (shape === undefined) throw new RangeError(`batch names RowInsert ${insert} of ${request.inserts.length}`);
  return shape;
}

function itemsOf(request: BatchRequest): number {
  let n = 0;
  for (const op of request.ops) n += 'statement' in op ? 1 : op.rows.length;
  return n;
}

/** The batch's statements, each run of rows split at the RowInsert's host-parameter limit. */
function statementsOf(request: BatchRequest): InStatement[] {
  const out: InStatement[] = [];
  for (const op of request.ops) {
    if ('statement' in op) {
      out.push(op.statement);
      continue;
    }
    const shape = shapeOf(request, op.insert);
    for (let i = 0; i < op.rows.length; i += shape.maxRows) out.push(rowsStatement(shape, op.rows.slice(i, i + shape.maxRows)));
  }
  return out;
}

/** Each item as its own statement, for the retry after a failed transaction. */
function singlesOf(request: BatchRequest): InStatement[] {
  const out: InStatement[] = [];
  for (const op of request.ops) {
    if ('statement' in op) out.push(op.statement);
    else for (const row of op.rows) out.push(rowsStatement(shapeOf(request, op.insert), [row]));
  }
  return out;
}

/** Commit the batch as one write transaction; on failure retry item by item so only bad items fail. */
export async function commitBatch(client: Client, request: BatchRequest): Promise<CommitOutcome> {
  try {
    await client.batch(statementsOf(request), 'write');
    return { failures: [] };
  } catch (err) {
    if (itemsOf(request) === 1) return { failures: [{ index: 0, error: err }] };
    // One bad statement rolls back the whole transaction; retry one by one so only the
    // offending statement fails and the innocent rows still commit.
    const failures: CommitFailure[] = [];
    const singles = singlesOf(request);
    for (let i = 0; i < singles.length; i++) {
      try {
        await client.execute(singles[i]!);
      } catch (error) {
        failures.push({ index: i, error });
      }
    }
    return { batchError: err, failures };
  }
}
