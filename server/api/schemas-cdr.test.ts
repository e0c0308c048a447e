// The call record is defined once (store/schema/call-records.ts); these tests hold the store row,
// the views, the API's zod schema and JSON to that definition. The type-level checks are compiled
// by `tsc` (npm run typecheck): each `@ts-expect-error` line below is an error tsc must report, so
// a shape that drifted from the definition fails the typecheck, not only this test.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getTableColumns } from 'drizzle-orm';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { z } from 'zod';
import { callLegFields, callRecordFields, callRetentionFields, type CallRecordView } from '../store/index.js';
import { callLegs, callRecords } from '../store/schema/call-records.js';
import { columnsOf, factsOf, type ViewOf } from '../store/schema/record-fields.js';
import { callLegFixture, callRecordFixture } from '../store/testing.js';
import type { CallRecord as DomainCallRecord } from '../calls/index.js';
import { CallLeg, CallRecord, CallRetention, callRecordJson, objectOf, type CallRecordJson } from './schemas-cdr.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(_proof: T): void => undefined;

// The domain's record is the store's view, and the API's JSON has every field of it (plus its own).
expectType<Equal<DomainCallRecord, CallRecordView>>(true);
expectType<Equal<keyof CallRecordJson, keyof CallRecordView | 'recordingUrl'>>(true);
expectType<Equal<keyof z.infer<typeof CallRecord>, keyof CallRecordJson>>(true);
// times are ISO strings in the API, ms in the store
expectType<Equal<CallRecordJson['answeredAt'], string | null>>(true);
expectType<Equal<CallRecordView['answeredAt'], number | null>>(true);
// What is set from outside the call (issue 14) is a group of its own: no key in both groups, so the
// call's upsert (built from callRecordFields' keys) never names a retention column.
expectType<Equal<keyof typeof callRecordFields & keyof typeof callRetentionFields, never>>(true);
expectType<Equal<NonNullable<CallRecordJson['retention']>['purgedAt'], string | null>>(true);

// A field added to the definition (the way call-records.ts says): the derived view must have it.
const withQueue = { ...callRecordFields, queue: { column: text('queue'), kind: 'text', doc: 'the ACD queue the call waited in' } } as const;
const withQueueTable = sqliteTable('call_records_with_queue', columnsOf(withQueue));
type WithQueue = ViewOf<typeof withQueue, typeof withQueueTable.$inferSelect>;
expectType<Equal<WithQueue['queue'], string | null>>(true);
const { legs: _legs, ...withoutQueue } = callRecordFixture({ id: 'c1', startedAt: 1 });
// @ts-expect-error a record built without the new field is refused (what server/calls/record.ts would see)
const _builtWithoutQueue: WithQueue = withoutQueue;
const _builtWithQueue: WithQueue = { ...withoutQueue, queue: 'sales' };
// @ts-expect-error a field missing from the definition cannot be set on the domain's record either
const _unknownField: DomainCallRecord = { ...callRecordFixture({ id: 'c2', startedAt: 1 }), queue: 'sales' };

describe('the call record: one definition', () => {
  it('every column of call_records and call_legs (but the leg\'s call id) is a field of the API schema, with the column\'s nullability', () => {
    const recordShape = CallRecord.shape as Record<string, z.ZodType>;
    const retentionShape = CallRetention.shape as Record<string, z.ZodType>;
    for (const [key, column] of Object.entries(getTableColumns(callRecords))) {
      // the call's fields at the top, those set from outside the call under `retention`
      const shape = key in callRetentionFields ? retentionShape : recordShape;
      assert.ok(key in shape, `call_records.${column.name} is in the API's CallRecord`);
      if (key !== 'routing' && key !== 'ivr' && key !== 'recordingPauses' && key !== 'tags') assert.equal(shape[key]!.safeParse(null).success, !column.notNull, `${key} nullable`);
    }
    assert.deepEqual(Object.keys(retentionShape).sort(), Object.keys(callRetentionFields).sort());
    const legShape = CallLeg.shape as Record<string, z.ZodType>;
    for (const [key, column] of Object.entries(getTableColumns(callLegs))) {
      if (key === 'callId') assert.ok(!(key in legShape), 'the call id is the store\'s link, not part of the leg');
      else assert.ok(key in legShape, `call_legs.${column.name} is in the API's CallLeg`);
    }
    assert.deepEqual(Object.keys(CallLeg.shape).sort(), Object.keys(callLegFields).sort());
  });

  it('a field added to the definition appears in the derived API schema with its kind, nullability and description', () => {
    const facts = factsOf(withQueue, getTableColumns(withQueueTable));
    const schema = objectOf<WithQueue>(facts);
    const queue = (schema.shape as Record<string, z.ZodType>).queue;
    assert.ok(queue, 'the schema has the new field');
    assert.equal(queue.safeParse('sales').success, true);
    assert.equal(queue.safeParse(null).success, true, 'a nullable column is nullable in the API');
    assert.equal(queue.safeParse(7).success, false);
    assert.equal(queue.meta()?.description, 'the ACD queue the call waited in');
  });

  it('a call record with every field set converts to JSON the API schema accepts, times as ISO 8601 (RFC 3339) strings', () => {
    const record = callRecordFixture({
      id: 'c3',
      startedAt: Date.UTC(2026, 0, 15, 10, 0, 0),
      answeredAt: Date.UTC(2026, 0, 15, 10, 0, 5),
      endedAt: Date.UTC(2026, 0, 15, 10, 1, 5),
      disposition: 'ANSWERED',
      recordingPath: '2026/01/15/c3.wav',
      recordingFormat: 'wav',
      recordingPauses: [{ atMs: 1000, durationMs: 2000 }],
      routing: { trace: [{ number: '1002' }], handlers: ['dial-extension'] },
      legs: [callLegFixture({ id: 'l1', role: 'caller', startedAt: Date.UTC(2026, 0, 15, 10, 0, 0) })],
    });
    const json = callRecordJson(record);
    assert.equal(json.startedAt, '2026-01-15T10:00:00.000Z');
    assert.equal(json.endedAt, '2026-01-15T10:01:05.000Z');
    assert.equal(json.legs[0]?.startedAt, '2026-01-15T10:00:00.000Z');
    assert.equal(json.recordingUrl, '/api/v1/cdrs/c3/recording');
    const parsed = CallRecord.safeParse(json);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    assert.equal(json.retention, undefined, "the call's own record has no retention facts");

    const stored = callRecordJson({
      ...record,
      retention: { tags: ['insurance'], legalHoldReason: 'case 42', legalHoldBy: 'lawyer', legalHoldAt: Date.UTC(2026, 0, 16), wrapUpCode: null, wrapUpNotes: null, wrapUpBy: null, wrapUpAt: null, purgedAt: null },
    });
    assert.equal(stored.retention?.legalHoldAt, '2026-01-16T00:00:00.000Z');
    assert.deepEqual(stored.retention?.tags, ['insurance']);
    const storedParsed = CallRecord.safeParse(stored);
    assert.ok(storedParsed.success, JSON.stringify(storedParsed.error?.issues));
  });
});
