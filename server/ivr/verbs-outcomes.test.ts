// The verbs that end a flow or steer it without asking the caller, walked by the simulator (the
// live call's engine and verbs): transfer to an extension, a number or another flow; enqueue with
// required skills and the variables handed to the agent; condition by business calendar (open,
// closed, unknown); play of a prompt file; set with templates; record (the simulator records
// nothing, and the flow goes on without the variable).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simulateFlow } from './simulator.js';
import { fakeServices, parseFlow } from './testing.js';
import type { FlowDocumentInput } from './flow-schema.js';
import type { FlowServices } from './engine.js';

const run = (doc: FlowDocumentInput, services: FlowServices = fakeServices()) => simulateFlow({ flowId: 7, version: 3, doc: parseFlow(doc), answers: [], services, caller: '13800138000' });

describe('IVR verbs that end or steer a flow (simulator)', () => {
  for (const [to, branch] of [
    [{ extension: '1002' }, 'extension 1002'],
    [{ number: '+8610123456' }, 'number +8610123456'],
    [{ flow: 4 }, 'flow 4'],
  ] as const) {
    it(`transfer to ${branch}: the outcome names the target, the trace the branch`, async () => {
      const r = await run({ start: 't', nodes: { t: { verb: 'transfer', to } } });
      assert.deepEqual(r.outcome, { kind: 'transfer', to });
      assert.equal(r.context.trace.at(-1)!.branch, branch);
      assert.equal(r.context.outcome, 'transfer');
    });
  }

  it('enqueue with required skills hands the agent only the variables it names', async () => {
    const r = await run({
      start: 's',
      nodes: {
        s: { verb: 'set', vars: { account: '42', product: 'card', reason: 'lost {{product}}' }, next: 'q' },
        q: { verb: 'enqueue', queue: 'cards', priority: 7, skills: [{ skill: 'mandarin', minLevel: 3 }], attach: ['account', 'reason'] },
      },
    });
    assert.deepEqual(r.outcome, { kind: 'enqueue', queue: 'cards', priority: 7, skills: [{ skill: 'mandarin', minLevel: 3 }], attach: ['account', 'reason'] });
    // set fills templates from the variables as they were before the step
    assert.equal(r.context.vars['reason'], 'lost ');
    assert.equal(r.context.vars['product'], 'card');
  });

  it('condition by business calendar: open goes to its branch, closed and an unknown calendar to else', async () => {
    const doc: FlowDocumentInput = {
      start: 'c',
      nodes: {
        c: { verb: 'condition', branches: [{ when: { calendar: 3 }, next: 'open' }], else: 'closed' },
        open: { verb: 'hangup' },
        closed: { verb: 'hangup' },
      },
    };
    const asked: Array<{ id: number; instant: number }> = [];
    const calendar = (state: boolean | null) => fakeServices({ calendarOpen: async (q) => (asked.push(q), state) });
    assert.deepEqual((await run(doc, calendar(true))).context.path, ['c', 'open']);
    assert.deepEqual((await run(doc, calendar(false))).context.path, ['c', 'closed']);
    assert.deepEqual((await run(doc, calendar(null))).context.path, ['c', 'closed']);
    assert.deepEqual(
      asked.map((q) => q.id),
      [3, 3, 3],
    );
    assert.equal(asked[0]!.instant, Date.UTC(2026, 11, 7, 10, 0), "the flow's clock");
    // { open: false } inverts the test: the branch is taken while the calendar is closed
    const inverted: FlowDocumentInput = { ...doc, nodes: { ...doc.nodes, c: { verb: 'condition', branches: [{ when: { calendar: 3, open: false }, next: 'closed' }], else: 'open' } } };
    assert.deepEqual((await run(inverted, calendar(false))).context.path, ['c', 'closed']);
  });

  it('play: the prompt file is played and named in the trace; the flow goes on', async () => {
    const r = await run({ start: 'p', nodes: { p: { verb: 'play', prompt: { play: 'welcome-zh.wav' }, next: 'h' }, h: { verb: 'hangup' } } });
    assert.deepEqual(r.context.path, ['p', 'h']);
    assert.match(r.context.trace[0]!.prompt ?? '', /welcome-zh\.wav/);
    assert.deepEqual(r.outcome, { kind: 'completed' });
  });

  it('record: nothing recorded leaves the variable unset and says so in the trace; the flow goes on', async () => {
    const r = await run({ start: 'r', nodes: { r: { verb: 'record', var: 'message', maxS: 30, next: 'h' }, h: { verb: 'hangup' } } });
    assert.deepEqual(r.context.path, ['r', 'h']);
    assert.equal(r.context.trace[0]!.branch, 'not-recorded');
    assert.equal(r.context.vars['message'], undefined);
  });
});
