// The dial plan's calendar branches and permission classes by dialled number (issue 11): a
// calendar step is replaced by the branch the calendar picks, and the trace says why; an entry can
// ask for the dialled number's class; emergency numbers always route.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveDialled, type DialPlanEntry } from './resolver.js';
import type { CalendarState, DestinationEnv } from './destinations.js';
import { FAILURES } from '../outcome.js';

const open: CalendarState = { open: true, detail: 'open (09:00-18:00)', decision: { reason: 'open', source: 'workday' } };
const closed: CalendarState = { open: false, detail: 'closed all day, holiday', decision: { reason: 'closed-day', source: 'holiday' } };
const envWith = (state: CalendarState | null, classes: Record<string, string> = {}): DestinationEnv => ({
  isExtension: async (n) => ['1001', '1002'].includes(n),
  conferenceNumbers: null,
  calendar: async () => state,
  classify: (n) => (classes[n] !== undefined ? { ok: true, class: classes[n]! } : { ok: false, reason: `${n} is no number` }),
});
const branching: DialPlanEntry = {
  id: 1,
  pattern: '400',
  permission: null,
  steps: [{ kind: 'calendar', calendar: 7, open: [{ kind: 'extension', number: '1002' }], closed: [{ kind: 'answer' }, { kind: 'play', prompt: 'closed.wav' }] }],
};

describe('a calendar step in the dial plan', () => {
  it('open: the open branch replaces the step, and the trace carries the decision', async () => {
    const r = await resolveDialled({ callerPermissions: ['internal'], dialled: '400', entries: [branching], env: envWith(open) });
    assert.equal(r.failure, null);
    assert.deepEqual(r.steps.map((s) => s.destination), [{ kind: 'extension', number: '1002' }]);
    const line = r.trace.find((l) => l.result === 'branch');
    assert.deepEqual(line?.decision, { calendar: 7, reason: 'open', source: 'workday', open: true });
    assert.match(line?.reason ?? '', /^calendar 7: open, /);
  });

  it('closed: the closed branch (answer, play an announcement)', async () => {
    const r = await resolveDialled({ callerPermissions: ['internal'], dialled: '400', entries: [branching], env: envWith(closed) });
    assert.deepEqual(r.steps.map((s) => s.destination.kind), ['answer', 'play']);
    assert.equal(r.trace.find((l) => l.result === 'branch')?.decision?.['open'], false);
  });

  it('an unknown (deleted) calendar takes the closed branch', async () => {
    const r = await resolveDialled({ callerPermissions: ['internal'], dialled: '400', entries: [branching], env: envWith(null) });
    assert.deepEqual(r.steps.map((s) => s.destination.kind), ['answer', 'play']);
    assert.match(r.trace.find((l) => l.result === 'branch')?.reason ?? '', /no such calendar/);
  });
});

describe('permission classes checked by the dial plan', () => {
  const outside: DialPlanEntry[] = [{ id: 1, pattern: '_X.', permission: 'dialled', steps: [{ kind: 'extension', number: '1001' }] }];
  const classes = { '13812345678': 'mobile', '0085221234567': 'international', '110': 'emergency', '01088886666': 'national' };
  const resolve = (dialled: string, callerPermissions: string[]) => resolveDialled({ callerPermissions, dialled, entries: outside, env: envWith(open, classes) });

  it("an entry asking for the dialled class checks the number's class against the caller's", async () => {
    assert.equal((await resolve('13812345678', ['internal', 'mobile'])).failure, null);
    const refused = await resolve('13812345678', ['internal', 'national']);
    assert.deepEqual(refused.failure, FAILURES.forbidden);
    assert.match(refused.trace[0]?.reason ?? '', /lacks the 'mobile' class/);
    assert.deepEqual((await resolve('0085221234567', ['internal', 'local', 'national', 'mobile'])).failure, FAILURES.forbidden, 'international is its own class');
  });

  it('emergency numbers always route, even for a caller with no classes at all', async () => {
    assert.equal((await resolve('110', [])).failure, null);
    const fixed: DialPlanEntry[] = [{ id: 2, pattern: '119', permission: 'emergency', steps: [{ kind: 'extension', number: '1001' }] }];
    assert.equal((await resolveDialled({ callerPermissions: ['internal'], dialled: '119', entries: fixed, env: envWith(open) })).failure, null);
  });

  it('a number the profile cannot read is refused with the reason', async () => {
    const r = await resolve('0000', ['internal', 'international']);
    assert.deepEqual(r.failure, FAILURES.forbidden);
    assert.match(r.trace[0]?.reason ?? '', /has no class: 0000 is no number/);
  });
});
