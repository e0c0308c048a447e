// Acceptance: what a caller hears back from Hailing's B2BUA for busy, unknown, unauthenticated,
// forbidden, cancelled and forked calls, and the call record each one leaves. Both ends are node-sip
// user agents (test/helpers/sip-ua.ts), an implementation independent of Hailing's SIP stack;
// expected statuses come from RFC 3261 and the call-handling contract, not from our own output.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort } from './helpers/ports.js';
import { assertRecord, finalCallRecord, listCallRecords } from './helpers/cdrs.js';
import { startSipUa, type IncomingScript, type OutgoingCall, type SipUa } from './helpers/sip-ua.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const PHONES = '127.0.0.5';
/** the wrong-password caller lives on its own address, so its failure counts against no other phone */
const STRANGER = '127.0.0.6';
const password = (n: string) => `pw-${n}-secret`;

describe('calls between node-sip phones through Hailing: responses and call records', () => {
  let server: HailingProcess;
  const uas: SipUa[] = [];
  const ua = async (o: { address?: string; incoming?: IncomingScript } = {}) => {
    const address = o.address ?? PHONES;
    const u = await startSipUa({ address, port: await freePort(address), domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, ...(o.incoming ? { incoming: o.incoming } : {}) });
    uas.push(u);
    return u;
  };
  /** a call from extension `from` (with its right password) on a phone of its own */
  const callFrom = async (from: string, to: string) => (await ua()).call({ to, user: from, password: password(from) });
  const finalOf = (call: OutgoingCall) => within(call.final, 10_000, 'the final response to the INVITE');
  const record = (number: string, callId: string) => finalCallRecord({ api: server.api, number, callId });

  before(async () => {
    server = await startHailing({ env: { HAILING_MEDIA_TIMEOUT_MS: '60000' } });
    for (const n of ['1001', '1002', '1003', '1004', '1006']) {
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: password(n), displayName: `Ext ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const noRights = await server.api('POST', '/api/v1/extensions', { number: '1005', password: password('1005'), displayName: 'Ext 1005', permissions: [] });
    assert.equal(noRights.status, 201, JSON.stringify(noRights.body));
  });
  after(async () => {
    for (const u of uas) await u.close();
    await server?.kill('SIGKILL');
  });

  it('RFC 3261 §21.4.22: the callee answers 486 Busy Here, the caller gets 486 and the record is BUSY', { timeout: 30_000 }, async () => {
    const callee = await ua({ incoming: { kind: 'reject', status: 486, reason: 'Busy Here' } });
    assert.equal(await callee.register({ user: '1002', password: password('1002') }), 200);
    const call = await callFrom('1001', '1002');
    const incoming = await callee.nextIncoming();
    assert.equal(incoming.finalStatus(), 486);
    const final = await finalOf(call);
    assert.equal(call.challenges(), 1, 'RFC 3261 §22.3: the first INVITE is challenged with 407');
    assert.equal(final.status, 486);
    const r = await record('1001', call.callId);
    assertRecord(r, { disposition: 'BUSY', hangupCause: 'busy', sipStatus: 486, caller: '1001', callee: '1002', answeredAt: null });
    assert.notEqual(r.endedAt, null);
  });

  it('wrong credentials are challenged again with 407 (RFC 3261 §22.3) and leave no call record', { timeout: 30_000 }, async () => {
    const stranger = await ua({ address: STRANGER });
    const call = stranger.call({ to: '1002', user: '1001', password: 'not-the-password' });
    const final = await finalOf(call);
    assert.equal(final.status, 407);
    assert.equal(call.challenges(), 2, 'a fresh challenge after the refused credentials');
    // the next call's record being listed means the writer has flushed past this attempt
    const unknown = await callFrom('1001', '1999');
    assert.equal((await finalOf(unknown)).status, 404);
    await record('1001', unknown.callId);
    const all = await listCallRecords(server.api, '1001');
    assert.ok(!all.some((c) => c.legs.some((l) => l.sipCallId === call.callId)), 'no record for an unauthenticated call');
  });

  it('RFC 3261 §21.4.5: an unknown number gets 404 and a FAILED record (not-found)', { timeout: 30_000 }, async () => {
    const call = await callFrom('1001', '1998');
    assert.equal((await finalOf(call)).status, 404);
    assert.equal(call.challenges(), 1);
    assertRecord(await record('1001', call.callId), { disposition: 'FAILED', hangupCause: 'not-found', sipStatus: 404, callee: '1998' });
  });

  it('RFC 3261 §21.4.18: a known extension with no registered phone gets 480 and a FAILED record (unavailable)', { timeout: 30_000 }, async () => {
    const call = await callFrom('1001', '1006');
    assert.equal((await finalOf(call)).status, 480);
    assertRecord(await record('1001', call.callId), { disposition: 'FAILED', hangupCause: 'unavailable', sipStatus: 480 });
  });

  it('RFC 3261 §21.4.4: a caller without permission to call gets 403 after authenticating, and a FAILED record (forbidden)', { timeout: 30_000 }, async () => {
    const call = await callFrom('1005', '1002');
    assert.equal((await finalOf(call)).status, 403);
    assert.equal(call.challenges(), 1, 'authenticated first: 403 is not a credentials failure');
    assertRecord(await record('1005', call.callId), { disposition: 'FAILED', hangupCause: 'forbidden', sipStatus: 403, caller: '1005' });
  });

  it('RFC 3261 §9: the caller cancels while the callee rings: 200 to CANCEL, 487 to the INVITE, CANCEL reaches the callee, record CANCELLED', { timeout: 30_000 }, async () => {
    const callee = await ua({ incoming: { kind: 'ring' } });
    assert.equal(await callee.register({ user: '1003', password: password('1003') }), 200);
    const call = await callFrom('1001', '1003');
    const incoming = await callee.nextIncoming();
    // RFC 3261 §9.1: a CANCEL is sent only after a provisional response
    const ringing = await within(call.response((s) => s === 180), 10_000, '180 Ringing relayed to the caller');
    assert.equal(ringing.status, 180);
    const cancelResponse = await within(call.cancel(), 10_000, 'the response to CANCEL');
    assert.equal(cancelResponse.status, 200);
    assert.equal((await finalOf(call)).status, 487);
    await within(incoming.cancel, 10_000, 'the CANCEL at the callee');
    assert.equal(incoming.finalStatus(), 487, 'the callee answered its INVITE 487');
    assertRecord(await record('1001', call.callId), { disposition: 'CANCELLED', hangupCause: 'cancelled', sipStatus: 487, hangupBy: 'caller', answeredAt: null });
  });

  it('RFC 3261 §16.7: one extension on two phones: both ring, the first 200 wins, the other is cancelled; ACK and BYE flow; record ANSWERED with the answering leg', { timeout: 30_000 }, async () => {
    const answering = await ua({ incoming: { kind: 'answer', afterMs: 500 } });
    const ringing = await ua({ incoming: { kind: 'ring' } });
    assert.equal(await answering.register({ user: '1004', password: password('1004') }), 200);
    assert.equal(await ringing.register({ user: '1004', password: password('1004') }), 200);
    const call = await callFrom('1001', '1004');
    const [won, lost] = await Promise.all([answering.nextIncoming(), ringing.nextIncoming()]);
    const final = await finalOf(call);
    assert.equal(final.status, 200);
    await within(won.ack, 10_000, 'the ACK at the answering phone');
    await within(lost.cancel, 10_000, 'the CANCEL at the other phone');
    assert.equal(lost.finalStatus(), 487);
    const dialog = call.dialog();
    assert.ok(dialog, 'a dialog from the 2xx');
    assert.equal((await dialog.sendBye()).status, 200);
    await within(won.dialog.bye.promise, 10_000, 'the BYE at the answering phone');
    const r = await record('1001', call.callId);
    assertRecord(r, { disposition: 'ANSWERED', hangupCause: 'normal-clearing', hangupBy: 'caller' });
    assert.notEqual(r.answeredAt, null);
    const answered = r.legs.filter((l) => l.role === 'callee' && l.answeredAt !== null);
    assert.equal(answered.length, 1, JSON.stringify(r.legs));
    assert.equal(answered[0]?.sipCallId, won.invite.headers['call-id']);
    assert.match(answered[0]?.uri ?? '', new RegExp(`:${answering.port}\\b`), 'the leg of the phone that answered');
  });
});
