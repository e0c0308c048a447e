// The dial plan resolver: patterns, the built-in defaults that keep an empty plan as it was,
// permission classes, and loops.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compilePattern } from './pattern.js';
import { DIALPLAN_LOOP, entryProblem, resolveDialled, type DialPlanEntry } from './resolver.js';
import type { DestinationEnv } from './destinations.js';
import { FAILURES } from '../outcome.js';

const env: DestinationEnv = { isExtension: async (n) => ['1001', '1002', '1003'].includes(n), conferenceNumbers: { min: 3000, max: 3099 } };
const agent = ['internal', 'emergency'];
const resolve = (dialled: string, entries: readonly DialPlanEntry[] = [], permissions = agent) => resolveDialled({ callerPermissions: permissions, dialled, entries, env });

describe('dial plan patterns (Asterisk notation)', () => {
  it('X, Z, N, sets and ranges match one digit each; . one or more; ! zero or more', () => {
    const m = (p: string, d: string) => {
      const c = compilePattern(p);
      assert.ok(c.ok);
      return c.pattern.match(d)?.argument ?? null;
    };
    assert.equal(m('_1XXX', '1234'), '234');
    assert.equal(m('_1XXX', '12345'), null);
    assert.equal(m('_NXX', '123'), null);
    assert.equal(m('_NXX', '223'), '223');
    assert.equal(m('_Z', '0'), null);
    assert.equal(m('_[1-3]5', '25'), '25');
    assert.equal(m('_[1-3]5', '45'), null);
    assert.equal(m('_*222X.', '*2221001'), '1001');
    assert.equal(m('_*222X.', '*222'), null);
    assert.equal(m('_**X!', '**1'), '1');
    assert.equal(m('1001', '1001'), '');
  });

  it('malformed patterns are refused with a reason', () => {
    for (const bad of ['', '_', '_1[2', '_1.2', '_1a', '12ab', '_[9-1]']) {
      const c = compilePattern(bad);
      assert.equal(c.ok, false, bad);
    }
  });
});

describe('an empty dial plan behaves as Hailing always did', () => {
  it('an extension rings, with the internal class', async () => {
    const r = await resolve('1002');
    assert.equal(r.failure, null);
    assert.deepEqual(r.steps.map((s) => s.destination), [{ kind: 'extension' }]);
    assert.equal(r.steps[0]!.dialled, '1002');
  });

  it('without the internal class an extension is 403', async () => {
    assert.deepEqual((await resolve('1002', [], ['emergency'])).failure, FAILURES.forbidden);
  });

  it('an unknown number is 404 and the trace says no entry matched', async () => {
    const r = await resolve('7777');
    assert.deepEqual(r.failure, FAILURES.notFound);
    assert.equal(r.trace[r.trace.length - 1]!.result, 'no-match');
  });

  it('3000-3099 are conference rooms, open to anyone', async () => {
    const r = await resolve('3042', [], []);
    assert.deepEqual(r.steps.map((s) => s.destination), [{ kind: 'conference' }]);
    assert.deepEqual((await resolve('3100')).failure, FAILURES.notFound);
  });

  it('**<ext> is directed call pickup and *8 group pickup, for the internal class', async () => {
    const r = await resolve('**1002');
    assert.deepEqual(r.steps.map((s) => [s.destination, s.argument]), [[{ kind: 'pickup', scope: 'directed' }, '1002']]);
    assert.deepEqual((await resolve('*8')).steps.map((s) => s.destination), [{ kind: 'pickup', scope: 'group' }]);
    assert.deepEqual((await resolve('**1002', [], ['emergency'])).failure, FAILURES.forbidden);
  });

  it('*222/*223/*224<ext> are monitor codes for the monitor class, the extension as argument', async () => {
    const r = await resolve('*2231002', [], ['internal', 'monitor']);
    assert.deepEqual(r.steps.map((s) => [s.destination, s.argument]), [[{ kind: 'feature', feature: 'monitor-whisper' }, '1002']]);
    assert.deepEqual((await resolve('*2231002')).failure, FAILURES.forbidden);
  });
});

describe('the dial plan table', () => {
  it('comes before the defaults: an entry can turn an extension into a chain that falls through', async () => {
    const entries: DialPlanEntry[] = [{ id: 1, pattern: '1002', permission: 'internal', steps: [{ kind: 'extension', timeoutS: 15 }, { kind: 'extension', number: '1003' }] }];
    const r = await resolve('1002', entries);
    assert.deepEqual(r.steps.map((s) => s.destination), entries[0]!.steps);
    assert.deepEqual(r.trace, [{ number: '1002', entry: 1, pattern: '1002', result: 'matched' }]);
  });

  it('a number destination dials on through the plan and the trace shows each hop', async () => {
    const entries: DialPlanEntry[] = [
      { id: 1, pattern: '_8XX', permission: null, steps: [{ kind: 'number', number: '1003' }] },
    ];
    const r = await resolve('812', entries);
    assert.deepEqual(r.steps.map((s) => s.destination), [{ kind: 'extension' }]);
    assert.deepEqual(r.trace.map((t) => [t.number, t.entry, t.result]), [['812', 1, 'matched'], ['1003', 'default:extension', 'matched']]);
  });

  it('a loop through number destinations stops with 482 and the path in the trace', async () => {
    const entries: DialPlanEntry[] = [
      { id: 1, pattern: '500', permission: null, steps: [{ kind: 'number', number: '501' }] },
      { id: 2, pattern: '501', permission: null, steps: [{ kind: 'number', number: '500' }] },
    ];
    const r = await resolve('500', entries);
    assert.equal(r.failure, DIALPLAN_LOOP);
    assert.equal(r.trace[r.trace.length - 1]!.reason, '500 → 501 → 500');
  });

  it('entries that would break the plan are refused with a reason: malformed pattern, unknown destination, loop', async () => {
    const others: DialPlanEntry[] = [{ id: 1, pattern: '500', permission: null, steps: [{ kind: 'number', number: '501' }] }];
    const problem = (entry: DialPlanEntry) => entryProblem({ entry, others, env });
    assert.match((await problem({ id: 2, pattern: '_5[0', permission: null, steps: [{ kind: 'extension' }] }))!, /^malformed pattern/);
    assert.match((await problem({ id: 2, pattern: '600', permission: null, steps: [{ kind: 'extension', number: '1999' }] }))!, /^unknown destination: unknown extension 1999/);
    assert.match((await problem({ id: 2, pattern: '600', permission: null, steps: [{ kind: 'ring-group', strategy: 'sequential', memberTimeoutS: 10, members: ['1001', '1998'] }] }))!, /unknown extension 1998/);
    assert.match((await problem({ id: 2, pattern: '501', permission: null, steps: [{ kind: 'number', number: '500' }] }))!, /^loop: 500 → 501 → 500/);
    assert.equal(await problem({ id: 2, pattern: '501', permission: null, steps: [{ kind: 'number', number: '1001' }] }), null);
  });
});
