// Business calendar evaluation, as tables. Expected values come from the publications, not from
// our own output: the State Council's 2026 notice (docs/calendars/cn-2026.json, its source named
// there) and US daylight saving time (15 U.S.C. §260a as amended by the Energy Policy Act of 2005:
// from 02:00 on the second Sunday of March to 02:00 on the first Sunday of November, i.e.
// 2026-03-08 and 2026-11-01; New York is UTC-5 in winter and UTC-4 in summer).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { at } from './evaluate.js';
import { CalendarSpec, type Calendar } from './model.js';
import { YearFile, importYear } from './year-file.js';
import { weekdayOf } from './local-time.js';

const officeHours = [{ open: '09:00', close: '18:00', breaks: [{ start: '12:00', end: '13:30' }] }];
const weekdays = { mon: officeHours, tue: officeHours, wed: officeHours, thu: officeHours, fri: officeHours, sat: [], sun: [] };

const cnFile = YearFile.parse(JSON.parse(readFileSync(new URL('../../docs/calendars/cn-2026.json', import.meta.url), 'utf8')));
const shanghai: Calendar = CalendarSpec.parse({ name: 'CN office', timeZone: 'Asia/Shanghai', weekly: weekdays, days: importYear({ days: [], file: cnFile }) });

/** Beijing time is UTC+8 all year (no daylight saving since 1991) */
const cst = (local: string) => Date.parse(`${local}:00+08:00`);

describe('calendar evaluation: mainland China 2026 (State Council notice of 2025-11-04)', () => {
  const table: [string, string, boolean, string, string][] = [
    // [local time, what the notice says, open, reason, source]
    ['2026-02-14T10:00', 'Saturday 14 February is a make-up working day (春节调休上班)', true, 'open', 'workday'],
    ['2026-02-28T10:00', 'Saturday 28 February is a make-up working day', true, 'open', 'workday'],
    ['2026-02-28T12:30', 'a make-up working day keeps the weekday lunch break', false, 'break', 'workday'],
    ['2026-02-28T19:00', 'a make-up working day ends with the weekday hours', false, 'outside-hours', 'workday'],
    ['2026-01-04T10:00', 'Sunday 4 January is a working day (元旦调休)', true, 'open', 'workday'],
    ['2026-10-10T10:00', 'Saturday 10 October is a working day (国庆调休)', true, 'open', 'workday'],
    ['2026-02-16T10:00', 'Monday 16 February lies in the Spring Festival holiday (15-23 February)', false, 'closed-day', 'holiday'],
    ['2026-02-23T10:00', 'Monday 23 February is the holiday’s last day', false, 'closed-day', 'holiday'],
    ['2026-02-24T10:00', 'Tuesday 24 February is an ordinary working day again', true, 'open', 'weekly'],
    ['2026-10-01T10:00', 'Thursday 1 October is National Day', false, 'closed-day', 'holiday'],
    ['2026-05-05T10:00', 'Tuesday 5 May is the Labour Day holiday’s last day', false, 'closed-day', 'holiday'],
    ['2026-05-06T10:00', 'Wednesday 6 May is a working day', true, 'open', 'weekly'],
    ['2026-03-07T10:00', 'an ordinary Saturday is closed', false, 'closed-day', 'weekly'],
    ['2026-03-09T08:59', 'before opening on a Monday', false, 'outside-hours', 'weekly'],
    ['2026-03-09T09:00', 'opening time itself is open', true, 'open', 'weekly'],
    ['2026-03-09T13:30', 'the break ends at 13:30', true, 'open', 'weekly'],
    ['2026-03-09T18:00', 'closing time itself is closed', false, 'outside-hours', 'weekly'],
  ];
  for (const [local, why, open, reason, source] of table) {
    it(`${local}: ${why} → ${open ? 'open' : 'closed'}`, () => {
      const d = at({ calendar: shanghai, instant: cst(local) });
      assert.equal(d.open, open, d.detail);
      assert.equal(d.reason, reason, d.detail);
      assert.equal(d.source, source, d.detail);
      assert.equal(`${d.local.date}T${d.local.time}`, local);
    });
  }

  it('the notice’s weekdays hold: the make-up days are weekend days, the holidays start where it says', () => {
    assert.deepEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'].map(weekdayOf), ['sun', 'sat', 'sat', 'sat', 'sun', 'sat']);
    assert.deepEqual(['2026-01-01', '2026-02-15', '2026-04-04', '2026-05-01', '2026-06-19', '2026-09-25', '2026-10-01'].map(weekdayOf), ['thu', 'sun', 'sat', 'fri', 'fri', 'fri', 'thu']);
  });

  it('the file holds 33 holiday days and 6 working days (3+9+3+5+3+3+7; the notice’s totals)', () => {
    const rules = importYear({ days: [], file: cnFile });
    assert.equal(rules.filter((r) => r.kind === 'holiday').length, 33);
    assert.equal(rules.filter((r) => r.kind === 'workday').length, 6);
  });

  it('the decision names the rule: holiday name, working day and whose hours', () => {
    const d = at({ calendar: shanghai, instant: cst('2026-02-14T10:00') });
    assert.deepEqual(d.rule, { date: '2026-02-14', kind: 'workday', name: '春节调休上班' });
    assert.equal(d.schedule, 'mon');
    const h = at({ calendar: shanghai, instant: cst('2026-10-02T10:00') });
    assert.equal(h.rule?.name, '国庆节');
  });

  it('a holiday with special hours is open within them only', () => {
    const cal = CalendarSpec.parse({ name: 'x', timeZone: 'Asia/Shanghai', weekly: weekdays, days: [{ date: '2026-12-24', kind: 'holiday', name: 'short day', hours: [{ open: '09:00', close: '12:00' }] }] });
    assert.equal(at({ calendar: cal, instant: cst('2026-12-24T10:00') }).open, true);
    const after = at({ calendar: cal, instant: cst('2026-12-24T14:00') });
    assert.deepEqual([after.open, after.reason, after.source], [false, 'outside-hours', 'holiday']);
  });

  it('the local date decides, not the UTC date: 00:30 in Shanghai on a holiday is still the previous UTC day', () => {
    const cal = CalendarSpec.parse({ name: 'x', timeZone: 'Asia/Shanghai', weekly: { ...weekdays, thu: [{ open: '00:00', close: '24:00' }] }, days: [] });
    // 2026-10-01T00:30+08:00 = 2026-09-30T16:30Z (a Wednesday in UTC): National Day in Shanghai
    const d = at({ calendar: { ...cal, days: importYear({ days: [], file: cnFile }) }, instant: Date.parse('2026-09-30T16:30:00Z') });
    assert.deepEqual([d.open, d.source, d.local.date], [false, 'holiday', '2026-10-01']);
  });
});

describe('calendar evaluation across daylight saving time (America/New_York, 2026)', () => {
  const nine = [{ open: '09:00', close: '17:00', breaks: [] }];
  const ny = CalendarSpec.parse({
    name: 'NY',
    timeZone: 'America/New_York',
    weekly: { mon: nine, tue: nine, wed: nine, thu: nine, fri: nine, sat: nine, sun: [{ open: '01:00', close: '02:00' }, { open: '02:30', close: '17:00' }] },
    days: [],
  });
  const table: [string, boolean, string, string][] = [
    // [UTC instant, open, local wall clock, why]
    ['2026-03-07T14:00Z', true, '2026-03-07T09:00', 'Saturday before the change: EST, UTC-5, 14:00Z is 09:00'],
    ['2026-03-07T13:59Z', false, '2026-03-07T08:59', 'one minute earlier is before opening'],
    ['2026-03-09T13:00Z', true, '2026-03-09T09:00', 'Monday after the change: EDT, UTC-4, 13:00Z is 09:00 (with EST it would read 08:00)'],
    ['2026-03-09T12:59Z', false, '2026-03-09T08:59', 'one minute earlier is before opening'],
    ['2026-03-08T06:59Z', true, '2026-03-08T01:59', 'Sunday 8 March, last minute of EST: 01:59 inside 01:00-02:00'],
    ['2026-03-08T07:00Z', true, '2026-03-08T03:00', 'the next minute is 03:00 EDT: 02:00-03:00 never happens, the 02:30 period is already open'],
    ['2026-11-01T05:30Z', true, '2026-11-01T01:30', 'Sunday 1 November, 01:30 EDT (first time)'],
    ['2026-11-01T06:30Z', true, '2026-11-01T01:30', '01:30 EST (second time): the same wall-clock minute, open again'],
    ['2026-11-01T07:00Z', false, '2026-11-01T02:00', '02:00 EST: after the 01:00-02:00 period, before 02:30'],
    ['2026-11-02T14:00Z', true, '2026-11-02T09:00', 'Monday after the change: EST again, 14:00Z is 09:00'],
    ['2026-11-02T13:30Z', false, '2026-11-02T08:30', 'with EDT it would read 09:30 and be open'],
  ];
  for (const [utc, open, local, why] of table) {
    it(`${utc}: ${why}`, () => {
      const d = at({ calendar: ny, instant: Date.parse(utc.replace('Z', ':00Z')) });
      assert.equal(`${d.local.date}T${d.local.time}`, local);
      assert.equal(d.open, open, d.detail);
    });
  }
});
