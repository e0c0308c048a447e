// REFER in a call's dialog (RFC 3515) on the fake clock: what is refused and how, and the implicit
// subscription's NOTIFYs (message/sipfrag) around a blind transfer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, FakeClock } from '../sip/index.js';
import type { IncomingRequest, ReplyOptions } from '../sip/index.js';
import type { Call } from './call.js';
import type { OutboundLeg } from './outbound-leg.js';
import { handleRefer, TRANSFEROR_BYE_GRACE_MS } from './in-dialog-refer.js';
import type { TransferResult } from './call-transfer.js';
import { flush, silentLogger } from './test-support.js';
import type { ReplacesId } from './replaces.js';

const FLOW = { protocol: 'udp' as const, local: { address: '127.0.0.1', port: 5060 }, remote: { address: '127.0.0.1', port: 5072 } };

function refer(headers: { name: string; value: string }[]): IncomingRequest & { replies: ReplyOptions[] } {
  const message = createRequest({
    method: 'REFER',
    uri: 'sip:hailing@127.0.0.1',
    headers: [
      { name: 'Via', value: 'SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-refer' },
      { name: 'From', value: '<sip:1002@pbx.test>;tag=callee' },
      { name: 'To', value: '<sip:1001@pbx.test>;tag=hailing' },
      { name: 'Call-ID', value: 'callee-leg' },
      { name: 'CSeq', value: '2 REFER' },
      { name: 'Contact', value: '<sip:1002@127.0.0.1:5072>' },
      ...headers,
    ],
  });
  const replies: ReplyOptions[] = [];
  return { message, flow: FLOW, source: FLOW.remote, replies, reply: (r: ReplyOptions) => void replies.push(r) } as unknown as IncomingRequest & { replies: ReplyOptions[] };
}

class FakeTransferor {
  readonly sent: { method: string; body: string; headers: readonly [string, string][] }[] = [];
  byes = 0;
  readonly leg = {
    send: async (o: { method: string; body?: Uint8Array; headers?: readonly [string, string][] }) => {
      this.sent.push({ method: o.method, body: new TextDecoder().decode(o.body ?? new Uint8Array()), headers: o.headers ?? [] });
      return undefined;
    },
    bye: async () => void this.byes++,
  } as unknown as OutboundLeg;
}

function rig(o: { side?: 'caller' | 'callee'; result?: TransferResult; attended?: TransferResult } = {}) {
  const clock = new FakeClock();
  const transferor = new FakeTransferor();
  const call = { id: 'call-1', legOf: () => transferor.leg } as unknown as Call;
  const asked: { target: string; transferor: string | undefined }[] = [];
  const departed: OutboundLeg[] = [];
  const replaced: ReplacesId[] = [];
  /** the transferor's leg in its other call (the dialog Replaces names) */
  const other = new FakeTransferor();
  const run = (request: IncomingRequest) =>
    handleRefer({
      call,
      side: o.side ?? 'callee',
      request,
      contact: '<sip:1001@127.0.0.1:5060>',
      clock,
      logger: silentLogger,
      departing: (leg) => departed.push(leg),
      transfer: async ({ target, transferor: by, detached }) => {
        asked.push({ target, transferor: by });
        detached(transferor.leg);
        return o.result ?? { ok: true };
      },
      ...(o.attended
        ? {
            attended: async ({ replaces }: { replaces: ReplacesId }) => {
              replaced.push(replaces);
              const result = o.attended!;
              return { result, legs: result.ok ? [transferor.leg, other.leg] : [] };
            },
          }
        : {}),
    });
  return { clock, transferor, other, asked, departed, replaced, run };
}

const header = (h: readonly [string, string][], name: string) => h.find(([n]) => n === name)?.[1];

describe('REFER (RFC 3515) from a phone in a call', () => {
  it('§2.4.1: a REFER without Refer-To is answered 400 and nothing is transferred', async () => {
    const r = rig();
    const request = refer([]);
    await r.run(request);
    assert.deepEqual(request.replies.map((x) => x.status), [400]);
    assert.equal(r.asked.length, 0);
  });

  it("the caller's own transfer is declined (603): Hailing keeps the caller, so only the callee may hand it on", async () => {
    const r = rig({ side: 'caller' });
    const request = refer([{ name: 'Refer-To', value: '<sip:1003@pbx.test>' }]);
    await r.run(request);
    assert.deepEqual(request.replies.map((x) => x.status), [603]);
  });

  it('a Refer-To with Replaces where no attended transfer is wired (a handler without `attended`) is answered 501 rather than turned into a blind one', async () => {
    const r = rig();
    const request = refer([{ name: 'Refer-To', value: '<sip:1003@pbx.test?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2>' }]);
    await r.run(request);
    assert.deepEqual(request.replies.map((x) => x.status), [501]);
    assert.equal(r.asked.length, 0);
  });

  it('§2.4.5: 202, then NOTIFY "SIP/2.0 100 Trying" (active) and "SIP/2.0 200 OK" (terminated), Event: refer, message/sipfrag; the transferor is sent BYE only after the grace period', async () => {
    const r = rig();
    const request = refer([{ name: 'Refer-To', value: '"Desk" <sip:1003@pbx.test>' }]);
    await r.run(request);
    assert.deepEqual(request.replies.map((x) => x.status), [202]);
    assert.deepEqual(r.asked, [{ target: '1003', transferor: '1002' }]);
    assert.equal(r.departed.length, 1, 'the transferor is let go and its dialog kept for its BYE');
    const notifies = r.transferor.sent.filter((m) => m.method === 'NOTIFY');
    assert.deepEqual(notifies.map((n) => n.body), ['SIP/2.0 100 Trying\r\n', 'SIP/2.0 200 OK\r\n']);
    assert.deepEqual(notifies.map((n) => header(n.headers, 'Event')), ['refer', 'refer']);
    assert.match(header(notifies[0]!.headers, 'Subscription-State') ?? '', /^active/);
    assert.match(header(notifies[1]!.headers, 'Subscription-State') ?? '', /^terminated/);
    r.clock.advance(TRANSFEROR_BYE_GRACE_MS - 1);
    await flush();
    assert.equal(r.transferor.byes, 0);
    r.clock.advance(1);
    await flush();
    assert.equal(r.transferor.byes, 1);
  });

  it('a transfer whose target cannot be reached ends the subscription with that status in the sipfrag', async () => {
    const r = rig({ result: { ok: false, status: 486, reason: 'Busy Here' } });
    await r.run(refer([{ name: 'Refer-To', value: '<sip:1003@pbx.test>' }]));
    assert.deepEqual(
      r.transferor.sent.filter((m) => m.method === 'NOTIFY').map((n) => n.body),
      ['SIP/2.0 100 Trying\r\n', 'SIP/2.0 486 Busy Here\r\n'],
    );
  });

  describe('attended transfer (Refer-To with Replaces, RFC 5589 §7)', () => {
    const referTo = '<sip:1003@pbx.test?Replaces=bc-call%3Bto-tag%3Dhailing-2%3Bfrom-tag%3Db-2>';

    it('202, the dialog Replaces names is asked for, NOTIFY 100 then 200; both of the transferor\'s dialogs get BYE only after the grace period', async () => {
      const r = rig({ attended: { ok: true } });
      const request = refer([{ name: 'Refer-To', value: referTo }]);
      await r.run(request);
      assert.deepEqual(request.replies.map((x) => x.status), [202]);
      assert.deepEqual(r.replaced, [{ callId: 'bc-call', toTag: 'hailing-2', fromTag: 'b-2', earlyOnly: false }]);
      assert.equal(r.asked.length, 0, 'no blind transfer');
      assert.deepEqual(
        r.transferor.sent.filter((m) => m.method === 'NOTIFY').map((n) => n.body),
        ['SIP/2.0 100 Trying\r\n', 'SIP/2.0 200 OK\r\n'],
      );
      r.clock.advance(TRANSFEROR_BYE_GRACE_MS - 1);
      await flush();
      assert.deepEqual([r.transferor.byes, r.other.byes], [0, 0]);
      r.clock.advance(1);
      await flush();
      assert.deepEqual([r.transferor.byes, r.other.byes], [1, 1]);
    });

    it("the caller's REFER with Replaces is accepted (the join keeps both calls' records), unlike its blind transfer", async () => {
      const r = rig({ side: 'caller', attended: { ok: true } });
      const request = refer([{ name: 'Refer-To', value: referTo }]);
      await r.run(request);
      assert.deepEqual(request.replies.map((x) => x.status), [202]);
      assert.equal(r.replaced.length, 1);
    });

    it('a failed join (the named dialog is gone) ends the subscription with 481 and leaves both dialogs up (no BYE)', async () => {
      const r = rig({ attended: { ok: false, status: 481, reason: 'Call/Transaction Does Not Exist' } });
      await r.run(refer([{ name: 'Refer-To', value: referTo }]));
      assert.deepEqual(
        r.transferor.sent.filter((m) => m.method === 'NOTIFY').map((n) => n.body),
        ['SIP/2.0 100 Trying\r\n', 'SIP/2.0 481 Call/Transaction Does Not Exist\r\n'],
      );
      r.clock.advance(TRANSFEROR_BYE_GRACE_MS * 2);
      await flush();
      assert.deepEqual([r.transferor.byes, r.other.byes], [0, 0]);
    });

    it('RFC 3891 §6.1: a Replaces without both tags is answered 400 and nothing is joined', async () => {
      const r = rig({ attended: { ok: true } });
      const request = refer([{ name: 'Refer-To', value: '<sip:1003@pbx.test?Replaces=bc-call%3Bto-tag%3Dhailing-2>' }]);
      await r.run(request);
      assert.deepEqual(request.replies.map((x) => x.status), [400]);
      assert.equal(r.replaced.length, 0);
    });
  });
});
