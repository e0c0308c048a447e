// An INSERT whose rows the BatchWriter may merge: adjacent rows queued for the same RowInsert
// commit as one multi-row `INSERT ... VALUES (...), (...)`. libsql prepares every statement it
// runs, so one statement per row cost about four times as much as one statement per batch.
import type { InStatement, InValue } from '@libsql/client';
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';
import { rowsStatement, type RowInsertShape } from './batch-commit.js';

/** SQLite's SQLITE_MAX_VARIABLE_NUMBER default since 3.32: host parameters in one statement. */
const MAX_PARAMETERS = 32_766;

export interface RowInsertOptions<T extends Table> {
  table: T;
  /** the table's properties (drizzle keys), in the order each row's args come */
  columns: readonly (keyof T['_']['columns'] & string)[];
  /** with `conflict`: upsert, updating every column not in it from the new row */
  conflict?: readonly (keyof T['_']['columns'] & string)[];
  /**
   * with `conflict`: a row queued while an earlier row with the same conflict key still waits for
   * its batch replaces that row in the queue (BatchWriter). A whole-row upsert makes the earlier
   * one's effect invisible once the later one commits in the same transaction, so the database
   * ends the same and one row is written instead of two; both promises settle with that commit.
   * Any other write to the table queued in between (a plain statement, another RowInsert's row)
   * ends the merging: later rows queue behind it, so queue order still decides.
   */
  coalesce?: boolean;
  /**
   * a row may join this RowInsert's latest run in its batch across rows of other tables (one
   * statement for many rows; batch-request.ts), but never ahead of rows of `after`
   */
  groups?: boolean;
  /** the RowInserts whose rows this one's rows reference (foreign keys): none of its rows moves ahead of theirs */
  after?: readonly RowInsert[];
}

export class RowInsert<T extends Table = Table> {
  readonly width: number;
  /** rows one statement may carry without exceeding the host-parameter limit */
  readonly maxRows: number;
  /** plain data, so the BatchWriter's worker can build the same statements */
  readonly shape: RowInsertShape;
  /** the table's SQL name */
  readonly table: string;
  readonly groups: boolean;
  readonly after: readonly RowInsert[];
  /** with `coalesce`: the row's conflict key, under which the BatchWriter merges queued rows */
  readonly keyOf: ((row: readonly InValue[]) => InValue) | undefined;

  constructor(options: RowInsertOptions<T>) {
    const all = getTableColumns(options.table);
    const name = (key: string) => {
      const column = all[key];
      if (column === undefined) throw new Error(`RowInsert: no column ${key} in ${getTableName(options.table)}`);
      return `"${column.name}"`;
    };
    const names = options.columns.map(name);
    this.width = names.length;
    this.maxRows = Math.max(1, Math.floor(MAX_PARAMETERS / this.width));
    let tail = '';
    if (options.conflict !== undefined) {
      const keys = options.conflict.map(name);
      const updates = names.filter((n) => !keys.includes(n)).map((n) => `${n} = excluded.${n}`);
      // a row that is all key has nothing to update: the existing row already equals it
      tail = ` ON CONFLICT (${keys.join(', ')}) ${updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`;
    }
    this.table = getTableName(options.table);
    this.groups = options.groups === true;
    this.after = options.after ?? [];
    const keyAt = (options.conflict ?? []).map((key) => options.columns.indexOf(key));
    if (options.coalesce === true && (keyAt.length === 0 || keyAt.includes(-1))) {
      throw new Error(`RowInsert: coalesce needs every conflict column among the columns of ${getTableName(options.table)}`);
    }
    const [first] = keyAt;
    this.keyOf =
      options.coalesce !== true ? undefined : keyAt.length === 1 ? (row) => row[first!] ?? null : (row) => JSON.stringify(keyAt.map((i) => row[i] ?? null));
    this.shape = {
      head: `INSERT INTO "${getTableName(options.table)}" (${names.join(', ')}) VALUES `,
      tuple: `(${names.map(() => '?').join(', ')})`,
      tail,
      maxRows: this.maxRows,
    };
  }

  /** One statement for the given rows (at most maxRows, each of `width` values). */
  statement(rows: readonly (readonly InValue[])[]): InStatement {
    return rowsStatement(this.shape, rows);
  }
}
