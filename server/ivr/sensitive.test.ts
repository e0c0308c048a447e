// Steps marked sensitive (PCI DSS): what the caller keys there is kept out of everything stored or
// handed on, stays usable by the run's later steps, and the call's recording is paused for the
// whole step however it ends. The flow's own http step reaches a real local server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulateFlow, type SimAnswer } from './simulator.js';
import { fakeServices, parseFlow } from './testing.js';
import { REDACTED, type FlowDocumentInput } from './flow-schema.js';
import { runFlow } from './engine.js';
import { VERBS } from './verbs.js';
import type { FlowIo, InputAnswer, RenderedPrompt } from './io.js';
import { validateFlow } from './validate.js';

const CARD = '4111111111111111';

/** a card payment: the number keyed in a sensitive gather, read back, sent to the payment system */
const payFlow = (url: string): FlowDocumentInput => ({
  start: 'card',
  nodes: {
    card: { verb: 'gather', sensitive: true, prompt: { say: 'Key your card number, then hash.' }, var: 'card', minLength: 12, maxLength: 19, terminators: '#', retries: 1, next: 'readBack', failure: 'bye' },
    readBack: { verb: 'say', text: 'You keyed {{card}}.', next: 'pay' },
    pay: { verb: 'http', url: `${url}?card={{card}}`, body: { card: '{{card}}', caller: '{{caller}}' }, assign: { status: '/status' }, next: 'copy', failure: 'bye' },
    // a copy of the number in another variable is redacted there as well
    copy: { verb: 'set', vars: { last4: 'card {{card}}' }, next: 'bye' },
    bye: { verb: 'hangup' },
  },
});

/** a payment system on loopback: records what it was sent */
async function paymentServer(): Promise<{ url: string; bodies: unknown[]; urls: string[]; close: () => void }> {
  const bodies: unknown[] = [];
  const urls: string[] = [];
  const server = createServer((req, res) => {
    urls.push(req.url ?? '');
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'approved' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pay`, bodies, urls, close: () => server.close() };
}

describe('IVR steps marked sensitive: digits redacted where kept, usable where needed', () => {
  it('the card number reaches the payment system but not the trace, the attempts or the variables kept', async () => {
    const pay = await paymentServer();
    try {
      const answers: SimAnswer[] = [{ dtmf: '4111' + '#' }, { dtmf: CARD + '#' }];
      const r = await simulateFlow({ flowId: 1, version: 1, doc: parseFlow(payFlow(pay.url)), answers, services: fakeServices({ fetch: globalThis.fetch }), caller: '1001' });
      assert.deepEqual(pay.bodies, [{ card: CARD, caller: '1001' }]);
      assert.deepEqual(pay.urls, [`/pay?card=${CARD}`]);
      assert.equal(r.context.vars['last4'], `card ${REDACTED}`);
      assert.equal(r.context.trace.find((s) => s.node === 'pay')!.detail?.['url'], `${pay.url}?card=${REDACTED}`);
      assert.equal(r.context.vars['status'], 'approved');
      assert.equal(r.context.vars['card'], REDACTED);
      // the first answer was too short (a retry), the second taken: both redacted
      assert.deepEqual(
        r.context.attempts.map((a) => [a.input, a.result]),
        [
          [REDACTED, 'short'],
          [REDACTED, 'ok'],
        ],
      );
      const gather = r.context.trace.filter((s) => s.node === 'card');
      assert.deepEqual(
        gather.map((s) => [s.input, s.branch, s.sensitive]),
        [
          [REDACTED, 'short', true],
          [REDACTED, 'success', true],
        ],
      );
      assert.equal(r.context.trace.find((s) => s.node === 'readBack')!.prompt, `You keyed ${REDACTED}.`);
      assert.equal(r.context.trace.find((s) => s.node === 'pay')!.sensitive, undefined);
      const kept = JSON.stringify(r.context);
      assert.ok(!kept.includes(CARD) && !kept.includes('4111'), kept);
    } finally {
      pay.close();
    }
  });

  it('a sensitive menu keeps which way it went but not the key in its attempts', async () => {
    const doc: FlowDocumentInput = {
      start: 'm',
      nodes: { m: { verb: 'menu', sensitive: true, prompt: { say: 'Press 1 to pay.' }, choices: { '1': 'bye' } }, bye: { verb: 'hangup' } },
    };
    const r = await simulateFlow({ flowId: 1, version: 1, doc: parseFlow(doc), answers: [{ dtmf: '1' }], services: fakeServices() });
    assert.deepEqual(r.context.path, ['m', 'bye']);
    assert.equal(r.context.attempts[0]!.input, REDACTED);
    assert.equal(r.context.trace[0]!.input, REDACTED);
  });
});

/** a call's FlowIo as far as a run sees it: keys from a list, and the pause/resume calls kept in order */
function recordedIo(answers: (() => Promise<InputAnswer>)[], log: string[]): FlowIo {
  return {
    caller: '1001',
    dialled: '500',
    answer: async () => true,
    prompt: async () => 'done',
    record: async () => null,
    input: {
      kinds: ['dtmf'],
      collect: async () => {
        log.push('collect');
        const next = answers.shift();
        return next ? next() : { kind: 'hangup' };
      },
    },
    sensitive: ({ node, on }) => void log.push(`${on ? 'pause' : 'resume'} ${node}`),
  };
}

describe('IVR steps marked sensitive: the recording is paused for the step and resumed however it ends', () => {
  const doc = parseFlow({
    start: 'intro',
    nodes: {
      intro: { verb: 'menu', prompt: { say: 'Press 1.' }, choices: { '1': 'card' } },
      card: { verb: 'gather', sensitive: true, var: 'card', maxLength: 4, retries: 0, next: 'bye', failure: 'bye' },
      bye: { verb: 'hangup' },
    },
  });
  const run = (io: FlowIo) => runFlow({ flowId: 1, version: 1, doc, io, services: fakeServices(), verbs: VERBS });
  const key = (digits: string) => async (): Promise<InputAnswer> => ({ kind: 'dtmf', digits, end: 'max' });

  it('an answer: paused before the caller is asked, resumed after; the menu before it is not paused', async () => {
    const log: string[] = [];
    const s = await run(recordedIo([key('1'), key('1234')], log));
    assert.equal(s.outcome?.kind, 'completed');
    assert.deepEqual(log, ['collect', 'pause card', 'collect', 'resume card']);
  });

  it('a timeout and the caller hanging up in the step: resumed all the same', async () => {
    const timedOut: string[] = [];
    await run(recordedIo([key('1'), async () => ({ kind: 'timeout' })], timedOut));
    assert.deepEqual(timedOut, ['collect', 'pause card', 'collect', 'resume card']);
    const hungUp: string[] = [];
    const s = await run(recordedIo([key('1'), async () => ({ kind: 'hangup' })], hungUp));
    assert.equal(s.outcome?.kind, 'abandoned');
    assert.deepEqual(hungUp, ['collect', 'pause card', 'collect', 'resume card']);
  });

  it('an error in the step: resumed, and the error still reaches the caller of the run', async () => {
    const log: string[] = [];
    const failing = async (): Promise<InputAnswer> => {
      throw new Error('media worker gone');
    };
    await assert.rejects(run(recordedIo([key('1'), failing], log)), /media worker gone/);
    assert.deepEqual(log, ['collect', 'pause card', 'collect', 'resume card']);
  });
});

describe('IVR steps marked sensitive: a prompt reading the secret back is marked for an uncached synthesis', () => {
  it("only the prompt with the card number in it is marked secret (call-io then asks the TTS for a transient file and deletes it once played)", async () => {
    const prompts: RenderedPrompt[] = [];
    const io: FlowIo = { ...recordedIo([async () => ({ kind: 'dtmf', digits: CARD, end: 'terminator' })], []), prompt: async (p) => {
        prompts.push(p);
        return 'done';
      } };
    const doc = parseFlow({
      start: 'card',
      nodes: {
        card: { verb: 'gather', sensitive: true, var: 'card', minLength: 12, maxLength: 19, next: 'readBack' },
        readBack: { verb: 'say', text: 'You keyed {{card}}.', next: 'thanks' },
        thanks: { verb: 'say', text: 'Thank you.', next: 'bye' },
        bye: { verb: 'hangup' },
      },
    });
    await runFlow({ flowId: 1, version: 1, doc, io, services: fakeServices(), verbs: VERBS });
    assert.deepEqual(prompts, [{ say: `You keyed ${CARD}.`, secret: true }, { say: 'Thank you.' }]);
  });
});

describe('IVR flow validation: sensitive only on a step that takes input', () => {
  const check = async (node: Record<string, unknown>) => {
    const r = await validateFlow({ document: { start: 'a', nodes: { a: node, bye: { verb: 'hangup' } } } });
    return r.ok ? [] : r.problems.map((p) => `${p.code} ${p.pointer} ${p.message}`);
  };

  it('refused on a say, at /nodes/a/sensitive, naming the verbs that may have it', async () => {
    const p = await check({ verb: 'say', sensitive: true, text: 'Hello.', next: 'bye' });
    assert.equal(p.length, 1, p.join('\n'));
    assert.match(p[0]!, /^schema \/nodes\/a\/sensitive sensitive: only a step that takes the caller's input \(gather, menu, intent, record\) can be sensitive, not 'say'$/);
  });

  it('accepted on gather, menu, intent and record; a non-boolean refused at the field', async () => {
    assert.deepEqual(await check({ verb: 'gather', sensitive: true, var: 'pin', next: 'bye' }), []);
    assert.deepEqual(await check({ verb: 'menu', sensitive: true, prompt: { say: 'Press 1.' }, choices: { '1': 'bye' } }), []);
    assert.deepEqual(await check({ verb: 'intent', sensitive: true, intents: [{ name: 'pay', phrases: ['pay'], next: 'bye' }], noMatch: 'bye' }), []);
    assert.deepEqual(await check({ verb: 'record', sensitive: true, next: 'bye' }), []);
    const p = await check({ verb: 'gather', sensitive: 'yes', var: 'pin', next: 'bye' });
    assert.deepEqual(
      p.map((l) => l.split(' ').slice(0, 2).join(' ')),
      ['schema /nodes/a/sensitive'],
    );
  });
});
