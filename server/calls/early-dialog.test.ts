// The caller's early dialog on the fake clock: reliable provisionals when the caller Requires
// 100rel (RFC 3262 §3: Require and RSeq on the 1xx, retransmission until the PRACK, 2xx to the
// PRACK) and UPDATE before the answer (RFC 3311 §5.2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { callerInvite, callRig, FakeFork, FakeMedia, OFFER } from './test-support.js';
import { handleInDialog } from './in-dialog.js';

const header = (r: { headers?: readonly { name: string; value: string }[] } | undefined, name: string) => r?.headers?.find((h) => h.name === name)?.value;
const inDialog = (rig: ReturnType<typeof callRig>, request: ReturnType<typeof callerInvite>) =>
  handleInDialog({ call: rig.call, side: 'caller', request, contact: '<sip:hailing@127.0.0.1>', observer: { ended: async () => {} } });

async function ringing(headers: { name: string; value: string }[]) {
  const rig = callRig({ headers });
  const fork = new FakeFork();
  void rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 30_000 });
  fork.respond(180);
  return { rig, fork };
}

describe("the caller's early dialog", () => {
  it('RFC 3262 §3: with Require: 100rel the 180 carries Require: 100rel and an RSeq, is retransmitted at T1, 2*T1 until the PRACK, which gets 200', async () => {
    const { rig } = await ringing([{ name: 'Require', value: '100rel' }]);
    const first = rig.request.replies[0];
    assert.equal(first?.status, 180);
    assert.equal(header(first, 'Require'), '100rel');
    const rseq = header(first, 'RSeq');
    assert.match(rseq ?? '', /^[0-9]+$/);
    rig.clock.advance(500 + 1000);
    assert.deepEqual(rig.request.replies.map((r) => r.status), [180, 180, 180], 'retransmitted at T1 and 2*T1');
    const wrong = callerInvite(new Uint8Array(), { cseq: 2, method: 'PRACK' }, [{ name: 'RAck', value: `${Number(rseq) + 1} 1 INVITE` }]);
    await inDialog(rig, wrong);
    assert.equal(wrong.replies[0]?.status, 481, 'a PRACK for no response of ours');
    const prack = callerInvite(new Uint8Array(), { cseq: 3, method: 'PRACK' }, [{ name: 'RAck', value: `${rseq} 1 INVITE` }]);
    await inDialog(rig, prack);
    assert.equal(prack.replies[0]?.status, 200);
    rig.clock.advance(10_000);
    assert.equal(rig.request.replies.length, 3, 'no retransmission after the PRACK');
  });

  it('RFC 3262 §3: without 100rel in Require or Supported the 180 goes once, without RSeq', async () => {
    const { rig } = await ringing([]);
    rig.clock.advance(5_000);
    assert.deepEqual(rig.request.replies.map((r) => r.status), [180]);
    assert.equal(header(rig.request.replies[0], 'RSeq'), undefined);
  });

  it('RFC 3311 §5.2: an UPDATE without SDP in the early dialog is answered 200; one with an offer while the INVITE offer is unanswered gets 500 with Retry-After', async () => {
    const { rig } = await ringing([{ name: 'Supported', value: '100rel' }]);
    const plain = callerInvite(new Uint8Array(), { cseq: 2, method: 'UPDATE' });
    await inDialog(rig, plain);
    assert.equal(plain.replies[0]?.status, 200);
    const offer = callerInvite(OFFER, { cseq: 3, method: 'UPDATE' });
    await inDialog(rig, offer);
    assert.equal(offer.replies[0]?.status, 500);
    assert.ok(header(offer.replies[0], 'Retry-After'));
  });
});
