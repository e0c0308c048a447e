// Acceptance: what happens inside and around an answered call through Hailing's B2BUA, between two
// node-sip phones with real RTP sockets: the media timeout (no RTP on an answered call ends it, with
// BYE to both phones and a record saying why; a call on hold is exempt, RFC 3264 §8.4), early media
// (183 with SDP, RFC 3261 §13.3.1.1, relayed with Hailing's address in the SDP, RFC 3264) and ringing
// (180) passed to the caller, and INFO (RFC 6086) relayed into the other party's dialog.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort, freePortBlock } from './helpers/ports.js';
import { audioOf as audio, payloadHasMarker, startRtpPeer, type AudioDescription, type RtpPeer } from './helpers/rtp-peer.js';
import { assertRecord, finalCallRecord } from './helpers/cdrs.js';
import { startSipUa, type IncomingCall, type IncomingScript, type OutgoingCall, type SipUa } from './helpers/sip-ua.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const PHONES = '127.0.0.5';
const RTP_PORTS = 64;
/** short enough for a test, long enough that 20 ms packets on a loaded machine never look like silence */
const MEDIA_TIMEOUT_MS = 2000;
const password = (n: string) => `pw-${n}-secret`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const heard = (peer: RtpPeer, marker: string, from = 0) => peer.received.slice(from).filter((p) => payloadHasMarker(p, marker)).length;
async function until(what: string, done: () => boolean, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !done(); await sleep(50)) if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
}

/** A Hailing with a small RTP range and the given media timeout, and the phones a test starts against it. */
function harness(mediaTimeoutMs: number, numbers: string[]) {
  const h = {
    server: undefined as unknown as HailingProcess,
    rtpMin: 0,
    closers: [] as (() => Promise<void>)[],
    async ua(o: { media?: RtpPeer; incoming?: IncomingScript } = {}): Promise<SipUa> {
      const u = await startSipUa({
        address: PHONES,
        port: await freePort(PHONES),
        domain: DOMAIN,
        server: { host: '127.0.0.1', port: h.server.ports.sip },
        ...(o.media ? { media: { address: o.media.address, port: o.media.port } } : {}),
        ...(o.incoming ? { incoming: o.incoming } : {}),
      });
      h.closers.push(() => u.close());
      return u;
    },
    async rtpPeer(): Promise<RtpPeer> {
      const p = await startRtpPeer({ address: PHONES });
      h.closers.push(() => p.close());
      return p;
    },
    /** Hailing's relay as the SDP shows it: its address and a port from the configured range */
    assertAnchored(a: AudioDescription, what: string) {
      assert.equal(a.address, '127.0.0.1', `${what}: c= names Hailing`);
      assert.ok(a.port >= h.rtpMin && a.port < h.rtpMin + RTP_PORTS, `${what}: port ${a.port} in ${h.rtpMin}..${h.rtpMin + RTP_PORTS - 1}`);
    },
    /**
     * An answered call from `caller` to `callee`, each phone with its own RTP socket named in its SDP;
     * resolves once the callee has the ACK.
     */
    async answeredCall(caller: string, callee: string) {
      const callerRtp = await h.rtpPeer();
      const calleeRtp = await h.rtpPeer();
      const calleeUa = await h.ua({ media: calleeRtp, incoming: { kind: 'answer', afterMs: 100 } });
      assert.equal(await calleeUa.register({ user: callee, password: password(callee) }), 200);
      const callerUa = await h.ua({ media: callerRtp });
      const call = callerUa.call({ to: callee, user: caller, password: password(caller) });
      const incoming = await calleeUa.nextIncoming();
      const final = await within(call.final, 10_000, 'the answer');
      assert.equal(final.status, 200);
      await within(incoming.ack, 10_000, 'the ACK at the callee');
      const dialog = call.dialog();
      assert.ok(dialog, 'a dialog from the 2xx');
      return { call, incoming, dialog, callerRtp, calleeRtp, callerSide: audio(final.content), calleeSide: audio(incoming.invite.content) };
    },
  };
  before(async () => {
    h.rtpMin = await freePortBlock(RTP_PORTS);
    h.server = await startHailing({
      env: {
        HAILING_RTP_PORT_MIN: String(h.rtpMin),
        HAILING_RTP_PORT_MAX: String(h.rtpMin + RTP_PORTS - 1),
        HAILING_MEDIA_TIMEOUT_MS: String(mediaTimeoutMs),
      },
    });
    for (const n of numbers) {
      const r = await h.server.api('POST', '/api/v1/extensions', { number: n, password: password(n), displayName: `Ext ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => {
    for (const c of h.closers) await c();
    await h.server?.kill('SIGKILL');
  });
  return h;
}

/** both phones send to the relay port their SDP names until each has heard `count` packets of the other */
async function talk(c: { callerRtp: RtpPeer; calleeRtp: RtpPeer; callerSide: AudioDescription; calleeSide: AudioDescription }, count: number) {
  const from = { caller: c.callerRtp.received.length, callee: c.calleeRtp.received.length };
  c.callerRtp.startSending({ target: c.callerSide, marker: 'FROM-CALLER;' });
  c.calleeRtp.startSending({ target: c.calleeSide, marker: 'FROM-CALLEE;' });
  await until(`each phone hears ${count} packets of the other`, () => heard(c.callerRtp, 'FROM-CALLEE;', from.caller) >= count && heard(c.calleeRtp, 'FROM-CALLER;', from.callee) >= count);
}
const silence = (c: { callerRtp: RtpPeer; calleeRtp: RtpPeer }) => (c.callerRtp.stopSending(), c.calleeRtp.stopSending());

describe(`the media timeout (HAILING_MEDIA_TIMEOUT_MS=${MEDIA_TIMEOUT_MS}) on answered calls between node-sip phones`, () => {
  const h = harness(MEDIA_TIMEOUT_MS, ['6001', '6002', '6003', '6004']);

  it('RTP flowing for longer than the timeout keeps the call; once both phones fall silent, both get a BYE (RFC 3261 §15) and the record is ANSWERED, media-timeout, by the system', { timeout: 30_000 }, async () => {
    const c = await h.answeredCall('6001', '6002');
    // 150 packets each way = 3 s of 20 ms audio, more than the 2 s timeout
    await talk(c, 150);
    assert.equal(c.dialog.bye.settled || c.incoming.dialog.bye.settled, false, 'no BYE while media flows');
    silence(c);

    const [toCaller, toCallee] = await within(Promise.all([c.dialog.bye.promise, c.incoming.dialog.bye.promise]), 10_000, 'a BYE at both phones after the media stopped');
    // each BYE belongs to the dialog of the phone that got it (RFC 3261 §12.2.1.1): its own Call-ID and tags
    assert.equal(toCaller.headers['call-id'], c.call.callId);
    assert.equal(toCaller.headers.to?.params.tag, c.dialog.state.localTag);
    assert.equal(toCallee.headers['call-id'], c.incoming.invite.headers['call-id']);
    assert.equal(toCallee.headers.to?.params.tag, c.incoming.dialog.state.localTag);
    const r = await finalCallRecord({ api: h.server.api, number: '6001', callId: c.call.callId });
    assertRecord(r, { disposition: 'ANSWERED', hangupCause: 'media-timeout', hangupBy: 'system', caller: '6001', callee: '6002' });
    assert.notEqual(r.answeredAt, null);
    assert.notEqual(r.endedAt, null);
  });

  it('RFC 3264 §8.4: a call on hold (a=sendonly answered a=recvonly by Hailing, the callee not re-INVITEd: it hears music on hold) with no RTP is not ended by the media timeout; resumed, it talks and hangs up normally', { timeout: 30_000 }, async () => {
    const c = await h.answeredCall('6003', '6004');
    await talk(c, 10);
    const held = await c.dialog.reinvite('sendonly');
    assert.equal(held.status, 200);
    assert.equal(audio(held.content).direction, 'recvonly', 'RFC 3264 §6.1: sendonly offered, recvonly answered');
    silence(c);

    // twice the media timeout in silence
    await sleep(2 * MEDIA_TIMEOUT_MS);
    assert.equal(c.dialog.bye.settled, false, 'no BYE to the caller while on hold');
    assert.equal(c.incoming.dialog.bye.settled, false, 'no BYE to the callee while on hold');
    // a PBX answers the hold itself: the held party keeps its session and hears music on hold
    assert.equal(c.incoming.dialog.reinvites.all.length, 0, 'the callee gets no re-INVITE for the hold');

    const resumed = await c.dialog.reinvite('sendrecv');
    assert.equal(resumed.status, 200, 'the held call still exists: resume is answered');
    assert.equal(audio(resumed.content).direction, 'sendrecv');
    assert.equal(c.incoming.dialog.reinvites.all.length, 0, 'nor for the resume');
    await talk({ ...c, callerSide: audio(resumed.content) }, 10);
    silence(c);
    assert.equal(c.dialog.bye.settled || c.incoming.dialog.bye.settled, false, 'no BYE after resuming');

    assert.equal((await c.dialog.sendBye()).status, 200);
    await within(c.incoming.dialog.bye.promise, 10_000, 'the BYE at the callee');
    const r = await finalCallRecord({ api: h.server.api, number: '6003', callId: c.call.callId });
    assertRecord(r, { disposition: 'ANSWERED', hangupCause: 'normal-clearing', hangupBy: 'caller' });
  });
});

describe('early media, ringing and INFO through Hailing between node-sip phones', () => {
  const h = harness(60_000, ['6011', '6012', '6013', '6014']);

  it('RFC 3261 §13.3.1.1: 180 without SDP reaches the caller as 180; 183 with SDP reaches it with Hailing in the SDP, and the early RTP with it; then 200 and BYE', { timeout: 30_000 }, async () => {
    const callerRtp = await h.rtpPeer();
    const calleeRtp = await h.rtpPeer();
    const calleeUa = await h.ua({ media: calleeRtp, incoming: { kind: 'ring' } });
    assert.equal(await calleeUa.register({ user: '6012', password: password('6012') }), 200);
    const callerUa = await h.ua({ media: callerRtp });
    const call: OutgoingCall = callerUa.call({ to: '6012', user: '6011', password: password('6011') });
    const incoming: IncomingCall = await calleeUa.nextIncoming();

    const ringing = await within(call.response((s) => s === 180), 10_000, '180 Ringing at the caller');
    assert.ok(!ringing.content, `the callee's 180 had no body, nor has the one relayed: ${ringing.content}`);

    incoming.progress();
    const progress = await within(call.response((s) => s === 183), 10_000, '183 Session Progress at the caller');
    const early = audio(progress.content);
    h.assertAnchored(early, 'the 183 to the caller');
    assert.notEqual(early.port, calleeRtp.port, "the callee's own RTP port is not shown to the caller");
    assert.equal(early.payloadTypes[0], 0, 'PCMU, as both phones offered first');
    // RFC 3261 §13.2.2.4 / §12.1: an early dialog — the 183 carries a To tag
    assert.ok(progress.headers.to?.params.tag, 'the 183 has a To tag');

    // the callee plays its early media to the relay port its INVITE named; the caller hears it before any 200
    const calleeSide = audio(incoming.invite.content);
    h.assertAnchored(calleeSide, 'the INVITE to the callee');
    calleeRtp.startSending({ target: calleeSide, marker: 'EARLY-FROM-CALLEE;' });
    await until('the caller hears 25 early packets', () => heard(callerRtp, 'EARLY-FROM-CALLEE;') >= 25);
    assert.equal(incoming.finalStatus(), undefined, 'the callee has not answered yet');
    assert.equal(call.responses.some((r) => (r.status ?? 0) >= 200), false, 'no final response has reached the caller yet');
    for (const p of callerRtp.received) {
      assert.equal(p.version, 2, 'RFC 3550 §5.1: version 2');
      assert.equal(p.fromAddress, '127.0.0.1', 'early media comes from the relay, not from the callee');
    }
    calleeRtp.stopSending();

    incoming.answer();
    const final = await within(call.final, 10_000, 'the 200 at the caller');
    assert.equal(final.status, 200);
    h.assertAnchored(audio(final.content), 'the 200 to the caller');
    await within(incoming.ack, 10_000, 'the ACK at the callee');
    const dialog = call.dialog();
    assert.ok(dialog);
    assert.equal((await dialog.sendBye()).status, 200);
    await within(incoming.dialog.bye.promise, 10_000, 'the BYE at the callee');
    const r = await finalCallRecord({ api: h.server.api, number: '6011', callId: call.callId });
    assertRecord(r, { disposition: 'ANSWERED', hangupCause: 'normal-clearing', hangupBy: 'caller' });
  });

  it("RFC 6086: INFO from the caller reaches the callee in the callee's own dialog with the same body and Content-Type, and the callee's 200 comes back", { timeout: 30_000 }, async () => {
    const c = await h.answeredCall('6013', '6014');
    const body = 'Signal=5\r\nDuration=160\r\n';
    const answer = await c.dialog.request('INFO', body, 'application/dtmf-relay');
    assert.equal(answer.status, 200, 'the caller gets 200 to its INFO');

    const info = await c.incoming.dialog.infos.next(10_000, 'the INFO at the callee');
    assert.equal(info.method, 'INFO');
    assert.equal(info.content, body);
    assert.equal(String(info.headers['content-type']).trim().toLowerCase(), 'application/dtmf-relay');
    // RFC 3261 §12.2.1.1: a request within the callee's dialog — its Call-ID and tags, not the caller's
    const calleeCallId = c.incoming.invite.headers['call-id'];
    assert.equal(info.headers['call-id'], calleeCallId);
    assert.notEqual(info.headers['call-id'], c.call.callId);
    assert.equal(info.headers.to?.params.tag, c.incoming.dialog.state.localTag, "To tag: the callee's own");
    assert.equal(info.headers.from?.params.tag, c.incoming.dialog.state.remoteTag, "From tag: Hailing's tag of the callee leg");
    assert.notEqual(info.headers.from?.params.tag, c.dialog.state.localTag, "not the caller's tag");
    assert.equal(info.headers.cseq?.method, 'INFO');

    assert.equal((await c.dialog.sendBye()).status, 200);
    await within(c.incoming.dialog.bye.promise, 10_000, 'the BYE at the callee');
    const r = await finalCallRecord({ api: h.server.api, number: '6013', callId: c.call.callId });
    assertRecord(r, { disposition: 'ANSWERED', hangupCause: 'normal-clearing', hangupBy: 'caller' });
  });
});
