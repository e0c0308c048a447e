// How a table's fields are declared once and everything else derived from them (issue 10): each
// field names its drizzle column and how it shows outside the database. Used by the call record
// (call-records.ts); the store derives its upserts and views, the API its zod schema and JSON.
import type { SQLiteColumnBuilderBase } from 'drizzle-orm/sqlite-core';
import type { z } from 'zod';

/**
 * What a field is outside the database. text, integer and real are what the column holds; `time`
 * is an integer column of ms since the epoch that the API shows as an ISO 8601 string; `enum` a
 * text column with `enum` values; `json` a text column holding a JSON value (see JsonCodec).
 */
export type FieldKind = 'text' | 'integer' | 'real' | 'time' | 'enum' | 'json';

/** A JSON column: how its value is written and read, and its schema in the API. */
export interface JsonCodec<T> {
  readonly schema: z.ZodType<T>;
  /** the column's text; only what the value's type names is written */
  encode(value: T): string | null;
  /** the column's text as a value; text that does not parse reads as the codec's "none" */
  decode(text: string | null): T;
}

/** Any JsonCodec (what a FieldSpec holds; the field's own type keeps its value type). */
export interface AnyJsonCodec {
  readonly schema: z.ZodType;
  encode(value: never): string | null;
  decode(text: string | null): unknown;
}

export interface FieldSpec {
  readonly column: SQLiteColumnBuilderBase;
  readonly kind: FieldKind;
  /** what the field means: the API's description (OpenAPI) and the reader's */
  readonly doc?: string;
  /** only with kind 'json' */
  readonly json?: AnyJsonCodec;
  /** only with kind 'json': a decoded `undefined` leaves the key out of the view and the API (older rows without a value) */
  readonly optional?: true;
}

export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** The drizzle columns of `fields`, typed as declared, for sqliteTable(). */
export function columnsOf<const F extends FieldSpecs>(fields: F): { [K in keyof F]: F[K]['column'] } {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.column])) as { [K in keyof F]: F[K]['column'] };
}

type JsonValue<S> = S extends { json: { decode(text: string | null): infer T } } ? T : never;
type IsOptional<S> = S extends { optional: true } ? true : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * A row as the code sees it: the column's value, a JSON column's decoded value, and an optional
 * JSON column's key left out when the row has none. `Row` is the table's $inferSelect.
 */
export type ViewOf<F extends FieldSpecs, Row> = Simplify<
  { readonly [K in keyof F & keyof Row as IsOptional<F[K]> extends true ? never : K]: F[K]['kind'] extends 'json' ? JsonValue<F[K]> : Row[K] } & {
    readonly [K in keyof F & keyof Row as IsOptional<F[K]> extends true ? K : never]?: Exclude<JsonValue<F[K]>, undefined>;
  }
>;

/** A field as plain facts, for a layer that derives its own representation (the API's zod schema). */
export interface FieldFacts {
  readonly key: string;
  readonly kind: FieldKind;
  readonly nullable: boolean;
  /** an enum column's values */
  readonly values?: readonly [string, ...string[]];
  readonly doc?: string;
  readonly json?: AnyJsonCodec;
  readonly optional?: true;
}

/** The facts of each field of `fields`, read from `columns` (the built table's getTableColumns()). */
export function factsOf(fields: FieldSpecs, columns: Readonly<Record<string, { notNull: boolean; enumValues?: readonly string[] | undefined }>>): FieldFacts[] {
  return Object.entries(fields).map(([key, f]) => {
    const column = columns[key];
    if (column === undefined) throw new Error(`no column for field ${key}`);
    const values = f.kind === 'enum' && column.enumValues !== undefined && column.enumValues.length > 0 ? (column.enumValues as [string, ...string[]]) : undefined;
    return {
      key,
      kind: f.kind,
      nullable: !column.notNull,
      ...(values !== undefined ? { values } : {}),
      ...(f.doc !== undefined ? { doc: f.doc } : {}),
      ...(f.json !== undefined ? { json: f.json } : {}),
      ...(f.optional !== undefined ? { optional: f.optional } : {}),
    };
  });
}
