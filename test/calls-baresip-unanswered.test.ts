// Acceptance with real phones (baresip) for calls that are not simply answered: no answer (480 after
// HAILING_CALL_NO_ANSWER_TIMEOUT_MS), caller cancel while ringing (CANCEL downstream, 487 upstream),
// and one extension registered on two phones (both ring, the first to answer wins, the other gets CANCEL).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { received, startPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { assertTone } from './helpers/audio.js';
import { assertRecord, finalCallRecord, listCallRecords } from './helpers/cdrs.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';

const DOMAIN = '127.0.0.1';
const NO_ANSWER_MS = 4000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const within1s = (actual: number | null, expected: number, what: string) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= 1, `${what}: record ${actual} s, measured ${expected.toFixed(2)} s`);


describe('baresip calls through Hailing that are not simply answered', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];

  before(async () => {
    server = await startHailing({ env: { HAILING_CALL_NO_ANSWER_TIMEOUT_MS: String(NO_ANSWER_MS) } });
    for (const n of ['1001', '1002', '1003', '1004', '1005', '1006']) {
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });

  after(async () => {
    await stopPhones(phones); // configs and WAV dumps
    await server?.kill();
  });

  const registered = async (user: string, o: { tone: number; answerMode: 'auto' | 'manual' }) => {
    const p = await startPhone({
      user,
      password: `secret-${user}`,
      domain: DOMAIN,
      server: { host: '127.0.0.1', port: server.ports.sip },
      transport: 'udp',
      sipTrace: true,
      ...o,
    });
    phones.push(p);
    await p.waitFor(/200 OK.*\[\d binding/);
    return p;
  };
  /** A (auto answer) dials B (manual answer) and both see the call ringing */
  const ringing = async (caller: string, callee: string) => {
    const a = await registered(caller, { tone: 400, answerMode: 'auto' });
    const b = await registered(callee, { tone: 800, answerMode: 'manual' });
    const dialAt = Date.now();
    await a.dial(`sip:${callee}@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_RINGING' }); // first: fails at once if A's call is refused
    await b.waitForEvent({ type: 'CALL_INCOMING' });
    return { a, b, dialAt };
  };
  /** the only record of `caller`'s calls, once final */
  const onlyRecord = async (caller: string) => {
    const cdr = await finalCallRecord({ api: server.api, number: caller });
    assert.equal((await listCallRecords(server.api, caller)).length, 1);
    return cdr;
  };

  it('no answer: B rings, Hailing cancels it after the no-answer timeout and A gets 480; record NO ANSWER', async () => {
    const { a, b, dialAt } = await ringing('1001', '1002');
    const aClosed = await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: NO_ANSWER_MS + 6000 });
    assert.match(aClosed.param ?? '', /^480\b/);
    await b.waitForEvent({ type: 'CALL_CLOSED' });
    assert.equal(received(b, /^CANCEL /).length, 1, 'B received a CANCEL');
    assert.equal(b.events.filter((e) => e.type === 'CALL_ESTABLISHED').length, 0);

    const cdr = await onlyRecord('1001');
    assertRecord(cdr, { callee: '1002', disposition: 'NO ANSWER', hangupCause: 'no-answer', sipStatus: 480, answeredAt: null, billableS: 0 });
    within1s(cdr.durationS, (aClosed.at - dialAt) / 1000, 'durationS');
  });

  it('caller cancel: A hangs up while B rings; B receives CANCEL, A gets 487; record CANCELLED by the caller', async () => {
    const { a, b, dialAt } = await ringing('1003', '1004');
    await sleep(1000);
    await a.hangup();
    const aClosed = await a.waitForEvent({ type: 'CALL_CLOSED' });
    await b.waitForEvent({ type: 'CALL_CLOSED' });
    assert.equal(received(b, /^CANCEL /).length, 1, 'B received a CANCEL');
    // RFC 3261 §9.2: the INVITE that was cancelled is answered 487
    await a.waitFor(/SIP\/2\.0 487 /, 5000);
    assert.equal(b.events.filter((e) => e.type === 'CALL_ESTABLISHED').length, 0);

    const cdr = await onlyRecord('1003');
    assertRecord(cdr, { callee: '1004', disposition: 'CANCELLED', hangupCause: 'cancelled', sipStatus: 487, hangupBy: 'caller', answeredAt: null, billableS: 0 });
    within1s(cdr.durationS, (aClosed.at - dialAt) / 1000, 'durationS');
  });

  it('one extension on two phones: both ring, the one that answers gets the call, the other receives CANCEL', async () => {
    const a = await registered('1005', { tone: 400, answerMode: 'auto' });
    const b1 = await registered('1006', { tone: 800, answerMode: 'manual' });
    const b2 = await registered('1006', { tone: 1200, answerMode: 'manual' });
    await b2.waitFor(/\[2 bindings\]/);
    await a.dial(`sip:1006@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_RINGING' });
    await b1.waitForEvent({ type: 'CALL_INCOMING' });
    await b2.waitForEvent({ type: 'CALL_INCOMING' });
    await b1.answer();
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await b2.waitForEvent({ type: 'CALL_CLOSED' });
    assert.equal(received(b2, /^CANCEL /).length, 1, 'the phone that did not answer received a CANCEL');
    assert.equal(b2.events.filter((e) => e.type === 'CALL_ESTABLISHED').length, 0);
    await sleep(3000);
    await a.hangup();
    await b1.waitForEvent({ type: 'CALL_CLOSED' });
    await a.stop();
    await b1.stop();

    // A hears the phone that answered (800 Hz), not the one that was cancelled (1200 Hz).
    const [aHeard] = a.decodedDumps();
    assert.ok(aHeard, 'A wrote a decoded dump');
    await assertTone({ file: aHeard, hz: 800, minLengthS: 2 });
    assert.equal(b2.decodedDumps().length, 0, 'the cancelled phone never had media');

    const cdr = await onlyRecord('1005');
    assertRecord(cdr, { disposition: 'ANSWERED', hangupBy: 'caller' });
    const answered = cdr.legs.filter((l) => l.role === 'callee' && l.answeredAt);
    assert.equal(answered.length, 1, JSON.stringify(cdr.legs));
    assert.equal(answered[0]?.sipCallId, received(b1, /^INVITE /)[0]?.header('call-id'));
  });
});
