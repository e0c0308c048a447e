import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simulateFlow, type SimAnswer } from './simulator.js';
import { fakeServices, parseFlow, SUPPORT_FLOW } from './testing.js';
import type { FlowDocumentInput } from './flow-schema.js';

const run = (answers: SimAnswer[], doc: FlowDocumentInput = SUPPORT_FLOW) => simulateFlow({ flowId: 1, version: 1, doc: parseFlow(doc), answers, services: fakeServices(), caller: '1001' });

describe('IVR simulator: typed answers walk the flow the way a call would', () => {
  it('pressing 2 at the menu reaches the queue the flow names', async () => {
    const r = await run([{ dtmf: '2' }]);
    assert.deepEqual(r.outcome, { kind: 'enqueue', queue: 'support', priority: 5 });
    assert.deepEqual(r.context.path, ['welcome', 'main', 'agent']);
    const menu = r.context.trace.find((s) => s.node === 'main')!;
    assert.equal(menu.prompt, 'For your balance press 1. For an agent press 2.');
    assert.equal(menu.input, '2');
    assert.equal(menu.branch, '2');
  });

  it('a timeout plays the timeout prompt and asks again; the invalid key the invalid prompt', async () => {
    const r = await run([{ timeout: true }, { dtmf: '9' }, { dtmf: '2' }]);
    assert.equal(r.outcome.kind, 'enqueue');
    const menu = r.context.trace.filter((s) => s.node === 'main');
    assert.deepEqual(
      menu.map((s) => s.branch),
      ['timeout', 'invalid', '2'],
    );
    assert.match(menu[1]!.prompt!, /^We did not hear a key\. /);
    assert.match(menu[2]!.prompt!, /^That is not an option\. /);
    assert.deepEqual(
      r.context.attempts.map((a) => [a.attempt, a.input, a.result]),
      [
        [1, '', 'timeout'],
        [2, '9', 'invalid'],
        [3, '2', 'ok'],
      ],
    );
  });

  it("a speech gather (input ['speech']) takes the simulator's typed text as what the caller would say; keys are not its input", async () => {
    const doc: FlowDocumentInput = {
      start: 'ask',
      nodes: {
        ask: { verb: 'gather', prompt: { say: 'Say your account number.' }, var: 'account', input: ['speech'], maxLength: 32, retries: 0, next: 'bye', failure: 'bye' },
        bye: { verb: 'hangup' },
      },
    };
    const spoken = await run([{ text: '48215' }], doc);
    assert.equal(spoken.context.vars['account'], '48215');
    assert.equal(spoken.context.trace[0]!.branch, 'success');
    const keyed = await run([{ dtmf: '4' }], doc);
    assert.equal(keyed.context.vars['account'], undefined);
  });

  it('a phrase list: the answer becomes the phrase it matches (written or by sound); anything else is invalid and asked again', async () => {
    const doc: FlowDocumentInput = {
      start: 'ask',
      nodes: {
        ask: { verb: 'gather', prompt: { say: '请说出您要办理的业务' }, var: 'task', input: ['speech'], maxLength: 32, phrases: ['查余额', '转人工', 'lost card'], retries: 1, next: 'bye', failure: 'bye' },
        bye: { verb: 'hangup' },
      },
    };
    // the recogniser wrote a homophone: 查鱼鹅 sounds as 查余额
    const homophone = await run([{ text: '我要查鱼鹅' }], doc);
    assert.equal(homophone.context.vars['task'], '查余额');
    const english = await run([{ text: 'I have a LOST card' }], doc);
    assert.equal(english.context.vars['task'], 'lost card');
    const retried = await run([{ text: 'the weather' }, { text: '转人工' }], doc);
    assert.deepEqual(retried.context.trace.map((t) => t.branch), ['invalid', 'success', 'hangup']);
    assert.equal(retried.context.vars['task'], '转人工');
  });

  it("a 'voicemail' node ends the flow at the mailbox (not contained: someone calls back)", async () => {
    const doc = structuredClone(SUPPORT_FLOW) as FlowDocumentInput & { nodes: Record<string, unknown> };
    (doc.nodes['main'] as { choices: Record<string, string> }).choices['3'] = 'vm';
    doc.nodes['vm'] = { verb: 'voicemail', mailbox: '1002' };
    const r = await run([{ dtmf: '3' }], doc);
    assert.deepEqual(r.outcome, { kind: 'voicemail', mailbox: '1002' });
    assert.deepEqual(r.context.path, ['welcome', 'main', 'vm']);
  });

  it('three failures go to the fallback queue with the variables, the path and the attempts', async () => {
    const r = await run([{ dtmf: '7' }, { timeout: true }, { dtmf: '8' }]);
    assert.deepEqual(r.outcome, { kind: 'fallback', to: { queue: 'support' }, node: 'main', reason: '3 failures (last: invalid)' });
    assert.equal(r.context.failures, 3);
    assert.deepEqual(r.context.failuresByNode, { main: 3 });
    assert.deepEqual(r.context.path, ['welcome', 'main']);
    assert.equal(r.context.vars.caller, '1001');
    assert.deepEqual(
      r.context.attempts.map((a) => a.result),
      ['invalid', 'timeout', 'invalid'],
    );
  });

  it('the flow-wide count reaches the fallback across two menus before either runs out of retries', async () => {
    const doc: FlowDocumentInput = {
      start: 'a',
      maxFailures: 2,
      fallback: { extension: '1002' },
      nodes: {
        a: { verb: 'menu', prompt: { say: 'A' }, choices: { '1': 'b' } },
        b: { verb: 'menu', prompt: { say: 'B' }, choices: { '1': 'end' } },
        end: { verb: 'hangup' },
      },
    };
    const r = await run([{ dtmf: '5' }, { dtmf: '1' }, { dtmf: '5' }], doc);
    assert.deepEqual(r.outcome, { kind: 'fallback', to: { extension: '1002' }, node: 'b', reason: '2 failures (last: invalid)' });
  });

  it('gather: digits up to the terminator become the variable; a short answer is retried', async () => {
    const doc: FlowDocumentInput = {
      start: 'pin',
      nodes: {
        pin: { verb: 'gather', prompt: { say: 'Your PIN, then hash.' }, var: 'pin', minLength: 4, maxLength: 6, next: 'check', failure: 'bye' },
        check: { verb: 'condition', branches: [{ when: { var: 'pin', op: 'eq', value: '4321' }, next: 'ok' }], else: 'bye' },
        ok: { verb: 'say', text: 'PIN {{pin}} accepted.', next: 'bye' },
        bye: { verb: 'hangup' },
      },
    };
    const r = await run([{ dtmf: '12#' }, { dtmf: '4321#' }], doc);
    assert.equal(r.outcome.kind, 'completed');
    assert.deepEqual(r.context.path, ['pin', 'check', 'ok', 'bye']);
    assert.equal(r.context.vars.pin, '4321');
    assert.equal(r.context.trace.find((s) => s.node === 'ok')!.prompt, 'PIN 4321 accepted.');
    assert.deepEqual(
      r.context.attempts.map((a) => a.result),
      ['short', 'ok'],
    );
  });

  it('condition: caller lists and time of day', async () => {
    const doc: FlowDocumentInput = {
      start: 'c',
      nodes: {
        c: {
          verb: 'condition',
          branches: [
            { when: { callerIn: ['1009', '100*'] }, next: 'vip' },
            { when: { time: { from: '09:00', to: '17:00', timeZone: 'UTC' } }, next: 'day' },
          ],
          else: 'night',
        },
        vip: { verb: 'hangup' },
        day: { verb: 'hangup' },
        night: { verb: 'hangup' },
      },
    };
    assert.deepEqual((await run([], doc)).context.path, ['c', 'vip']);
    const other = await simulateFlow({ flowId: 1, version: 1, doc: parseFlow(doc), answers: [], services: fakeServices(), caller: '2001' });
    // fakeServices' clock: 10:00 UTC
    assert.deepEqual(other.context.path, ['c', 'day']);
  });

  it('the caller hanging up is abandoned, keeping the path so far', async () => {
    const r = await run([{ hangup: true }]);
    assert.equal(r.outcome.kind, 'abandoned');
    assert.deepEqual(r.context.path, ['welcome', 'main']);
  });
});
