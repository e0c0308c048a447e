// Acceptance (issue 10) with real phones: directed and group call pickup. baresip 1001 calls 1002, which
// rings (manual answer); 1003 dials **1002 and takes the call: 1002 receives CANCEL, 1001 and
// 1003 hear each other's tone (measured in their decoded audio with sox), and 1001's hang-up
// ends 1003's call with BYE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { received } from './helpers/baresip.js';
import { assertTone } from './helpers/audio.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('call pickup (directed and group) with three baresip phones', () => {
  let rig: ExtensionPhones;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002', '1003']);
  });

  after(() => rig?.close());

  const registered = (user: string, o: { tone: number; answerMode: 'auto' | 'manual' }) => rig.phone(user, { ...o, sipTrace: true });

  it('**1002 from a third phone takes the call ringing at 1002: 1002 gets CANCEL, the caller and the picker hear each other', { timeout: 90_000 }, async () => {
    const a = await registered('1001', { tone: 400, answerMode: 'auto' });
    const b = await registered('1002', { tone: 800, answerMode: 'manual' });
    const c = await registered('1003', { tone: 1200, answerMode: 'auto' });
    await a.dial(`sip:1002@${DOMAIN}`);
    await b.waitForEvent({ type: 'CALL_INCOMING' });
    await c.dial(`sip:**1002@${DOMAIN}`);
    await c.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await b.waitForEvent({ type: 'CALL_CLOSED' });
    assert.equal(received(b, /^CANCEL /).length, 1, 'the phone that rang received a CANCEL');
    await sleep(3000);
    await a.hangup();
    await c.waitForEvent({ type: 'CALL_CLOSED' });
    assert.equal(received(c, /^BYE /).length, 1, "the caller's hang-up ends the picker's call with BYE");
    await Promise.all([a.stop(), c.stop()]);
    const [callerHeard] = a.decodedDumps();
    const [pickerHeard] = c.decodedDumps();
    assert.ok(callerHeard && pickerHeard, 'both phones wrote decoded dumps');
    await assertTone({ file: callerHeard, hz: 1200, minLengthS: 2 });
    await assertTone({ file: pickerHeard, hz: 400, minLengthS: 2 });
  });

  it('*8 picks up a call ringing at another extension of the picker\'s pickup group, set through the API', { timeout: 90_000 }, async () => {
    for (const n of ['1002', '1003']) {
      const r = await rig.server.api('PUT', `/api/v1/extensions/${n}/pickup-group`, { group: 'sales' });
      assert.deepEqual(r.body, { group: 'sales' });
    }
    assert.equal((await rig.server.api('PUT', '/api/v1/extensions/1001/pickup-group', { group: '../x' })).status, 400);
    // the first test's caller and picker have stopped; fresh ones register
    const a = await registered('1001', { tone: 400, answerMode: 'auto' });
    const c = await registered('1003', { tone: 1200, answerMode: 'auto' });
    const b = rig.phones[1]!;
    const since = b.events.length;
    await a.dial(`sip:1002@${DOMAIN}`);
    await b.waitForEvent({ type: 'CALL_INCOMING', since });
    await c.dial(`sip:*8@${DOMAIN}`);
    await c.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await b.waitForEvent({ type: 'CALL_CLOSED', since });
    assert.equal(received(b, /^CANCEL /).length, 2, 'the ringing phone received a CANCEL for this call too');
    await sleep(3000);
    await c.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });
    await Promise.all([a.stop(), c.stop()]);
    const [callerHeard] = a.decodedDumps();
    assert.ok(callerHeard, 'the caller wrote a decoded dump');
    await assertTone({ file: callerHeard, hz: 1200, minLengthS: 2 });
  });
});
