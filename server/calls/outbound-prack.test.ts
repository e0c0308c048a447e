// RFC 3262 §4 on our outbound leg (the UAC): a reliable 1xx from the callee is PRACKed in its early
// dialog with RAck naming its RSeq and the INVITE's CSeq, once per RSeq; the early dialog then
// becomes the confirmed one, so our later requests' CSeq keeps rising past the PRACK's (RFC 3261 §12.2.1.1).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, DEFAULT_TIMER_VALUES, FakeClock, getHeader, parseCSeq, silentLogger } from '../sip/index.js';
import type { ClientRequestOptions, SipRequest, SipResponse } from '../sip/index.js';
import { OutboundLeg } from './outbound-leg.js';
import type { LegContext } from './leg.js';
import { OFFER } from './test-support.js';

const FLOW = { protocol: 'udp' as const, local: { address: '127.0.0.1', port: 5060 }, remote: { address: '127.0.0.1', port: 5080 } };
const seq = (m: SipRequest) => {
  const c = parseCSeq(getHeader(m, 'CSeq') ?? '');
  return c.ok ? c.value.seq : -1;
};

describe('PRACK on the outbound leg (RFC 3262 §4)', () => {
  it("the callee's reliable 183 is PRACKed once (RAck: RSeq, CSeq, INVITE); its retransmission is not; BYE after the 2xx has a higher CSeq than the PRACK", async () => {
    const sent: ClientRequestOptions[] = [];
    let finish: (r: SipResponse) => void = () => {};
    const ctx: LegContext = {
      stack: {
        request: (o: ClientRequestOptions) => {
          sent.push(o);
          if (o.request.method === 'INVITE') return new Promise<SipResponse>((resolve) => (finish = resolve));
          return Promise.resolve(createResponse(o.request, { status: 200 }));
        },
        sendAck: async () => FLOW,
      } as unknown as LegContext['stack'],
      clock: new FakeClock(),
      timers: DEFAULT_TIMER_VALUES,
      logger: silentLogger,
      contact: '<sip:hailing@127.0.0.1:5060>',
    };
    const leg = new OutboundLeg(ctx, { target: { contact: 'sip:1002@127.0.0.1:5080', flow: FLOW }, from: '<sip:1001@pbx.test>', to: '<sip:1002@pbx.test>', maxForwards: 70, body: OFFER });
    const started = leg.start(() => {});
    const invite = sent[0]!.request;
    assert.match(getHeader(invite, 'Supported') ?? '', /100rel/, 'our INVITE says we support 100rel');
    const reliable = (status: number, rseq: number) =>
      createResponse(invite, { status, toTag: 'callee-tag', headers: [{ name: 'Require', value: '100rel' }, { name: 'RSeq', value: String(rseq) }, { name: 'Contact', value: '<sip:1002@127.0.0.1:5080>' }] });
    sent[0]!.onProvisional!(reliable(183, 7));
    sent[0]!.onProvisional!(reliable(183, 7));
    const pracks = sent.filter((o) => o.request.method === 'PRACK');
    assert.equal(pracks.length, 1, 'one PRACK for RSeq 7');
    assert.equal(getHeader(pracks[0]!.request, 'RAck'), `7 ${seq(invite)} INVITE`);
    assert.match(getHeader(pracks[0]!.request, 'To') ?? '', /tag=callee-tag/, 'in the early dialog');
    finish(createResponse(invite, { status: 200, toTag: 'callee-tag', headers: [{ name: 'Contact', value: '<sip:1002@127.0.0.1:5080>' }] }));
    assert.equal((await started).status, 200);
    void leg.bye();
    const bye = sent.find((o) => o.request.method === 'BYE');
    assert.ok(bye);
    assert.ok(seq(bye.request) > seq(pracks[0]!.request), 'CSeq rises past the PRACK');
  });
});
