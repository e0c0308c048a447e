// INVITE with Replaces (RFC 3891 §3): which dialog it may take over, and the response for each
// case the RFC names, decided before anything rings. Calls here are stand-ins with the state,
// parties and numbers the check reads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallState, type Call } from './call.js';
import type { Side } from './call-media.js';
import { checkReplaces } from './invite-replaces.js';
import type { ReplacesId } from './replaces.js';

const answeredCall = (o: { state?: CallState; callerAnswered?: boolean } = {}) =>
  ({ state: o.state ?? CallState.Answered, inbound: { answered: o.callerAnswered ?? true }, caller: { number: '1001' }, callee: '1002' }) as unknown as Call;

const ID: ReplacesId = { callId: 'c1', toTag: 'hailing', fromTag: 'phone', earlyOnly: false };

function check(o: { replaces?: ReplacesId | 'malformed'; found?: { call: Call; side: Side }; ended?: boolean; caller?: string }) {
  return checkReplaces({ replaces: o.replaces ?? ID, dialogOf: () => o.found, ended: () => o.ended ?? false, caller: o.caller ?? '1002' });
}

describe('INVITE with Replaces (RFC 3891 §3)', () => {
  it('a malformed Replaces is 400', () => {
    assert.deepEqual(check({ replaces: 'malformed' }), { ok: false, status: 400, reason: 'Bad Replaces' });
  });

  it('"If the Replaces header field matches no dialog" → 481; a dialog that has already terminated → 603', () => {
    assert.equal((check({}) as { status: number }).status, 481);
    assert.equal((check({ ended: true }) as { status: number }).status, 603);
  });

  it('"an early dialog that was not initiated by this UA" (a caller still ringing) → 481, and the dialog is left alone', () => {
    const call = answeredCall({ state: CallState.Ringing, callerAnswered: false });
    assert.equal((check({ found: { call, side: 'caller' }, caller: '1001' }) as { status: number }).status, 481);
  });

  it('"early-only" on a confirmed dialog → 486 Busy Here', () => {
    assert.equal((check({ replaces: { ...ID, earlyOnly: true }, found: { call: answeredCall(), side: 'callee' } }) as { status: number }).status, 486);
  });

  it('"MUST verify that the initiator of the new INVITE is authorized": another extension → 403', () => {
    assert.equal((check({ found: { call: answeredCall(), side: 'callee' }, caller: '1003' }) as { status: number }).status, 403);
  });

  it("a confirmed dialog of the INVITE's own extension is taken over, on either side of the call", () => {
    const call = answeredCall();
    assert.deepEqual(check({ found: { call, side: 'callee' }, caller: '1002' }), { ok: true, target: { call, side: 'callee' } });
    assert.deepEqual(check({ found: { call, side: 'caller' }, caller: '1001' }), { ok: true, target: { call, side: 'caller' } });
  });
});
