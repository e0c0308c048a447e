// Hold and resume on an anchored call with real phones (issue 10): baresip 1001 (400 Hz) calls a
// dial plan entry "answer, then dial 1002" and 1002 (800 Hz) answers, so the caller's endpoint is
// Hailing's and the call is bridged. The caller holds (re-INVITE a=sendonly) and resumes: each
// re-INVITE is answered 200 by Hailing with the mirrored direction (RFC 3264 §6.1: recvonly, then
// sendrecv) and 1002 is not disturbed; after the resume audio flows both ways again, measured in
// the phones' decoded audio.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { soxStat } from './helpers/audio.js';
import { finalCallRecord } from './helpers/cdrs.js';
import type { HailingProcess } from './helpers/hailing-process.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import type { Phone, TracedMessage } from './helpers/baresip.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const direction = (body: string): string | undefined => /^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m.exec(body)?.[1];

const cseqOf = (m: TracedMessage): number => Number(/^(\d+)/.exec(m.header('cseq') ?? '')?.[1]);
/** the final responses that reached `phone` to its re-INVITEs (INVITEs after the one the call was answered on) */
function reinviteAnswers(phone: Phone): TracedMessage[] {
  const finals = phone.sipTrace().filter((m) => m.dst.endsWith(`:${phone.listenPort}`) && /^SIP\/2\.0 [2-6]/.test(m.startLine) && / INVITE$/.test(m.header('cseq') ?? ''));
  const answered = finals.find((m) => /^SIP\/2\.0 200 /.test(m.startLine));
  // one per request: a 2xx is retransmitted until its ACK (RFC 3261 §13.3.1.4)
  const later = answered === undefined ? [] : finals.filter((m) => cseqOf(m) > cseqOf(answered));
  return later.filter((m, i) => later.findIndex((x) => cseqOf(x) === cseqOf(m)) === i);
}
const invitesTo = (phone: Phone): TracedMessage[] => phone.sipTrace().filter((m) => m.dst.endsWith(`:${phone.listenPort}`) && /^INVITE /.test(m.startLine));

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('anchored call: the caller holds and resumes by re-INVITE (baresip)', () => {
  let rig: ExtensionPhones;
  let server: HailingProcess;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002']);
    server = rig.server;
  });

  after(() => rig?.close());

  it('RFC 3264 §8.4: hold is answered 200 a=recvonly and resume 200 a=sendrecv by Hailing; the callee gets no re-INVITE; audio flows both ways after the resume', { timeout: 120_000 }, async () => {
    const entry = await server.api('POST', '/api/v1/dialplan', { pattern: '710', steps: [{ kind: 'answer' }, { kind: 'extension', number: '1002', timeoutS: 20 }] });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto', sipTrace: true });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual', sipTrace: true });
    await a.dial(`sip:710@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await b.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
    await b.answer();
    await b.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await sleep(2000);

    await a.command('hold');
    await until('the answer to the hold re-INVITE', () => reinviteAnswers(a).length >= 1);
    const held = reinviteAnswers(a)[0]!;
    assert.match(held.startLine, /^SIP\/2\.0 200 /, `the hold re-INVITE is answered 200, not ${held.startLine}`);
    assert.equal(direction(held.body), 'recvonly', `RFC 3264 §6.1: sendonly is answered recvonly\n${held.body}`);
    await sleep(1500);

    await a.command('resume');
    await until('the answer to the resume re-INVITE', () => reinviteAnswers(a).length >= 2);
    const resumed = reinviteAnswers(a)[1]!;
    assert.match(resumed.startLine, /^SIP\/2\.0 200 /, `the resume re-INVITE is answered 200, not ${resumed.startLine}`);
    assert.equal(direction(resumed.body) ?? 'sendrecv', 'sendrecv', resumed.body);
    await sleep(3500);
    assert.equal(invitesTo(b).length, 1, "the caller's hold is Hailing's business: 1002 got only the first INVITE");

    await a.hangup();
    await b.waitForEvent({ type: 'CALL_CLOSED' });
    await Promise.all([a.stop(), b.stop()]);

    const [callerHeard] = a.decodedDumps();
    const [calleeHeard] = b.decodedDumps();
    assert.ok(callerHeard && calleeHeard, 'both phones wrote decoded dumps');
    // the last seconds of each dump are after the resume
    for (const [file, hz, who] of [
      [callerHeard, 800, 'the caller hears the callee'],
      [calleeHeard, 400, 'the callee hears the caller'],
    ] as const) {
      const whole = await soxStat({ file });
      const tail = await soxStat({ file, skipS: Math.max(0, whole.lengthS - 2.5), durationS: 2 });
      assert.ok(tail.rms > 0.05, `${who} after the resume (RMS ${tail.rms})`);
      assert.ok(Math.abs(tail.roughHz - hz) <= 40, `${who} after the resume: ${tail.roughHz} Hz, expected ${hz}`);
    }
    const record = await finalCallRecord({ api: server.api.bind(server), number: '1001' });
    assert.equal(record.disposition, 'ANSWERED');
    assert.equal(record.hangupBy, 'caller');
  });

  it("the callee's BYE ends the bridge ('peer-hangup'); the default plan then ends the call: the caller gets BYE, the record says callee", { timeout: 120_000 }, async () => {
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto', sipTrace: true });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual', sipTrace: true });
    await a.dial(`sip:710@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await b.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
    await b.answer();
    await b.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await sleep(1500);
    await b.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    const byeAnswer = () => b.sipTrace().find((m) => m.dst.endsWith(`:${b.listenPort}`) && /^SIP\/2\.0 [2-6]/.test(m.startLine) && / BYE$/.test(m.header('cseq') ?? ''));
    // the 200 goes out once the call's end is stored, after the caller's BYE
    await until("the answer to the callee's BYE", () => byeAnswer() !== undefined);
    assert.match(byeAnswer()!.startLine, /^SIP\/2\.0 200 /, "the callee's BYE is answered 200");
    assert.ok(a.sipTrace().some((m) => m.dst.endsWith(`:${a.listenPort}`) && /^BYE /.test(m.startLine)), 'the caller gets BYE from Hailing');
    await Promise.all([a.stop(), b.stop()]);
    const record = await finalCallRecord({ api: server.api.bind(server), number: '1001' });
    assert.equal(record.disposition, 'ANSWERED');
    assert.equal(record.hangupBy, 'callee');
    assert.equal(record.hangupCause, 'normal-clearing');
  });
});
