// Bad calendars and yearly files are refused with the exact place that is wrong.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { CalendarSpec } from './model.js';
import { YEAR_FILE_FORMAT, YearFile, copyYear, importYear } from './year-file.js';

const issues = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  assert.equal(r.success, false, 'expected a refusal');
  return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const base = { name: 'x', timeZone: 'Asia/Shanghai', weekly: {} };
const has = (list: string[], path: string) => assert.ok(list.some((l) => l.startsWith(`${path}:`)), `${path} in ${JSON.stringify(list)}`);

describe('calendar validation names the place', () => {
  it('an unknown time zone', () => has(issues(CalendarSpec, { ...base, timeZone: 'Asia/Beijing' }), 'timeZone'));
  it('a known zone, a link and UTC pass', () => {
    for (const tz of ['Asia/Shanghai', 'Asia/Taipei', 'Asia/Hong_Kong', 'America/New_York', 'UTC']) assert.ok(CalendarSpec.safeParse({ ...base, timeZone: tz }).success, tz);
  });
  it('a date that does not exist', () => {
    has(issues(CalendarSpec, { ...base, days: [{ date: '2026-01-01', kind: 'holiday' }, { date: '2026-02-29', kind: 'holiday' }] }), 'days.1.date');
    has(issues(CalendarSpec, { ...base, days: [{ date: '2026-13-01', kind: 'holiday' }] }), 'days.0.date');
    assert.ok(CalendarSpec.safeParse({ ...base, days: [{ date: '2028-02-29', kind: 'holiday' }] }).success, '2028 is a leap year');
  });
  it('a time that does not exist', () => has(issues(CalendarSpec, { ...base, weekly: { mon: [{ open: '09:60', close: '18:00' }] } }), 'weekly.mon.0.open'));
  it('a period that closes before it opens', () => has(issues(CalendarSpec, { ...base, weekly: { tue: [{ open: '18:00', close: '09:00' }] } }), 'weekly.tue.0.close'));
  it('overlapping periods on one day', () => has(issues(CalendarSpec, { ...base, weekly: { wed: [{ open: '09:00', close: '12:00' }, { open: '11:00', close: '14:00' }] } }), 'weekly.wed.1'));
  it('adjacent periods do not overlap', () => assert.ok(CalendarSpec.safeParse({ ...base, weekly: { wed: [{ open: '09:00', close: '12:00' }, { open: '12:00', close: '24:00' }] } }).success));
  it('a break outside the opening hours', () => has(issues(CalendarSpec, { ...base, weekly: { fri: [{ open: '09:00', close: '12:00', breaks: [{ start: '12:00', end: '13:00' }] }] } }), 'weekly.fri.0.breaks.0'));
  it('overlapping breaks', () => has(issues(CalendarSpec, { ...base, weekly: { fri: [{ open: '09:00', close: '18:00', breaks: [{ start: '12:00', end: '13:00' }, { start: '12:30', end: '14:00' }] }] } }), 'weekly.fri.0.breaks.1'));
  it('special hours of a holiday are checked too', () => has(issues(CalendarSpec, { ...base, days: [{ date: '2026-12-24', kind: 'holiday', hours: [{ open: '09:00', close: '12:00', breaks: [{ start: '08:00', end: '09:30' }] }] }] }), 'days.0.hours.0.breaks.0'));
  it('a date given twice', () => has(issues(CalendarSpec, { ...base, days: [{ date: '2026-10-01', kind: 'holiday' }, { date: '2026-10-01', kind: 'workday' }] }), 'days.1.date'));
  it('a working day names a weekday', () => has(issues(CalendarSpec, { ...base, days: [{ date: '2026-10-10', kind: 'workday', schedule: 'monday' }] }), 'days.0.schedule'));
  it('an unknown weekday key', () => has(issues(CalendarSpec, { ...base, weekly: { mo: [] } }), 'weekly'));
});

describe('yearly files', () => {
  const file = (days: unknown[]) => ({ format: YEAR_FILE_FORMAT, year: 2026, days });
  it('a date outside the file’s year', () => has(issues(YearFile, file([{ date: '2027-01-01', kind: 'holiday' }])), 'days.0.date'));
  it('an invalid date', () => has(issues(YearFile, file([{ date: '2026-04-31', kind: 'holiday' }])), 'days.0.date'));
  it('a range that runs backwards', () => has(issues(YearFile, file([{ from: '2026-10-07', to: '2026-10-01', kind: 'holiday' }])), 'days.0.to'));
  it('overlapping ranges', () => has(issues(YearFile, file([{ from: '2026-10-01', to: '2026-10-07', kind: 'holiday' }, { date: '2026-10-05', kind: 'workday' }])), 'days.1.date'));
  it('neither date nor range', () => has(issues(YearFile, file([{ kind: 'holiday' }])), 'days.0'));
  it('an unknown format', () => has(issues(YearFile, { ...file([]), format: 'ics' }), 'format'));

  it('an import replaces that year’s rules and keeps the others', () => {
    const days = [
      { date: '2025-10-01', kind: 'holiday' as const, hours: [] },
      { date: '2026-03-03', kind: 'holiday' as const, hours: [] },
    ];
    const out = importYear({ days, file: YearFile.parse(file([{ from: '2026-10-01', to: '2026-10-02', kind: 'holiday', name: 'N' }])) });
    assert.deepEqual(out.map((d) => d.date), ['2025-10-01', '2026-10-01', '2026-10-02']);
  });

  it('copy from last year keeps month and day, replaces the target year, and skips 29 February', () => {
    const days = [
      { date: '2028-02-29', kind: 'holiday' as const, hours: [] },
      { date: '2028-12-25', kind: 'holiday' as const, name: 'Christmas', hours: [] },
      { date: '2029-07-01', kind: 'holiday' as const, hours: [] },
    ];
    const r = copyYear({ days, from: 2028, to: 2029 });
    assert.deepEqual(r.days.map((d) => d.date), ['2028-02-29', '2028-12-25', '2029-12-25']);
    assert.deepEqual([r.copied, r.skipped], [1, ['2028-02-29']]);
  });
});
