// INVITE with Replaces (RFC 3891 §3): which dialog it may take over, and the response for each
// case the RFC names, decided before anything rings. Calls here are stand-ins with the state,
// parties and numbers the check reads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallState, type Call } from './call.js';
import type { Side } from './call-media.js';
import { checkReplaces } from './invite-replaces.js';
import type { ReplacesId } from './replaces.js';

const answeredCall = (o: { state?: CallState; callerAnswered?: boolean; ringing?: string[] } = {}) =>
  ({ state: o.state ?? CallState.Answered, inbound: { answered: o.callerAnswered ?? true }, caller: { number: '1001' }, callee: '1002', ringing: o.ringing ?? [] }) as unknown as Call;

const ID: ReplacesId = { callId: 'c1', toTag: 'hailing', fromTag: 'phone', earlyOnly: false };

function check(o: { replaces?: ReplacesId | 'malformed'; found?: { call: Call; side: Side }; ended?: boolean; caller?: string; mayPickUp?: boolean }) {
  return checkReplaces({ replaces: o.replaces ?? ID, dialogOf: () => o.found, ended: () => o.ended ?? false, caller: o.caller ?? '1002', mayPickUp: o.mayPickUp ?? true });
}

describe('INVITE with Replaces (RFC 3891 §3)', () => {
  it('a malformed Replaces is 400', () => {
    assert.deepEqual(check({ replaces: 'malformed' }), { ok: false, status: 400, reason: 'Bad Replaces' });
  });

  it('"If the Replaces header field matches no dialog" → 481; a dialog that has already terminated → 603', () => {
    assert.equal((check({}) as { status: number }).status, 481);
    assert.equal((check({ ended: true }) as { status: number }).status, 603);
  });

  it('"an early dialog that was not initiated by this UA": the caller itself, or a call ringing no one → 481, and the dialog is left alone', () => {
    const call = answeredCall({ state: CallState.Ringing, callerAnswered: false, ringing: ['1002'] });
    assert.equal((check({ found: { call, side: 'caller' }, caller: '1001' }) as { status: number }).status, 481);
    const routing = answeredCall({ state: CallState.Routing, callerAnswered: false });
    assert.equal((check({ found: { call: routing, side: 'caller' }, caller: '1003' }) as { status: number }).status, 481);
  });

  it("BLF pickup: another extension naming a ringing call's early dialog takes the call; without the pickup class → 403", () => {
    const call = answeredCall({ state: CallState.Ringing, callerAnswered: false, ringing: ['1002'] });
    assert.deepEqual(check({ found: { call, side: 'caller' }, caller: '1003' }), { ok: true, target: { call, side: 'caller' }, pickup: true });
    assert.equal((check({ found: { call, side: 'caller' }, caller: '1003', mayPickUp: false }) as { status: number }).status, 403);
  });

  it('"early-only" on a confirmed dialog → 486 Busy Here', () => {
    assert.equal((check({ replaces: { ...ID, earlyOnly: true }, found: { call: answeredCall(), side: 'callee' } }) as { status: number }).status, 486);
  });

  it('"MUST verify that the initiator of the new INVITE is authorized": another extension → 403', () => {
    assert.equal((check({ found: { call: answeredCall(), side: 'callee' }, caller: '1003' }) as { status: number }).status, 403);
  });

  it("a confirmed dialog of the INVITE's own extension is taken over, on either side of the call", () => {
    const call = answeredCall();
    assert.deepEqual(check({ found: { call, side: 'callee' }, caller: '1002' }), { ok: true, target: { call, side: 'callee' }, pickup: false });
    assert.deepEqual(check({ found: { call, side: 'caller' }, caller: '1001' }), { ok: true, target: { call, side: 'caller' }, pickup: false });
  });
});
