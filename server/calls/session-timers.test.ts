// RFC 4028 on a call's dialogs, on the fake clock: a refresh that does not come ends the call with
// BYE both ways and the cause on its record (§10), a refresh re-arms the timer, and as refresher we
// send the refresh at half the interval (§10) naming ourselves the refresher (§7.4).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getHeader } from '../sip/index.js';
import { callerInvite, callRig, FakeFork, FakeMedia, flush, OFFER } from './test-support.js';
import { CallSessionTimers, SESSION_TIMER_EXPIRED } from './session-timers.js';
import { handleInDialog } from './in-dialog.js';

const POLICY = { interval: 1800, minSe: 90 };

async function answeredCall(refresher: 'uac' | 'uas') {
  const rig = callRig();
  const sessions = new CallSessionTimers({ call: rig.call, clock: rig.clock, logger: rig.legContext.logger, policy: POLICY, caller: { kind: 'accept', interval: 90, refresher, headers: [] } });
  const fork = new FakeFork();
  const result = rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 30_000 });
  fork.respond(200, OFFER);
  await result;
  // the caller's ACK ends our 2xx's retransmission (RFC 3261 §13.3.1.4)
  await handleInDialog({ call: rig.call, side: 'caller', request: callerInvite(new Uint8Array(), { cseq: 1, method: 'ACK' }), contact: '<sip:hailing@127.0.0.1>', observer: { ended: async () => {} }, sessions });
  return { rig, fork, sessions };
}

const cause = (rig: ReturnType<typeof callRig>) => rig.events.find((e) => e.event === 'hangup')?.record.hangupCause;

describe('RFC 4028 session timers on a call', () => {
  it('§10: the caller was to refresh (refresher=uac) and did not: at 90 - min(32, 30) s the call ends with BYE both ways and cause session-timer-expired', async () => {
    const { rig, fork } = await answeredCall('uac');
    rig.clock.advance(59_999);
    await flush();
    assert.equal(cause(rig), undefined, 'still up before the expiry');
    rig.clock.advance(1);
    await flush();
    assert.equal(cause(rig), SESSION_TIMER_EXPIRED);
    assert.equal(fork.byes, 1, 'BYE to the callee');
    const bye = rig.sent.find((r) => r.method === 'BYE');
    assert.ok(bye, 'BYE to the caller');
    // RFC 3326 §2: Reason = protocol-cause; the SIP cause is a status code
    assert.match(getHeader(bye, 'Reason') ?? '', /^SIP;cause=408;text=".+"$/);
  });

  it("§10: the caller's refresh (an UPDATE) re-arms the timer; the 2xx names the caller the refresher", async () => {
    const { rig, sessions } = await answeredCall('uac');
    rig.clock.advance(50_000);
    const update = callerInvite(new Uint8Array(), { cseq: 2, method: 'UPDATE' }, [{ name: 'Supported', value: 'timer' }, { name: 'Session-Expires', value: '90;refresher=uac' }]);
    await handleInDialog({ call: rig.call, side: 'caller', request: update, contact: '<sip:hailing@127.0.0.1>', observer: { ended: async () => {} }, sessions });
    assert.equal(update.replies[0]?.status, 200);
    assert.equal(update.replies[0]?.headers?.find((h) => h.name === 'Session-Expires')?.value, '90;refresher=uac');
    rig.clock.advance(59_999);
    await flush();
    assert.equal(cause(rig), undefined, 'the refresh moved the expiry');
    rig.clock.advance(1);
    await flush();
    assert.equal(cause(rig), SESSION_TIMER_EXPIRED);
  });

  it('§9: a refresh asking for less than our Min-SE gets 422 with Min-SE', async () => {
    const { rig, sessions } = await answeredCall('uac');
    const update = callerInvite(new Uint8Array(), { cseq: 2, method: 'UPDATE' }, [{ name: 'Supported', value: 'timer' }, { name: 'Session-Expires', value: '30' }]);
    await handleInDialog({ call: rig.call, side: 'caller', request: update, contact: '<sip:hailing@127.0.0.1>', observer: { ended: async () => {} }, sessions });
    assert.equal(update.replies[0]?.status, 422);
    assert.equal(update.replies[0]?.headers?.find((h) => h.name === 'Min-SE')?.value, '90');
  });

  it('§10: as refresher (refresher=uas) we send the refresh at half the interval, naming ourselves refresher; no expiry follows', async () => {
    const { rig } = await answeredCall('uas');
    rig.clock.advance(44_999);
    await flush();
    assert.equal(rig.sent.length, 0);
    rig.clock.advance(1);
    await flush();
    const refresh = rig.sent[0];
    assert.ok(refresh && (refresh.method === 'UPDATE' || refresh.method === 'INVITE'), 'a re-INVITE or UPDATE to the caller');
    assert.equal(getHeader(refresh, 'Session-Expires'), '90;refresher=uac');
    rig.clock.advance(120_000);
    await flush();
    assert.equal(cause(rig), undefined, 'the 2xx (no Session-Expires: no expiration, §7.2) keeps the call up');
  });
});
