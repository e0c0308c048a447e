// The http and intent verbs against local servers the test starts (loopback): a CRM that answers,
// hangs, or fails; a stand-in for an OpenAI-compatible chat/completions endpoint.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simulateFlow, type SimAnswer } from './simulator.js';
import { fakeServices, parseFlow } from './testing.js';
import type { FlowDocumentInput } from './flow-schema.js';
import { chatIntentModel } from './intent-model.js';
import { normalise } from './intent-rules.js';

let server: Server;
let base: string;
let modelReply: 'good' | 'hang' | 'malformed' | 'prose' = 'good';
const hung: (() => void)[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/balance') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ account: { balance: '42.50', owner: url.searchParams.get('caller') } }));
      if (url.pathname === '/slow') return void hung.push(() => res.end('{}'));
      if (url.pathname === '/broken') return void res.writeHead(500).end('{"error":"down"}');
      if (url.pathname === '/v1/chat/completions') {
        if (modelReply === 'hang') return void hung.push(() => res.end('{}'));
        const utterance = String((JSON.parse(body) as { messages: { content: string }[] }).messages[1]!.content);
        const content = modelReply === 'malformed' ? 'I think it is billing' : modelReply === 'prose' ? 'Sure: {"intent": "lost_card", "confidence": 0.93}' : JSON.stringify({ intent: utterance.includes('stolen') ? 'lost_card' : null, confidence: 0.88 });
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  hung.forEach((f) => f());
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

// the success and 500 paths get a timeout no loaded machine reaches; the timeout path a short one
const httpFlow = (path: string, timeoutMs = 10_000): FlowDocumentInput => ({
  start: 'look',
  nodes: {
    look: { verb: 'http', url: `${base}${path}?caller={{caller}}`, method: 'GET', timeoutMs, retries: 1, assign: { balance: '/account/balance', owner: '/account/owner' }, next: 'tell', failure: 'sorry' },
    tell: { verb: 'say', text: 'Your balance is {{balance}}.', next: 'bye' },
    sorry: { verb: 'say', text: 'Sorry.', next: 'bye' },
    bye: { verb: 'hangup' },
  },
});

const sim = (doc: FlowDocumentInput, answers: SimAnswer[] = [], services = fakeServices({ fetch })) => simulateFlow({ flowId: 1, version: 1, doc: parseFlow(doc), answers, services, caller: '1001' });

describe('IVR http verb against a local test server', () => {
  it('success: JSON pointers into the reply become variables, and the answer is spoken from them', async () => {
    const r = await sim(httpFlow('/balance'));
    assert.deepEqual(r.context.path, ['look', 'tell', 'bye']);
    assert.equal(r.context.vars.balance, '42.50');
    assert.equal(r.context.vars.owner, '1001');
    assert.equal(r.context.trace[1]!.prompt, 'Your balance is 42.50.');
  });

  it('a timeout takes the failure branch after the retries', async () => {
    const r = await sim(httpFlow('/slow', 300));
    assert.deepEqual(r.context.path, ['look', 'sorry', 'bye']);
    assert.equal(r.context.vars.http_error, 'timeout');
    assert.equal(r.context.trace[0]!.detail!.tries, 2);
  });

  it('a 500 takes the failure branch', async () => {
    const r = await sim(httpFlow('/broken'));
    assert.deepEqual(r.context.path, ['look', 'sorry', 'bye']);
    assert.equal(r.context.vars.http_error, 'HTTP 500');
  });
});

const intentFlow = (model: boolean, hang = false): FlowDocumentInput => ({
  start: 'ask',
  nodes: {
    ask: {
      verb: 'intent',
      prompt: { say: 'How can we help?' },
      model,
      timeoutMs: hang ? 300 : 10_000,
      intents: [
        { name: 'balance', phrases: ['check my balance', 'how much money do I have'], keywords: ['balance'], next: 'bal' },
        { name: 'lost_card', phrases: ['I lost my card'], keywords: ['card lost', 'card stolen'], next: 'lost' },
      ],
      noMatch: 'agent',
    },
    bal: { verb: 'hangup' },
    lost: { verb: 'hangup' },
    agent: { verb: 'enqueue', queue: 'support' },
  },
});

describe('IVR intent verb: rules, and a chat/completions endpoint with timeout and fallback', () => {
  const withModel = () => fakeServices({ fetch, intentModel: chatIntentModel({ url: `${base}/v1/chat/completions`, model: 'test', fetch }) });

  it('rules: a phrase inside the utterance, a keyword rule, and no match', async () => {
    const a = await sim(intentFlow(false), [{ text: 'Hi, I want to check my balance please' }]);
    assert.deepEqual(a.context.intent, { node: 'ask', intent: 'balance', confidence: 0.9, source: 'rules', utterance: 'Hi, I want to check my balance please' });
    const b = await sim(intentFlow(false), [{ text: 'my CARD was stolen' }]);
    assert.equal(b.context.intent!.intent, 'lost_card');
    assert.equal(b.context.intent!.confidence, 0.8);
    const c = await sim(intentFlow(false), [{ text: 'the weather' }]);
    assert.equal(c.context.intent!.source, 'none');
    assert.deepEqual(c.outcome, { kind: 'enqueue', queue: 'support' });
  });

  it('the model answers first when it names an intent', async () => {
    modelReply = 'good';
    const r = await sim(intentFlow(true), [{ text: 'somebody has stolen it' }], withModel());
    assert.deepEqual(r.context.intent, { node: 'ask', intent: 'lost_card', confidence: 0.88, source: 'model', utterance: 'somebody has stolen it' });
    modelReply = 'prose';
    assert.equal((await sim(intentFlow(true), [{ text: 'x' }], withModel())).context.intent!.intent, 'lost_card');
  });

  it('a model timeout falls back to the rules, and says why', async () => {
    modelReply = 'hang';
    const r = await sim(intentFlow(true, true), [{ text: 'check my balance' }], withModel());
    assert.deepEqual(r.context.intent, { node: 'ask', intent: 'balance', confidence: 1, source: 'rules', utterance: 'check my balance', modelError: 'timeout' });
  });

  it('a malformed model reply falls back to the rules', async () => {
    modelReply = 'malformed';
    const r = await sim(intentFlow(true), [{ text: 'I lost my card' }], withModel());
    assert.equal(r.context.intent!.source, 'rules');
    assert.equal(r.context.intent!.intent, 'lost_card');
    assert.match(r.context.intent!.modelError!, /^malformed reply/);
  });

  it('normalised digits: number words, full-width and Chinese numerals read as digits', () => {
    assert.equal(normalise('One two THREE'), '123');
    assert.equal(normalise('１２３'), '123');
    assert.equal(normalise('一二三'), '123');
    assert.equal(normalise('order 4 5 6, please'), 'order 456 please');
  });
});
