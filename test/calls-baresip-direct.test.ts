// The call harness itself, with no Hailing in the path: baresip A calls baresip B by IP and port.
// If these pass and the calls-baresip tests fail, the fault is in Hailing, not in the harness.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startPhone, type Phone } from './helpers/baresip.js';
import { assertTone } from './helpers/audio.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('baresip harness: phone to phone without a server', () => {
  const phones: Phone[] = [];
  after(async () => {
    await Promise.all(phones.map((p) => p.kill()));
    for (const p of phones) rmSync(p.dir, { recursive: true, force: true }); // configs and WAV dumps
  });
  const phone = async (user: string, tone: number, answerMode: 'auto' | 'manual') => {
    const p = await startPhone({ user, domain: '127.0.0.1', tone, answerMode, sipTrace: true });
    phones.push(p);
    return p;
  };

  it('A (400 Hz) calls B (800 Hz, auto answer); each dump holds the other tone; A hangs up, B sees the BYE', async () => {
    const a = await phone('1001', 400, 'auto');
    const b = await phone('1002', 800, 'auto');
    await a.dial(`sip:1002@127.0.0.1:${b.listenPort}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await b.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await sleep(3000);
    await a.hangup();
    const closed = await b.waitForEvent({ type: 'CALL_CLOSED' });
    assert.match(closed.param ?? '', /reset by peer/); // baresip 1.0 reports a received BYE as ECONNRESET
    assert.match(b.output(), /^BYE sip:/m);
    await a.stop();
    await b.stop();
    const [aHeard] = a.decodedDumps();
    const [bHeard] = b.decodedDumps();
    assert.ok(aHeard && bHeard, 'both phones wrote a decoded dump');
    await assertTone({ file: aHeard, hz: 800, minLengthS: 2.5 });
    await assertTone({ file: bHeard, hz: 400, minLengthS: 2.5 });
  });

  it('B (manual answer) rings; A cancels, B receives CANCEL; then B answers a second call with answer()', async () => {
    const a = await phone('1003', 400, 'auto');
    const b = await phone('1004', 800, 'manual');
    await a.dial(`sip:1004@127.0.0.1:${b.listenPort}`);
    await a.waitForEvent({ type: 'CALL_RINGING' });
    await b.waitForEvent({ type: 'CALL_INCOMING' });
    await a.hangup();
    await b.waitForEvent({ type: 'CALL_CLOSED' });
    assert.match(b.output(), /^CANCEL sip:/m);
    assert.equal(b.events.filter((e) => e.type === 'CALL_ESTABLISHED').length, 0);

    const [aMark, bMark] = [a.events.length, b.events.length];
    await a.dial(`sip:1004@127.0.0.1:${b.listenPort}`);
    await b.waitForEvent({ type: 'CALL_INCOMING', since: bMark });
    await b.answer();
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', since: aMark });
    await b.hangup();
    const aClosed = await a.waitForEvent({ type: 'CALL_CLOSED', since: aMark });
    assert.match(aClosed.param ?? '', /reset by peer/);
  });
});
