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
}

export class RowInsert<T extends Table = Table> {
  readonly width: number;
  /** rows one statement may carry without exceeding the host-parameter limit */
  readonly maxRows: number;
  /** plain data, so the BatchWriter's worker can build the same statements */
  readonly shape: RowInsertShape;

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
