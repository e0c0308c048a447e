import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchWriter } from '../batch-writer.js';
import { openDatabase } from '../database.js';
import { callLegFixture, callRecordFixture, openTempDatabase, quietStoreLogger } from '../testing.js';
import { HeartbeatRepository } from './heartbeats.js';
import { CallRecordRepository, type CallLegInput, type CallRecordInput } from './call-records.js';
import { RetentionRepository } from './retention.js';

/** a call as written by the B2BUA: no tags, no legal hold, not purged (issue 14) */
const NEW_CALL_RETENTION = { tags: [], legalHoldReason: null, legalHoldBy: null, legalHoldAt: null, wrapUpCode: null, wrapUpNotes: null, wrapUpBy: null, wrapUpAt: null, purgedAt: null };

const T0 = 1_700_000_000_000;

function leg(over: Partial<CallLegInput> & Pick<CallLegInput, 'id' | 'role'>): CallLegInput {
  return callLegFixture({ startedAt: T0, ...over });
}

function call(over: Partial<CallRecordInput> & Pick<CallRecordInput, 'id'>): CallRecordInput {
  return callRecordFixture({ callerName: 'Alice', startedAt: T0, ...over });
}

async function setup() {
  const ctx = await openTempDatabase();
  const writer = new BatchWriter({ client: ctx.database.client, logger: quietStoreLogger, flushDelayMs: 1 });
  const repo = new CallRecordRepository({ db: ctx.database.db, writer, logger: quietStoreLogger });
  return { ...ctx, writer, repo };
}

describe('CallRecordRepository', () => {
  it("the call's whole-row upserts leave tags and legal hold set through the API meanwhile as they are (issue 14)", async () => {
    const { database, writer, repo, cleanup } = await setup();
    try {
      const retention = new RetentionRepository({ db: database.db, now: () => T0 + 10_000 });
      const a = leg({ id: 'leg-a', role: 'caller' });
      await repo.begin(call({ id: 'c9', legs: [a] }));
      // while the call is up, a supervisor tags it and a lawyer holds it
      assert.equal(await retention.setTags({ id: 'c9', tags: ['insurance'] }), true);
      assert.equal(await retention.setLegalHold({ id: 'c9', hold: { reason: 'case 42', by: 'lawyer' } }), true);
      // the call answers and ends, then its recording's figures come: each a whole-row upsert
      await repo.update(call({ id: 'c9', answeredAt: T0 + 4_000, legs: [a] }));
      const ended = call({ id: 'c9', answeredAt: T0 + 4_000, endedAt: T0 + 64_000, durationS: 64, billableS: 60, disposition: 'ANSWERED', legs: [a] });
      await repo.update(ended);
      await repo.update({ ...ended, recordingPath: '2023/11/14/c9.wav', recordingFormat: 'wav', recordingDurationMs: 60_000 });
      const held = { tags: ['insurance'], legalHoldReason: 'case 42', legalHoldBy: 'lawyer', legalHoldAt: T0 + 10_000, wrapUpCode: null, wrapUpNotes: null, wrapUpBy: null, wrapUpAt: null, purgedAt: null };
      assert.deepEqual((await repo.get('c9'))?.retention, held);
      // a record carrying a stale retention (read before the hold) still writes only the call's fields
      await repo.update({ ...ended, retention: NEW_CALL_RETENTION });
      assert.deepEqual((await repo.get('c9'))?.retention, held);
      assert.equal((await repo.list({ limit: 10, offset: 0 })).items[0]?.retention?.legalHoldReason, 'case 42');
    } finally {
      await writer.close();
      await cleanup();
    }
  });

  it('begin writes the in-progress call and its legs; update upserts answer, a new leg and the final state', async () => {
    const { database, writer, repo, cleanup } = await setup();
    try {
      const a = leg({ id: 'leg-a', role: 'caller' });
      await repo.begin(call({ id: 'c1', legs: [a] }));
      const open = await repo.get('c1');
      assert.equal(open?.endedAt, null);
      assert.equal(open?.disposition, null);
      assert.deepEqual(open?.legs.map((l) => l.id), ['leg-a']);

      const b = leg({ id: 'leg-b', role: 'callee', uri: 'sip:1002@192.0.2.20:5062', startedAt: T0 + 100 });
      await repo.update(call({ id: 'c1', answeredAt: T0 + 4_000, codec: 'PCMU', legs: [a, { ...b, answeredAt: T0 + 4_000 }] }));
      const final = call({
        id: 'c1',
        answeredAt: T0 + 4_000,
        endedAt: T0 + 64_000,
        durationS: 64,
        billableS: 60,
        disposition: 'ANSWERED',
        hangupCause: 'normal-clearing',
        sipStatus: 200,
        hangupBy: 'callee',
        codec: 'PCMU',
        legs: [
          { ...a, answeredAt: T0 + 4_000, endedAt: T0 + 64_000, sipStatus: 200, codec: 'PCMU', packetsReceived: 3000, packetsSent: 2990, bytesReceived: 516_000, bytesSent: 514_280, packetsLost: 2, fractionLost: 0.0039, jitterMs: 1.5, mos: 4.38, packetsDropped: 7, srtpFailures: 0 },
          { ...b, answeredAt: T0 + 4_000, endedAt: T0 + 64_000, sipStatus: 200, codec: 'opus', packetsReceived: 2990, packetsSent: 3000, mos: 4.1, packetsDropped: 0, srtpFailures: 3 },
        ],
      });
      await repo.update(final);
      assert.deepEqual(await repo.get('c1'), { ...final, retention: NEW_CALL_RETENTION });

      // the recording ends after the call: a later update carries its file, length and pauses
      const recorded = {
        ...final,
        recordingPath: '/var/lib/hailing/recordings/c1.wav',
        recordingFormat: 'wav' as const,
        recordingDurationMs: 60_000,
        recordingPauses: [{ atMs: 12_000, durationMs: 30_500 }, { atMs: 50_000, durationMs: 1_000 }],
      };
      await repo.update(recorded);
      assert.deepEqual(await repo.get('c1'), { ...recorded, retention: NEW_CALL_RETENTION });
      const stored = await database.client.execute("SELECT recording_pauses FROM call_records WHERE id = 'c1'");
      assert.deepEqual(JSON.parse(String(stored.rows[0]?.['recording_pauses'])), recorded.recordingPauses, 'pauses are JSON text');
      // an update is the whole row: a record without the recording clears it again
      await repo.update(final);
      assert.deepEqual(await repo.get('c1'), { ...final, retention: NEW_CALL_RETENTION });
      const rows = await database.client.execute('SELECT COUNT(*) AS n FROM call_legs');
      assert.equal(rows.rows[0]?.['n'], 2, 'upserts, no duplicate legs');
      assert.equal(await repo.get('nope'), undefined);
      await writer.close();
    } finally {
      await cleanup();
    }
  });

  it('lists newest first with a total, filtering by time range, number (caller or callee) and disposition', async () => {
    const { writer, repo, cleanup } = await setup();
    try {
      const done = { endedAt: T0 + 99_000, durationS: 1, billableS: 0 };
      await Promise.all([
        repo.begin(call({ id: 'c1', startedAt: T0 + 1_000, caller: '1001', callee: '1002', ...done, disposition: 'ANSWERED', legs: [leg({ id: 'l1', role: 'caller' })] })),
        repo.begin(call({ id: 'c2', startedAt: T0 + 2_000, caller: '1002', callee: '1003', ...done, disposition: 'BUSY' })),
        repo.begin(call({ id: 'c3', startedAt: T0 + 3_000, caller: '1003', callee: '1001', ...done, disposition: 'NO ANSWER' })),
        repo.begin(call({ id: 'c4', startedAt: T0 + 4_000, caller: '1004', callee: '1005' })),
      ]);
      const ids = async (f: Parameters<typeof repo.list>[0]) => {
        const page = await repo.list(f);
        return { ids: page.items.map((c) => c.id), total: page.total };
      };
      assert.deepEqual(await ids({ limit: 50, offset: 0 }), { ids: ['c4', 'c3', 'c2', 'c1'], total: 4 });
      assert.deepEqual(await ids({ limit: 2, offset: 1 }), { ids: ['c3', 'c2'], total: 4 });
      assert.deepEqual(await ids({ number: '1001', limit: 50, offset: 0 }), { ids: ['c3', 'c1'], total: 2 });
      assert.deepEqual(await ids({ disposition: 'BUSY', limit: 50, offset: 0 }), { ids: ['c2'], total: 1 });
      // both bounds inclusive
      assert.deepEqual(await ids({ from: T0 + 2_000, to: T0 + 3_000, limit: 50, offset: 0 }), { ids: ['c3', 'c2'], total: 2 });
      assert.deepEqual(await ids({ from: T0 + 2_000, number: '1001', limit: 1, offset: 0 }), { ids: ['c3'], total: 1 });
      const listed = await repo.list({ limit: 50, offset: 0 });
      assert.deepEqual(listed.items.find((c) => c.id === 'c1')?.legs.map((l) => l.id), ['l1']);
      await writer.close();
    } finally {
      await cleanup();
    }
  });

  it('interruptOpen with no heartbeat closes calls a crash left open as INTERRUPTED at start-up, with Asterisk-style whole-second durations', async () => {
    const ctx = await openTempDatabase();
    try {
      // Before the "crash": two calls in progress and one finished, committed, then the process
      // goes away without ever updating the open ones.
      const writer = new BatchWriter({ client: ctx.database.client, logger: quietStoreLogger, flushDelayMs: 1 });
      const before = new CallRecordRepository({ db: ctx.database.db, writer, logger: quietStoreLogger });
      const rejected = leg({ id: 'c1-b1', role: 'callee', startedAt: T0 + 100, endedAt: T0 + 900, sipStatus: 486 });
      await Promise.all([
        // answered 5 s in; forked to two phones, one of which had already declined
        before.begin(call({
          id: 'c1',
          answeredAt: T0 + 5_000,
          legs: [leg({ id: 'c1-a', role: 'caller', answeredAt: T0 + 5_000 }), rejected, leg({ id: 'c1-b2', role: 'callee', startedAt: T0 + 100, answeredAt: T0 + 5_000 })],
        })),
        // still ringing
        before.begin(call({ id: 'c2', startedAt: T0 + 10_000, legs: [leg({ id: 'c2-a', role: 'caller', startedAt: T0 + 10_000 })] })),
        // finished (its leg's end never reported): not ours to touch
        before.begin(call({ id: 'c3', endedAt: T0 + 2_000, durationS: 2, billableS: 0, disposition: 'CANCELLED', hangupCause: 'cancelled', sipStatus: 487, hangupBy: 'caller', legs: [leg({ id: 'c3-a', role: 'caller' })] })),
      ]);
      await writer.close();
      ctx.database.close();

      const database = await openDatabase({ dataDir: ctx.dir, logger: quietStoreLogger });
      const writer2 = new BatchWriter({ client: database.client, logger: quietStoreLogger, flushDelayMs: 1 });
      try {
        const repo = new CallRecordRepository({ db: database.db, writer: writer2, logger: quietStoreLogger });
        const now = T0 + 65_900;
        assert.equal(await repo.interruptOpen({ now, lastAliveAt: null }), 2);

        const c1 = await repo.get('c1');
        assert.equal(c1?.disposition, 'INTERRUPTED');
        assert.equal(c1?.hangupCause, 'interrupted');
        assert.equal(c1?.hangupBy, 'system');
        assert.equal(c1?.endedAt, now);
        assert.equal(c1?.durationS, 65, '65.9 s truncated, as Asterisk counts duration');
        assert.equal(c1?.billableS, 60, 'end − answer = 60.9 s → 60');
        assert.deepEqual(
          c1?.legs.map((l) => [l.id, l.endedAt]),
          [['c1-a', now], ['c1-b1', T0 + 900], ['c1-b2', now]],
          'open legs end now; the declined leg keeps its own end',
        );
        const c2 = await repo.get('c2');
        assert.equal(c2?.durationS, 55);
        assert.equal(c2?.billableS, 0, 'never answered: billsec 0');
        assert.equal(c2?.legs[0]?.endedAt, now);

        const c3 = await repo.get('c3');
        assert.equal(c3?.disposition, 'CANCELLED', 'finished calls untouched');
        assert.equal(c3?.endedAt, T0 + 2_000);
        assert.equal(c3?.legs[0]?.endedAt, null);
        assert.equal(await repo.interruptOpen({ now: now + 1_000, lastAliveAt: null }), 0, 'nothing left open');
      } finally {
        await writer2.close();
        database.close();
      }
    } finally {
      await ctx.cleanup();
    }
  });

  it('interruptOpen ends a cut-off call at the last heartbeat, or its own later start or answer, never in the downtime', async () => {
    const { database, writer, repo, cleanup } = await setup();
    try {
      const beats = new HeartbeatRepository({ db: database.db, writer });
      assert.equal(await beats.lastAlive(), null, 'never beat');
      // beats every second until 30.9 s; the process dies at about 31.6 s and restarts at 95.9 s
      for (let t = 900; t <= 30_900; t += 1_000) await beats.beat(T0 + t);
      await Promise.all([
        // answered at 5 s: up until the last beat
        repo.begin(call({ id: 'c1', answeredAt: T0 + 5_000, legs: [leg({ id: 'c1-a', role: 'caller', answeredAt: T0 + 5_000 }), leg({ id: 'c1-b', role: 'callee', startedAt: T0 + 100, answeredAt: T0 + 5_000 })] })),
        // started after the last beat and answered later still: its answer is the last sign of life
        repo.begin(call({ id: 'c2', startedAt: T0 + 31_000, answeredAt: T0 + 31_600, legs: [leg({ id: 'c2-a', role: 'caller', startedAt: T0 + 31_000, answeredAt: T0 + 31_600 })] })),
        // ringing since 20 s
        repo.begin(call({ id: 'c3', startedAt: T0 + 20_000, legs: [leg({ id: 'c3-a', role: 'caller', startedAt: T0 + 20_000 })] })),
      ]);
      const lastAliveAt = await beats.lastAlive();
      assert.equal(lastAliveAt, T0 + 30_900);
      const now = T0 + 95_900;
      assert.equal(await repo.interruptOpen({ now, lastAliveAt }), 3);

      const c1 = await repo.get('c1');
      assert.equal(c1?.disposition, 'INTERRUPTED');
      assert.equal(c1?.endedAt, T0 + 30_900, 'the last beat, not the restart');
      assert.equal(c1?.durationS, 30, '30.9 s truncated');
      assert.equal(c1?.billableS, 25, 'end − answer = 25.9 s → 25');
      assert.deepEqual(c1?.legs.map((l) => l.endedAt), [T0 + 30_900, T0 + 30_900]);
      const c2 = await repo.get('c2');
      assert.equal(c2?.endedAt, T0 + 31_600);
      assert.equal(c2?.billableS, 0);
      assert.equal(c2?.legs[0]?.endedAt, T0 + 31_600);
      const c3 = await repo.get('c3');
      assert.equal(c3?.endedAt, T0 + 30_900);
      assert.equal(c3?.durationS, 10);
      assert.equal(c3?.billableS, 0, 'never answered: billsec 0');

      // a beat stored after `now` (the clock was set back) still ends nothing in the future
      await repo.begin(call({ id: 'c4', startedAt: T0 + 96_000, legs: [leg({ id: 'c4-a', role: 'caller', startedAt: T0 + 96_000 })] }));
      assert.equal(await repo.interruptOpen({ now: T0 + 99_000, lastAliveAt: T0 + 200_000 }), 1);
      assert.equal((await repo.get('c4'))?.endedAt, T0 + 99_000);
      await writer.close();
    } finally {
      await cleanup();
    }
  });

  it('issue 18 finding 12: a call whose end was stored before its BYE was answered is completed ANSWERED at boot, not INTERRUPTED', async () => {
    const { writer, repo, cleanup } = await setup();
    try {
      const legs = [leg({ id: 'e1-a', role: 'caller', answeredAt: T0 + 2_000, endedAt: T0 + 6_000 })];
      // what the BYE's 200 waits for: the end, with the disposition left for the final record
      await repo.update(call({ id: 'e1', answeredAt: T0 + 2_000, endedAt: T0 + 6_000, durationS: 6, billableS: 4, hangupCause: 'normal-clearing', legs }));
      const pending = await repo.get('e1');
      assert.equal(pending?.disposition, null, 'not final until the media figures are in');
      assert.equal(await repo.completeEnded(), 1);
      assert.equal(await repo.interruptOpen({ now: T0 + 60_000, lastAliveAt: T0 + 7_000 }), 0, 'nothing left to interrupt');
      const done = await repo.get('e1');
      assert.equal(done?.disposition, 'ANSWERED');
      assert.equal(done?.endedAt, T0 + 6_000, 'the stored end, not the crash or the restart');
      assert.equal(done?.billableS, 4);
      await writer.close();
    } finally {
      await cleanup();
    }
  });
});
