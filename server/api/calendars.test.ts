// /api/v1/calendars: CRUD, the yearly import (the CN 2026 file in docs/calendars), copy from last
// year, the `at` endpoint, refusals with the exact place and nothing written, and the dial plan
// branching on a calendar (the resolve trace shows the decision). The expected open/closed answers
// are the State Council notice's (source in docs/calendars/cn-2026.json).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apiClient, createApiHarness, withApiExtensions } from './testing.js';

const cn2026 = JSON.parse(readFileSync(new URL('../../docs/calendars/cn-2026.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const hours = [{ open: '09:00', close: '18:00', breaks: [{ start: '12:00', end: '13:00' }] }];
const office = { name: 'Shanghai office', timeZone: 'Asia/Shanghai', weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours } };
const issuePaths = (body: Record<string, unknown> | undefined) => ((body?.['issues'] as { path: string }[] | undefined) ?? []).map((i) => i.path);

describe('/api/v1/calendars', () => {
  it('create, read, replace, delete; each change is audited', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      const created = await call('POST', '/api/v1/calendars', office);
      assert.equal(created.status, 201);
      const id = created.body?.['id'] as number;
      assert.deepEqual((created.body?.['weekly'] as Record<string, unknown>)['sat'], []);
      assert.equal((await call('POST', '/api/v1/calendars', office)).status, 409, 'a name is unique');
      assert.equal((await call('PUT', `/api/v1/calendars/${id}`, { ...office, name: 'Renamed' })).status, 200);
      assert.equal((await call('GET', `/api/v1/calendars/${id}`)).body?.['name'], 'Renamed');
      assert.equal(((await call('GET', '/api/v1/calendars')).body?.['items'] as unknown[]).length, 1);
      assert.equal((await call('DELETE', `/api/v1/calendars/${id}`)).status, 204);
      assert.equal((await call('GET', `/api/v1/calendars/${id}`)).status, 404);
      await h.audit.settled();
      const actions = (await h.auditRepo.list({})).map((e) => e.action);
      for (const a of ['calendar.create', 'calendar.update', 'calendar.delete']) assert.ok(actions.includes(a), a);
    } finally {
      await h.cleanup();
    }
  });

  it('refuses bad calendars with 400 naming the place, and writes nothing', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      const cases: [string, unknown, string][] = [
        ['unknown time zone', { ...office, timeZone: 'Asia/Beijing' }, 'timeZone'],
        ['invalid date', { ...office, days: [{ date: '2026-02-30', kind: 'holiday' }] }, 'days.0.date'],
        ['overlapping periods', { ...office, weekly: { mon: [...hours, { open: '17:00', close: '20:00' }] } }, 'weekly.mon.1'],
        ['break outside opening hours', { ...office, weekly: { tue: [{ open: '09:00', close: '12:00', breaks: [{ start: '12:30', end: '13:00' }] }] } }, 'weekly.tue.0.breaks.0'],
        ['closing before opening', { ...office, weekly: { wed: [{ open: '18:00', close: '09:00' }] } }, 'weekly.wed.0.close'],
      ];
      for (const [what, body, path] of cases) {
        const r = await call('POST', '/api/v1/calendars', body);
        assert.equal(r.status, 400, what);
        assert.ok(issuePaths(r.body).includes(path), `${what}: ${JSON.stringify(r.body)}`);
      }
      assert.deepEqual((await call('GET', '/api/v1/calendars')).body?.['items'], []);
    } finally {
      await h.cleanup();
    }
  });

  it('imports the CN 2026 file; `at` says a make-up Saturday at 10:00 is open and a public holiday is closed, and why', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      const id = (await call('POST', '/api/v1/calendars', office)).body?.['id'] as number;
      const imported = await call('POST', `/api/v1/calendars/${id}/import`, cn2026);
      assert.equal(imported.status, 200, JSON.stringify(imported.body));
      assert.deepEqual([imported.body?.['imported'], imported.body?.['replaced']], [39, 0]);
      const saturday = await call('GET', `/api/v1/calendars/${id}/at?time=${encodeURIComponent('2026-02-14T10:00:00+08:00')}`);
      assert.equal(saturday.status, 200);
      assert.deepEqual([saturday.body?.['open'], saturday.body?.['source'], saturday.body?.['reason']], [true, 'workday', 'open']);
      assert.equal((saturday.body?.['rule'] as { name: string }).name, '春节调休上班');
      const holiday = await call('GET', `/api/v1/calendars/${id}/at?time=2026-10-01T02:00:00Z`);
      assert.deepEqual([holiday.body?.['open'], holiday.body?.['source'], holiday.body?.['reason']], [false, 'holiday', 'closed-day']);
      assert.deepEqual(holiday.body?.['local'], { date: '2026-10-01', time: '10:00', weekday: 'thu' });
      const ordinary = await call('GET', `/api/v1/calendars/${id}/at?time=2026-02-21T02:00:00Z`);
      assert.equal(ordinary.body?.['open'], false, 'Saturday 21 February lies inside the Spring Festival holiday');
      assert.equal((await call('GET', `/api/v1/calendars/${id}/at?time=yesterday`)).status, 400);
      // export gives the year back as a file that imports again
      const exported = await call('GET', `/api/v1/calendars/${id}/export?year=2026`);
      assert.equal((exported.body?.['days'] as unknown[]).length, 39);
      const again = await call('POST', `/api/v1/calendars/${id}/import`, exported.body);
      assert.deepEqual([again.body?.['imported'], again.body?.['replaced']], [39, 39]);
    } finally {
      await h.cleanup();
    }
  });

  it('`at` follows daylight saving time: 09:00 in New York is 14:00Z in winter and 13:00Z in summer', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      const nine = [{ open: '09:00', close: '17:00' }];
      const id = (await call('POST', '/api/v1/calendars', { name: 'NY', timeZone: 'America/New_York', weekly: { mon: nine, tue: nine, wed: nine, thu: nine, fri: nine } })).body?.['id'] as number;
      // US DST 2026: 8 March to 1 November (15 U.S.C. §260a)
      for (const [time, open] of [['2026-03-06T14:00:00Z', true], ['2026-03-09T13:00:00Z', true], ['2026-03-09T12:30:00Z', false], ['2026-11-02T13:30:00Z', false], ['2026-11-02T14:00:00Z', true]] as const) {
        assert.equal((await call('GET', `/api/v1/calendars/${id}/at?time=${time}`)).body?.['open'], open, time);
      }
    } finally {
      await h.cleanup();
    }
  });

  it('a file with an invalid date is refused with 400 and its place; the calendar keeps its rules', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      const id = (await call('POST', '/api/v1/calendars', { ...office, days: [{ date: '2026-01-01', kind: 'holiday', name: 'kept' }] })).body?.['id'] as number;
      const days = [...(cn2026['days'] as unknown[]), { date: '2026-02-29', kind: 'holiday', name: 'no such day' }];
      const r = await call('POST', `/api/v1/calendars/${id}/import`, { ...cn2026, days });
      assert.equal(r.status, 400);
      assert.ok(issuePaths(r.body).includes(`days.${days.length - 1}.date`), JSON.stringify(r.body));
      const overlap = await call('POST', `/api/v1/calendars/${id}/import`, { ...cn2026, days: [...(cn2026['days'] as unknown[]), { date: '2026-10-03', kind: 'workday' }] });
      assert.equal(overlap.status, 400);
      assert.deepEqual((await call('GET', `/api/v1/calendars/${id}`)).body?.['days'], [{ date: '2026-01-01', kind: 'holiday', name: 'kept', hours: [] }]);
    } finally {
      await h.cleanup();
    }
  });

  it('copy from last year puts the rules on the same dates of the next year', async () => {
    const h = await createApiHarness();
    try {
      const call = await apiClient(h);
      const days = [
        { date: '2026-01-01', kind: 'holiday', name: 'New Year' },
        { date: '2026-12-25', kind: 'holiday', name: 'Christmas', hours: [{ open: '09:00', close: '12:00' }] },
      ];
      const id = (await call('POST', '/api/v1/calendars', { ...office, days })).body?.['id'] as number;
      const r = await call('POST', `/api/v1/calendars/${id}/copy-year`, { from: 2026, to: 2027 });
      assert.equal(r.status, 200);
      assert.equal(r.body?.['copied'], 2);
      const dates = ((r.body?.['calendar'] as { days: { date: string }[] }).days).map((d) => d.date);
      assert.deepEqual(dates, ['2026-01-01', '2026-12-25', '2027-01-01', '2027-12-25']);
      const christmas = await call('GET', `/api/v1/calendars/${id}/at?time=2027-12-25T05:00:00Z`);
      assert.deepEqual([christmas.body?.['open'], christmas.body?.['source']], [false, 'holiday'], '13:00 in Shanghai, after the special hours');
      assert.equal((await call('POST', `/api/v1/calendars/${id}/copy-year`, { from: 2026, to: 2026 })).status, 400);
    } finally {
      await h.cleanup();
    }
  });
});

describe('the dial plan branching on a calendar', () => {
  it('resolve shows the calendar decision and picks the open or the closed branch; the `at` endpoint agrees', async () => {
    const h = await createApiHarness();
    try {
      await withApiExtensions(h, ['1001', '1002']);
      const call = await apiClient(h);
      const cal = (await call('POST', '/api/v1/calendars', office)).body?.['id'] as number;
      assert.equal((await call('POST', `/api/v1/calendars/${cal}/import`, cn2026)).status, 200);
      const entry = await call('POST', '/api/v1/dialplan', {
        pattern: '400',
        steps: [{ kind: 'calendar', calendar: cal, open: [{ kind: 'extension', number: '1002' }], closed: [{ kind: 'answer' }, { kind: 'play', prompt: 'closed.wav' }] }],
      });
      assert.equal(entry.status, 201, JSON.stringify(entry.body));
      const resolve = async (time: string) => (await call('GET', `/api/v1/dialplan/resolve?from=1001&to=400&time=${encodeURIComponent(time)}`)).body!;
      const kinds = (r: Record<string, unknown>) => (r['steps'] as { destination: { kind: string } }[]).map((s) => s.destination.kind);
      const branch = (r: Record<string, unknown>) => (r['trace'] as { result: string; decision?: Record<string, unknown> }[]).find((l) => l.result === 'branch')!;

      for (const [time, open] of [
        ['2026-02-14T10:00:00+08:00', true], // make-up Saturday
        ['2026-10-01T10:00:00+08:00', false], // National Day
      ] as const) {
        const r = await resolve(time);
        assert.deepEqual(kinds(r), open ? ['extension'] : ['answer', 'play'], time);
        assert.equal(branch(r).decision?.['open'], open);
        assert.equal(branch(r).decision?.['calendar'], cal);
        const at = await call('GET', `/api/v1/calendars/${cal}/at?time=${encodeURIComponent(time)}`);
        assert.equal(at.body?.['open'], open, 'the at endpoint agrees with the dial plan');
      }

      const unknown = await call('POST', '/api/v1/dialplan', { pattern: '401', steps: [{ kind: 'calendar', calendar: 999, open: [{ kind: 'extension', number: '1002' }], closed: [{ kind: 'extension', number: '1002' }] }] });
      assert.equal(unknown.status, 400);
      assert.match(String(unknown.body?.['reason']), /unknown calendar 999/);
      const inUse = await call('DELETE', `/api/v1/calendars/${cal}`);
      assert.equal(inUse.status, 409);
      assert.match(String(inUse.body?.['reason']), new RegExp(`entries ${String(entry.body?.['id'])}`));
    } finally {
      await h.cleanup();
    }
  });

  it('a loop through the branch that is not taken today is still refused', async () => {
    const h = await createApiHarness();
    try {
      await withApiExtensions(h, ['1001']);
      const call = await apiClient(h);
      const cal = (await call('POST', '/api/v1/calendars', { ...office, weekly: {} })).body?.['id'] as number; // always closed
      assert.equal((await call('POST', '/api/v1/dialplan', { pattern: '501', steps: [{ kind: 'number', number: '500' }] })).status, 201);
      const r = await call('POST', '/api/v1/dialplan', { pattern: '500', steps: [{ kind: 'calendar', calendar: cal, open: [{ kind: 'number', number: '501' }], closed: [{ kind: 'extension', number: '1001' }] }] });
      assert.equal(r.status, 400);
      assert.match(String(r.body?.['reason']), /^loop: 501 → 500 → 501/);
    } finally {
      await h.cleanup();
    }
  });
});
