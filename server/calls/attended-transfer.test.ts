// The refusals of an attended transfer's join (attended-transfer.ts), which leave both calls as
// they were: nothing is connected, no dialog is let go. The join itself is checked with real
// phones in test/calls-attended-transfer-baresip.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallState, type Call } from './call.js';
import { JoinedCalls } from './attended-transfer.js';
import { silentLogger } from './test-support.js';

const call = (o: { caller: string; callee: string; state?: CallState }) =>
  ({ state: o.state ?? CallState.Answered, caller: { number: o.caller }, callee: o.callee, parties: undefined, legOf: () => undefined }) as unknown as Call;

function join(o: { referred: Call; replaced: Call; referredSide?: 'caller' | 'callee'; replacedSide?: 'caller' | 'callee' }) {
  const departed: unknown[] = [];
  const engine = { createEndpoint: () => Promise.reject(new Error('no endpoint may be made for a refused join')) };
  const result = new JoinedCalls().join({
    referred: { call: o.referred, side: o.referredSide ?? 'callee' },
    replaced: { call: o.replaced, side: o.replacedSide ?? 'caller' },
    engine,
    mediaAddress: '127.0.0.1',
    logger: silentLogger,
    by: 'callee',
    depart: (leg) => departed.push(leg),
  });
  return { result, departed };
}

describe('attended transfer: joins that are refused', () => {
  it('Replaces naming the very call the REFER came in → 400', async () => {
    const ab = call({ caller: '1001', callee: '1002' });
    const r = join({ referred: ab, replaced: ab });
    assert.deepEqual(await r.result, { ok: false, status: 400, reason: 'Replaces Names The Same Call' });
  });

  it('the other call has ended, or is not yet answered → 481 (RFC 5589 §7.2: the target hung up first)', async () => {
    const ab = call({ caller: '1001', callee: '1002' });
    for (const state of [CallState.Ended, CallState.Ringing]) {
      const r = join({ referred: ab, replaced: call({ caller: '1002', callee: '1003', state }) });
      assert.equal(((await r.result) as { status: number }).status, 481, state);
      assert.equal(r.departed.length, 0);
    }
  });

  it("RFC 3891 §3: a dialog of another party than the transferor's → 403", async () => {
    const r = join({ referred: call({ caller: '1001', callee: '1002' }), replaced: call({ caller: '1004', callee: '1003' }) });
    assert.equal(((await r.result) as { status: number }).status, 403);
    assert.equal(r.departed.length, 0);
  });

  it('a live pair whose endpoints are gone → 481, nothing let go', async () => {
    const r = join({ referred: call({ caller: '1001', callee: '1002' }), replaced: call({ caller: '1002', callee: '1003' }) });
    assert.equal(((await r.result) as { status: number }).status, 481);
    assert.equal(r.departed.length, 0);
  });
});
