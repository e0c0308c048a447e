// The call record in the API, derived from its one definition in the store
// (store/schema/call-records.ts): each field's zod schema follows from its kind, nullability and
// description there, and times (ms in the store) are ISO 8601 strings here. A field added there
// appears in GET /api/v1/cdrs, the OpenAPI document and this JSON without a change in this file.
import { z } from 'zod';
import {
  callLegFacts,
  callRecordFacts,
  callRetentionFacts,
  type callLegFields,
  type callRecordFields,
  type callRetentionFields,
  type CallLegView,
  type CallRecordView,
  type CallRetentionView,
  type FieldFacts,
} from '../store/index.js';

/** A view's JSON: a time field (ms) becomes an ISO 8601 string, null staying null. */
type JsonOf<V, Times extends PropertyKey> = { [K in keyof V]: K extends Times ? (null extends V[K] ? string | null : string) : V[K] };
/** The keys of the fields declared with kind 'time'. */
type TimeKeys<F> = { [K in keyof F]: F[K] extends { kind: 'time' } ? K : never }[keyof F];

export type CallLegJson = JsonOf<CallLegView, TimeKeys<typeof callLegFields>>;
export type CallRetentionJson = JsonOf<CallRetentionView, TimeKeys<typeof callRetentionFields>>;
export type CallRecordJson = JsonOf<Omit<CallRecordView, 'legs' | 'retention'>, TimeKeys<typeof callRecordFields>> & {
  readonly recordingUrl: string | null;
  readonly legs: readonly CallLegJson[];
  /** every stored record has it; a call's own record (live events) does not */
  readonly retention?: CallRetentionJson;
};

function fieldSchema(f: FieldFacts): z.ZodType {
  let schema: z.ZodType;
  switch (f.kind) {
    case 'text':
      schema = z.string();
      break;
    case 'integer':
      schema = z.number().int();
      break;
    case 'real':
      schema = z.number();
      break;
    case 'time':
      schema = z.iso.datetime();
      break;
    case 'enum':
      if (f.values === undefined) throw new Error(`enum field ${f.key} without values`);
      schema = z.enum(f.values);
      break;
    case 'json':
      if (f.json === undefined) throw new Error(`json field ${f.key} without a codec`);
      schema = f.json.schema;
      break;
  }
  if (f.nullable && f.kind !== 'json') schema = schema.nullable();
  if (f.optional === true) schema = schema.optional();
  return f.doc === undefined ? schema : schema.meta({ description: f.doc });
}

/** The zod object of `facts`, one key per field, typed with the keys of the JSON it describes. */
export function objectOf<J>(facts: readonly FieldFacts[]): z.ZodObject<{ [K in keyof J]-?: z.ZodType }> {
  return z.object(Object.fromEntries(facts.map((f) => [f.key, fieldSchema(f)]))) as z.ZodObject<{ [K in keyof J]-?: z.ZodType }>;
}

/** Converts a view to its JSON: the time fields named by `facts` as ISO 8601 strings. */
function jsonConverter<V extends object, J>(facts: readonly FieldFacts[]): (view: V) => J {
  const times = facts.filter((f) => f.kind === 'time').map((f) => f.key);
  return (view) => {
    const json: Record<string, unknown> = { ...(view as Record<string, unknown>) };
    for (const k of times) {
      const ms = json[k] as number | null;
      json[k] = ms === null ? null : new Date(ms).toISOString();
    }
    return json as J;
  };
}

export const CallLeg = objectOf<CallLegJson>(callLegFacts);

export const CallRetention = objectOf<CallRetentionJson>(callRetentionFacts);

export const CallRecord = objectOf<Omit<CallRecordJson, 'recordingUrl' | 'legs' | 'retention'>>(callRecordFacts).extend({
  recordingUrl: z.string().nullable().meta({ description: 'where to download the recording; null when the call has none' }),
  legs: z.array(CallLeg),
  retention: CallRetention.optional().meta({
    description: 'set on the record from outside the call (tags, legal hold) and by the retention purge; on every stored record',
  }),
});

const legJson = jsonConverter<CallLegView, CallLegJson>(callLegFacts);
const recordJson = jsonConverter<Omit<CallRecordView, 'legs' | 'retention'>, Omit<CallRecordJson, 'recordingUrl' | 'legs' | 'retention'>>(callRecordFacts);
const retentionJson = jsonConverter<CallRetentionView, CallRetentionJson>(callRetentionFacts);

/** A call record as GET /api/v1/cdrs answers it. */
export function callRecordJson(r: CallRecordView): CallRecordJson {
  const { retention, ...record } = r;
  return {
    ...recordJson(record),
    recordingUrl: r.recordingPath === null ? null : `/api/v1/cdrs/${encodeURIComponent(r.id)}/recording`,
    legs: r.legs.map(legJson),
    ...(retention !== undefined ? { retention: retentionJson(retention) } : {}),
  };
}
