// Turns a drizzle query builder into a libsql statement, for the BatchWriter.
import type { InStatement, InValue } from '@libsql/client';

export interface ToSql {
  toSQL(): { sql: string; params: unknown[] };
}

export function toStatement(query: ToSql): InStatement {
  const { sql, params } = query.toSQL();
  // drizzle has already mapped column values to driver values (string, number, bigint, null, blob)
  return { sql, args: params as InValue[] };
}
