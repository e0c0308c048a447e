// Acceptance (issue 11) with real phones: a dial plan entry that branches on a business calendar,
// written through the API. Calendars are built relative to now (the server runs on the real
// clock), in the two shapes the CN acceptance names: "make-up day" has hours on one weekday only
// (three days from now) and today and tomorrow (UTC) are working days on that weekday's schedule,
// like a make-up Saturday (调休) that works on Monday's hours; "holiday" has all-day hours every day
// but today and tomorrow are public holidays. Two days each, so a call near midnight still counts. On the closed calendar the
// caller hears the announcement (a 1000 Hz prompt made by sox) and 1002 never rings; on the open one
// 1002 rings and answers and the phones hear each other. Measured in the phones' decoded audio; the
// call records carry the calendar decision in their routing trace.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertTone, soxStat } from './helpers/audio.js';
import { finalCallRecord } from './helpers/cdrs.js';
import type { HailingProcess } from './helpers/hailing-process.js';
import { answerTalkHangUp, startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const allDay = [{ open: '00:00', close: '24:00' }];
const everyDay = { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };
const utcDate = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

type Routing = { routing?: { trace: { result: string; decision?: Record<string, unknown> }[]; handlers: string[] } };
const branchOf = (record: unknown) => (record as Routing).routing?.trace.find((l) => l.result === 'branch');

describe('a dial plan step that branches on a business calendar (baresip)', () => {
  let rig: ExtensionPhones;
  let server: HailingProcess;
  let open: number;
  let closed: number;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002']);
    server = rig.server;
    const prompts = path.join(server.dataDir, 'prompts');
    mkdirSync(prompts, { recursive: true });
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', path.join(prompts, 'closed-1k.wav'), 'synth', '3', 'sine', '1000', 'vol', '0.5']);
    const workingWeekday = WEEKDAYS[new Date(Date.now() + 3 * 86_400_000).getUTCDay()]!;
    const makeUpDays = [0, 1].map((d) => ({ date: utcDate(d), kind: 'workday', name: 'make-up day', schedule: workingWeekday }));
    const o = await server.api('POST', '/api/v1/calendars', { name: 'make-up day', timeZone: 'UTC', weekly: { [workingWeekday]: allDay }, days: makeUpDays });
    assert.equal(o.status, 201, JSON.stringify(o.body));
    const holidays = [0, 1].map((d) => ({ date: utcDate(d), kind: 'holiday', name: 'test holiday' }));
    const c = await server.api('POST', '/api/v1/calendars', { name: 'holiday today', timeZone: 'UTC', weekly: everyDay, days: holidays });
    assert.equal(c.status, 201, JSON.stringify(c.body));
    [open, closed] = [(o.body as { id: number }).id, (c.body as { id: number }).id];
    for (const [pattern, calendar] of [['800', open], ['801', closed]] as const) {
      const entry = await server.api('POST', '/api/v1/dialplan', {
        pattern,
        steps: [{ kind: 'calendar', calendar, open: [{ kind: 'extension', number: '1002', timeoutS: 20 }], closed: [{ kind: 'answer' }, { kind: 'play', prompt: 'closed-1k.wav' }] }],
      });
      assert.equal(entry.status, 201, JSON.stringify(entry.body));
    }
  });

  after(() => rig?.close());

  it('closed (a holiday today): the caller hears the announcement and the extension never rings', { timeout: 90_000 }, async () => {
    const at = await server.api('GET', `/api/v1/calendars/${closed}/at`);
    assert.deepEqual([(at.body as { open: boolean }).open, (at.body as { source: string }).source], [false, 'holiday'], 'the at endpoint agrees');
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'auto' });
    await a.dial(`sip:801@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await sleep(3000);
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });
    assert.equal(b.events.filter((e) => e.type === 'CALL_INCOMING').length, 0, '1002 never rang');
    await Promise.all([a.stop(), b.stop()]);

    const [heard] = a.decodedDumps();
    assert.ok(heard, 'the caller wrote a decoded dump');
    const prompt = await soxStat({ file: heard, skipS: 0.5, durationS: 2 });
    assert.ok(prompt.rms > 0.05, `the announcement is heard (RMS ${prompt.rms})`);
    assert.ok(Math.abs(prompt.roughHz - 1000) <= 50, `the caller hears the announcement's 1000 Hz: ${prompt.roughHz} Hz`);

    const record = await finalCallRecord({ api: server.api.bind(server), number: '1001' });
    assert.equal(record.callee, '801');
    assert.deepEqual((record as Routing).routing?.handlers, ['answer', 'play']);
    assert.deepEqual([branchOf(record)?.decision?.['calendar'], branchOf(record)?.decision?.['open'], branchOf(record)?.decision?.['source']], [closed, false, 'holiday']);
  });

  it('open (a make-up working day): the extension rings and answers, and the phones hear each other', { timeout: 90_000 }, async () => {
    const at = await server.api('GET', `/api/v1/calendars/${open}/at`);
    assert.deepEqual([(at.body as { open: boolean }).open, (at.body as { source: string }).source], [true, 'workday'], 'the at endpoint agrees');
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual' });
    await a.dial(`sip:800@${DOMAIN}`);
    const { callerHeard, calleeHeard } = await answerTalkHangUp({ caller: a, callee: b, pauseMs: 300, talkMs: 3000 });
    await assertTone({ file: callerHeard, hz: 800, minLengthS: 2 });
    await assertTone({ file: calleeHeard, hz: 400, minLengthS: 2 });

    const record = await finalCallRecord({ api: server.api.bind(server), number: '1001' });
    assert.equal(record.callee, '800');
    assert.equal(record.disposition, 'ANSWERED');
    assert.deepEqual((record as Routing).routing?.handlers, ['dial-extension']);
    assert.deepEqual([branchOf(record)?.decision?.['calendar'], branchOf(record)?.decision?.['open'], branchOf(record)?.decision?.['source']], [open, true, 'workday']);
  });
});
