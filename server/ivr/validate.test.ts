import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateFlow } from './validate.js';
import { SUPPORT_FLOW } from './testing.js';
import { flowJsonSchema } from './flow-schema.js';

const problems = async (document: unknown, isQueue = (q: string): boolean => q === 'support') => {
  const r = await validateFlow({ document, checks: { isQueue } });
  return r.ok ? [] : r.problems.map((p) => `${p.code} ${p.pointer}`);
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const clone = (v: unknown): any => structuredClone(v);

describe('IVR flow validation: refused with the exact location (RFC 6901 JSON pointer)', () => {
  it('accepts the support flow', async () => {
    assert.deepEqual(await problems(SUPPORT_FLOW), []);
  });

  it('a schema error is located at the field: /nodes/main/timeoutMs', async () => {
    const doc = clone(SUPPORT_FLOW) as { nodes: { main: { timeoutMs: unknown } } };
    doc.nodes.main.timeoutMs = 'soon';
    assert.deepEqual(await problems(doc), ['schema /nodes/main/timeoutMs']);
  });

  it('an unknown verb is located at the node', async () => {
    const doc = clone(SUPPORT_FLOW) as { nodes: Record<string, unknown> };
    doc.nodes.bye = { verb: 'dance' };
    assert.deepEqual(await problems(doc), ['schema /nodes/bye/verb']);
  });

  it('a reference to a missing node names the field that makes it (a menu choice)', async () => {
    const doc = clone(SUPPORT_FLOW) as { nodes: { main: { choices: Record<string, string> } } };
    doc.nodes.main.choices['3'] = 'nowhere';
    assert.deepEqual(await problems(doc), ['missing-node /nodes/main/choices/3']);
  });

  it("a 'voicemail' node names an existing extension's mailbox; an unknown one is refused at /nodes/vm/mailbox", async () => {
    const doc = clone(SUPPORT_FLOW) as { nodes: Record<string, unknown> & { main: { choices: Record<string, string> } } };
    doc.nodes.main.choices['3'] = 'vm';
    doc.nodes['vm'] = { verb: 'voicemail', mailbox: '1002' };
    const check = async (known: string) => {
      const r = await validateFlow({ document: doc, checks: { isQueue: (q) => q === 'support', extensionExists: async (n) => n === known } });
      return r.ok ? [] : r.problems.map((p) => `${p.code} ${p.pointer}`);
    };
    assert.deepEqual(await check('1002'), []);
    assert.deepEqual(await check('1003'), ['missing-extension /nodes/vm/mailbox']);
  });

  it('a missing queue is refused at /nodes/agent/queue, and the fallback at /fallback/queue', async () => {
    assert.deepEqual(await problems(SUPPORT_FLOW, () => false), ['missing-queue /nodes/agent/queue', 'missing-queue /fallback/queue']);
  });

  it('an unreachable node is refused at the node', async () => {
    const doc = clone(SUPPORT_FLOW) as { nodes: Record<string, unknown> };
    doc.nodes.orphan = { verb: 'hangup' };
    assert.deepEqual(await problems(doc), ['unreachable /nodes/orphan']);
  });

  it('a loop with no node that waits for input is refused; one through a menu is not', async () => {
    const doc = clone(SUPPORT_FLOW) as { nodes: Record<string, Record<string, unknown>> };
    doc.nodes.tell = { verb: 'say', text: 'again', next: 'sorry' };
    doc.nodes.sorry = { verb: 'set', vars: { a: '1' }, next: 'tell' };
    doc.nodes.bye = { verb: 'hangup' };
    const got = await problems(doc);
    assert.ok(got.includes('loop-without-input /nodes/sorry'), got.join(', '));
    const ok = clone(SUPPORT_FLOW) as { nodes: Record<string, Record<string, unknown>> };
    ok.nodes.tell = { verb: 'say', text: 'again', next: 'main' };
    assert.deepEqual(await problems({ ...ok, nodes: { ...ok.nodes, bye: undefined } }).then((p) => p.filter((x) => x.startsWith('loop'))), []);
  });

  it('a missing start node is refused at /start', async () => {
    assert.deepEqual(await problems({ ...clone(SUPPORT_FLOW), start: 'nope' }).then((p) => p[0]), 'missing-node /start');
  });

  it('RFC 6901 §3: "/" and "~" in a key are escaped in the pointer', async () => {
    const doc = clone(SUPPORT_FLOW) as { nodes: { main: { choices: Record<string, string> } } };
    doc.nodes.main.choices['a/b~'] = 'agent';
    assert.deepEqual(await problems(doc), ['schema /nodes/main/choices/a~1b~0']);
  });

  it('publishes a JSON Schema (draft 2020-12) naming every verb', () => {
    const s = JSON.stringify(flowJsonSchema());
    for (const verb of ['answer', 'play', 'say', 'gather', 'menu', 'intent', 'condition', 'http', 'set', 'record', 'enqueue', 'transfer', 'voicemail', 'hangup']) assert.ok(s.includes(`"const":"${verb}"`), verb);
  });
});
