import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CallLegInput, CallRecordInput } from '../store/index.js';
import { callLegFixture } from '../store/testing.js';
import { createApiHarness, loginAs, type ApiHarness } from './testing.js';
import { csvField } from './routes/cdrs.js';
import { CallRecordList } from './schemas.js';

const T = Date.UTC(2026, 0, 15, 10, 0, 0); // 2026-01-15 10:00:00 UTC

function leg(id: string, role: 'caller' | 'callee', over: Partial<CallLegInput> = {}): CallLegInput {
  return callLegFixture({ id, role, startedAt: T, sipCallId: `${id}@test`, uri: 'sip:x@192.0.2.1', sourceAddress: '192.0.2.1:5060', userAgent: null, ...over });
}

const answered: CallRecordInput = {
  id: '7f3c2a10-0000-4000-8000-000000000001',
  caller: '1001',
  callerName: 'Alice',
  callee: '1002',
  startedAt: T,
  answeredAt: T + 5_000,
  endedAt: T + 65_400,
  durationS: 65,
  billableS: 60,
  disposition: 'ANSWERED',
  hangupCause: 'normal-clearing',
  sipStatus: 200,
  hangupBy: 'callee',
  codec: 'PCMU',
  recordingPath: null,
  recordingFormat: null,
  recordingDurationMs: null,
  recordingPauses: [],
  direction: 'internal',
  legs: [
    leg('a1b2c3d4-1111-4000-8000-000000000001', 'caller', { answeredAt: T + 5_000, endedAt: T + 65_400, sipStatus: 200, codec: 'PCMU', jitterMs: 2.5, mos: 4.39, packetsDropped: 4, srtpFailures: 1 }),
    // forked: one phone declined, the other answered
    leg('e5f6a7b8-2222-4000-8000-000000000002', 'callee', { startedAt: T + 50, endedAt: T + 900, sipStatus: 486 }),
    leg('0badc0de-3333-4000-8000-000000000003', 'callee', { startedAt: T + 50, answeredAt: T + 5_000, endedAt: T + 65_400, sipStatus: 200 }),
  ],
};

const unanswered: CallRecordInput = {
  id: '7f3c2a10-0000-4000-8000-000000000002',
  caller: '1003',
  callerName: '=1+2',
  callee: '+4930123456',
  startedAt: T + 3_600_000,
  answeredAt: null,
  endedAt: T + 3_630_000,
  durationS: 30,
  billableS: 0,
  disposition: 'NO ANSWER',
  hangupCause: 'no-answer',
  sipStatus: 480,
  hangupBy: 'system',
  codec: null,
  recordingPath: null,
  recordingFormat: null,
  recordingDurationMs: null,
  recordingPauses: [],
  direction: 'internal',
  legs: [],
};

const inProgress: CallRecordInput = {
  ...unanswered,
  id: '7f3c2a10-0000-4000-8000-000000000003',
  caller: '1004',
  callerName: 'Smith, Jane',
  callee: '1001',
  startedAt: T + 7_200_000,
  endedAt: null,
  durationS: null,
  billableS: null,
  disposition: null,
  hangupCause: null,
  sipStatus: null,
  hangupBy: null,
};

async function seeded(): Promise<{ h: ApiHarness; get: (path: string) => Promise<Response> }> {
  const h = await createApiHarness();
  await Promise.all([h.callRecords.begin(answered), h.callRecords.begin(unanswered), h.callRecords.begin(inProgress)]);
  const token = await loginAs(h, 'sup', 'correct horse', 'supervisor');
  return { h, get: async (path) => h.app.request(path, { headers: { authorization: `Bearer ${token}` } }) };
}

describe('/api/v1/cdrs', () => {
  it('lists newest first with ISO times and legs; filters by time range, number and disposition', async () => {
    const { h, get } = await seeded();
    try {
      const res = await get('/api/v1/cdrs');
      assert.equal(res.status, 200);
      const page = (await res.json()) as { items: Record<string, unknown>[]; total: number; limit: number; offset: number };
      assert.deepEqual(
        page.items.map((c) => c['id']),
        [inProgress.id, unanswered.id, answered.id],
      );
      assert.deepEqual([page.total, page.limit, page.offset], [3, 50, 0]);
      const first = page.items[2]!;
      assert.equal(first['startedAt'], '2026-01-15T10:00:00.000Z');
      assert.equal(first['answeredAt'], '2026-01-15T10:00:05.000Z');
      assert.equal(first['endedAt'], '2026-01-15T10:01:05.400Z');
      assert.equal(first['billableS'], 60);
      const legs = first['legs'] as Record<string, unknown>[];
      assert.deepEqual(legs.map((l) => [l['role'], l['sipStatus']]), [['caller', 200], ['callee', 486], ['callee', 200]]);
      assert.equal(legs[1]?.['endedAt'], '2026-01-15T10:00:00.900Z');
      assert.deepEqual([legs[0]?.['mos'], legs[0]?.['packetsDropped'], legs[0]?.['srtpFailures']], [4.39, 4, 1]);
      assert.deepEqual([legs[1]?.['mos'], legs[1]?.['packetsDropped'], legs[1]?.['srtpFailures']], [null, 0, 0]);
      assert.deepEqual(
        [first['recordingPath'], first['recordingFormat'], first['recordingDurationMs'], first['recordingPauses'], first['recordingUrl']],
        [null, null, null, [], null],
        'not recorded',
      );
      assert.equal(page.items[0]?.['endedAt'], null, 'in progress');
      assert.ok(CallRecordList.safeParse(page).success, 'the body is what the OpenAPI schema says');

      const ids = async (query: string) => ((await (await get(`/api/v1/cdrs?${query}`)).json()) as { items: { id: string }[] }).items.map((c) => c.id);
      assert.deepEqual(await ids('number=1001'), [inProgress.id, answered.id], 'caller or callee');
      assert.deepEqual(await ids('disposition=NO%20ANSWER'), [unanswered.id]);
      assert.deepEqual(await ids('from=2026-01-15T11:00:00Z&to=2026-01-15T11:59:59Z'), [unanswered.id]);
      // the same instant written with an offset
      assert.deepEqual(await ids('from=2026-01-15T12:00:00%2B01:00&to=2026-01-15T12:00:00%2B01:00'), [unanswered.id]);
      assert.deepEqual(await ids('limit=1&offset=1'), [unanswered.id]);

      const one = await get(`/api/v1/cdrs/${answered.id}`);
      assert.equal(one.status, 200);
      const body = (await one.json()) as Record<string, unknown>;
      assert.equal(body['caller'], '1001');
      assert.equal((body['legs'] as unknown[]).length, 3);
      assert.equal((await get('/api/v1/cdrs/7f3c2a10-0000-4000-8000-00000000dead')).status, 404);
    } finally {
      await h.cleanup();
    }
  });

  it('400 with a reason for a bad query; 401 without a session', async () => {
    const { h, get } = await seeded();
    try {
      for (const query of ['from=yesterday', 'to=2026-01-15', 'from=2026-01-15T11:00:00', 'disposition=LOST', 'limit=0', 'limit=501', 'offset=-1',
        'from=2026-01-16T00:00:00Z&to=2026-01-15T00:00:00Z']) {
        const res = await get(`/api/v1/cdrs?${query}`);
        assert.equal(res.status, 400, query);
        const body = (await res.json()) as { error: string; issues: { path: string; message: string }[] };
        assert.equal(body.error, 'validation failed');
        assert.ok(body.issues[0]?.message, query);
      }
      assert.equal((await get('/api/v1/cdrs/not%20an%20id')).status, 400);
      assert.equal((await get('/api/v1/cdrs.csv?limit=10001')).status, 400);
      assert.equal((await get('/api/v1/cdrs.csv?limit=10000')).status, 200);
      for (const path of ['/api/v1/cdrs', `/api/v1/cdrs/${answered.id}`, '/api/v1/cdrs.csv']) {
        assert.equal((await h.app.request(path)).status, 401, path);
        assert.equal((await h.app.request(path, { headers: { authorization: 'Bearer nope' } })).status, 401, path);
      }
    } finally {
      await h.cleanup();
    }
  });

  it('CSV: Asterisk cdr_csv columns and values, RFC 4180 quoting and CRLF, formula cells neutralised', async () => {
    const { h, get } = await seeded();
    try {
      const res = await get('/api/v1/cdrs.csv');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
      assert.equal(res.headers.get('x-total-count'), '3');
      const text = await res.text();
      assert.ok(text.endsWith('\r\n'));
      const lines = text.split('\r\n');
      assert.deepEqual(lines, [
        'accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,answer,end,duration,billsec,disposition,amaflags,uniqueid,userfield',
        ',1004,1001,from-internal,"""Smith, Jane"" <1004>",,,Dial,SIP/1001,2026-01-15 12:00:00,,,,,,DOCUMENTATION,7f3c2a10-0000-4000-8000-000000000003,',
        `,1003,"'+4930123456",from-internal,"""=1+2"" <1003>",,,Dial,SIP/+4930123456,2026-01-15 11:00:00,,2026-01-15 11:00:30,30,0,NO ANSWER,DOCUMENTATION,7f3c2a10-0000-4000-8000-000000000002,no-answer`,
        ',1001,1002,from-internal,"""Alice"" <1001>",SIP/1001-a1b2c3d4,SIP/1002-0badc0de,Dial,SIP/1002,2026-01-15 10:00:00,2026-01-15 10:00:05,2026-01-15 10:01:05,65,60,ANSWERED,DOCUMENTATION,7f3c2a10-0000-4000-8000-000000000001,normal-clearing',
        '',
      ]);
      const filtered = await (await get('/api/v1/cdrs.csv?disposition=ANSWERED')).text();
      assert.equal(filtered.split('\r\n').length, 3, 'header, one record, the final empty line');
    } finally {
      await h.cleanup();
    }
  });

  it('RFC 4180 2.5-2.7 (property): every field is one well-formed field that decodes to the text, apostrophe-prefixed when it could start a formula', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: fc.constantFrom('a', '1', ',', '"', '\r', '\n', '=', '+', '-', '@', '\t', ' ', "'") }), (text) => {
        const field = csvField(text);
        // RFC 4180 grammar: escaped = DQUOTE *(TEXTDATA / COMMA / CR / LF / 2DQUOTE) DQUOTE; non-escaped = *TEXTDATA
        const escaped = /^"(?:[^"]|"")*"$/.test(field);
        assert.ok(escaped || /^[^",\r\n]*$/.test(field), field);
        const decoded = escaped ? field.slice(1, -1).replace(/""/g, '"') : field;
        const risky = /^[=+\-@\t\r]/.test(text);
        assert.equal(decoded, risky ? `'${text}` : text);
      }),
      { numRuns: 500 },
    );
  });
});
