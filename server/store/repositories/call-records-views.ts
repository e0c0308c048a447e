// Rows of call_records/call_legs as the repository's views, derived field by field from the call
// record's definition (schema/call-records.ts). Enum columns are narrowed here: a value the code
// does not know (a row written by a newer version, or edited by hand) is never passed on as if it
// were one of the union's members.
import { getTableColumns } from 'drizzle-orm';
import {
  callLegFields,
  callLegs,
  callRecordFields,
  callRecords,
  callRetentionFields,
  type CallLegRow,
  type CallLegView,
  type CallRecordRow,
  type CallRecordView,
} from '../schema/call-records.js';
import type { FieldSpecs } from '../schema/record-fields.js';

type Reader = (view: Record<string, unknown>, row: Record<string, unknown>) => void;

/** One reader per field, built once: copy, narrow an enum, or decode a JSON column. */
function readersOf(fields: FieldSpecs, columns: Record<string, { enumValues?: readonly string[] | undefined }>): Reader[] {
  return Object.entries(fields).map(([key, field]): Reader => {
    const json = field.json;
    if (json !== undefined) {
      return (view, row) => {
        const value = json.decode(row[key] as string | null);
        if (value !== undefined || field.optional !== true) view[key] = value;
      };
    }
    const known = field.kind === 'enum' ? columns[key]?.enumValues : undefined;
    if (known !== undefined) return (view, row) => (view[key] = known.includes(row[key] as string) ? row[key] : null);
    return (view, row) => (view[key] = row[key]);
  });
}

const recordReaders = readersOf(callRecordFields, getTableColumns(callRecords));
const retentionReaders = readersOf(callRetentionFields, getTableColumns(callRecords));
const legReaders = readersOf(callLegFields, getTableColumns(callLegs));

function viewOf(readers: readonly Reader[], row: object): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const read of readers) read(view, row as Record<string, unknown>);
  return view;
}

/** Legs grouped by call, keeping the order of `rows`; a leg whose role the code does not know is skipped. */
export function legsByCall(rows: readonly CallLegRow[], onUnknownRole: (row: CallLegRow) => void): Map<string, CallLegView[]> {
  const byCall = new Map<string, CallLegView[]>();
  for (const row of rows) {
    const leg = viewOf(legReaders, row) as CallLegView;
    // role is a NOT NULL enum: null here means a value the code does not know
    if ((leg.role as string | null) === null) {
      onUnknownRole(row);
      continue;
    }
    let legs = byCall.get(row.callId);
    if (legs === undefined) byCall.set(row.callId, (legs = []));
    legs.push(leg);
  }
  return byCall;
}

export function recordView(row: CallRecordRow, legs: readonly CallLegView[]): CallRecordView {
  const view = viewOf(recordReaders, row);
  view.legs = legs;
  view.retention = viewOf(retentionReaders, row);
  return view as CallRecordView;
}
