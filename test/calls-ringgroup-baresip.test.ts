// Acceptance (issue 10) with real phones: ring groups written into the dial plan through the API,
// three baresip phones as members. Simultaneous: all ring, the phone that answers gets the call
// (the caller hears its tone) and the others receive CANCEL. Sequential: the first member rings
// for its timeout and receives CANCEL, then the next one rings.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { received, startPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { assertTone } from './helpers/audio.js';
import { startHailing, withExtensions, type HailingProcess } from './helpers/hailing-process.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ring groups with three baresip phones', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];

  before(async () => {
    server = await startHailing();
    await withExtensions(server, ['1001', '1002', '1003', '1004']);
  });

  after(async () => {
    await stopPhones(phones);
    await server?.kill();
  });

  const registered = async (user: string, o: { tone: number; answerMode: 'auto' | 'manual' }) => {
    const p = await startPhone({ user, password: `secret-${user}`, domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', sipTrace: true, ...o });
    phones.push(p);
    await p.waitFor(/200 OK.*\[\d binding/);
    return p;
  };

  it('simultaneous: the three members ring, the one that answers gets the call, the other two receive CANCEL', { timeout: 90_000 }, async () => {
    const entry = await server.api('POST', '/api/v1/dialplan', { pattern: '600', steps: [{ kind: 'ring-group', strategy: 'simultaneous', members: ['1002', '1003', '1004'], memberTimeoutS: 30 }] });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    const a = await registered('1001', { tone: 400, answerMode: 'auto' });
    const m2 = await registered('1002', { tone: 800, answerMode: 'manual' });
    const m3 = await registered('1003', { tone: 1200, answerMode: 'manual' });
    const m4 = await registered('1004', { tone: 1600, answerMode: 'manual' });
    await a.dial(`sip:600@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_RINGING' });
    for (const m of [m2, m3, m4]) await m.waitForEvent({ type: 'CALL_INCOMING' });
    await m3.answer();
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    for (const m of [m2, m4]) {
      await m.waitForEvent({ type: 'CALL_CLOSED' });
      assert.equal(received(m, /^CANCEL /).length, 1, 'a member that did not answer received a CANCEL');
    }
    await sleep(3000);
    await a.hangup();
    await m3.waitForEvent({ type: 'CALL_CLOSED' });
    await a.stop();
    const [heard] = a.decodedDumps();
    assert.ok(heard, 'the caller wrote a decoded dump');
    await assertTone({ file: heard, hz: 1200, minLengthS: 2 });
  });

  it('sequential: the first member rings for its 3 s and receives CANCEL, then the second rings and answers', { timeout: 90_000 }, async () => {
    const entry = await server.api('POST', '/api/v1/dialplan', { pattern: '601', steps: [{ kind: 'ring-group', strategy: 'sequential', members: ['1002', '1003'], memberTimeoutS: 3 }] });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    // the first test's caller has stopped; a fresh one registers
    const a = await registered('1001', { tone: 400, answerMode: 'auto' });
    const [m2, m3] = [phones[1]!, phones[2]!];
    const since2 = m2.events.length;
    const since3 = m3.events.length;
    await a.dial(`sip:601@${DOMAIN}`);
    await m2.waitForEvent({ type: 'CALL_INCOMING', since: since2 });
    await m2.waitForEvent({ type: 'CALL_CLOSED', since: since2, timeoutMs: 10_000 });
    await m3.waitForEvent({ type: 'CALL_INCOMING', since: since3, timeoutMs: 10_000 });
    await m3.answer();
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    assert.equal(received(m2, /^CANCEL /).length, 2, 'the first member received a CANCEL for this call too');
    await a.hangup();
  });
});
