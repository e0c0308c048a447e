// Acceptance: what desk phones and carriers expect of the call signalling, between node-sip phones
// (an independent SIP implementation) through a real Hailing: a caller that Requires 100rel gets
// reliable provisionals (RFC 3262: Require and RSeq on the 180, its PRACK answered 200) rather than
// 420; session timers (RFC 4028) end a call whose refresher stops refreshing, with BYE to both
// phones and the cause on the record, while an UPDATE refresh keeps it up (RFC 3311); and an
// offerless INVITE (late offer, RFC 3264 §4) is completed with our offer in the 200 and the
// caller's answer in the ACK, audio then flowing both ways.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort, freePortBlock } from './helpers/ports.js';
import { audioOf as audio, payloadHasMarker, startRtpPeer, type RtpPeer } from './helpers/rtp-peer.js';
import { assertRecord, finalCallRecord } from './helpers/cdrs.js';
import { startSipUa, type IncomingScript, type SipUa } from './helpers/sip-ua.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const PHONES = '127.0.0.6';
const RTP_PORTS = 32;
/** RFC 4028 §4 puts Min-SE's floor at 90 s; the test lowers it so that an expiry takes seconds */
const MIN_SE_S = 2;
const password = (n: string) => `pw-${n}-secret`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NUMBERS = ['6101', '6102', '6103', '6104', '6105', '6106', '6107', '6108'];

describe('PRACK, session timers, UPDATE and late offer between node-sip phones', () => {
  let server: HailingProcess;
  const closers: (() => Promise<void>)[] = [];
  const ua = async (o: { media?: RtpPeer; incoming?: IncomingScript } = {}): Promise<SipUa> => {
    const u = await startSipUa({ address: PHONES, port: await freePort(PHONES), domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, ...(o.media ? { media: { address: o.media.address, port: o.media.port } } : {}), ...(o.incoming ? { incoming: o.incoming } : {}) });
    closers.push(() => u.close());
    return u;
  };
  const rtpPeer = async (): Promise<RtpPeer> => {
    const p = await startRtpPeer({ address: PHONES });
    closers.push(() => p.close());
    return p;
  };
  const callee = async (number: string, o: { media?: RtpPeer; afterMs?: number } = {}) => {
    const u = await ua({ ...(o.media ? { media: o.media } : {}), incoming: { kind: 'answer', afterMs: o.afterMs ?? 300 } });
    assert.equal(await u.register({ user: number, password: password(number) }), 200);
    return u;
  };

  before(async () => {
    const rtpMin = await freePortBlock(RTP_PORTS);
    server = await startHailing({
      env: { HAILING_RTP_PORT_MIN: String(rtpMin), HAILING_RTP_PORT_MAX: String(rtpMin + RTP_PORTS - 1), HAILING_MEDIA_TIMEOUT_MS: '0', HAILING_SIP_MIN_SE_S: String(MIN_SE_S) },
    });
    for (const n of NUMBERS) {
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: password(n), displayName: `Ext ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => {
    for (const c of closers) await c();
    await server?.kill('SIGKILL');
  });

  it('RFC 3262 §3: a caller that Requires 100rel is not refused 420; the 180 carries Require: 100rel and an RSeq, its PRACK is answered 200, and the call is answered', { timeout: 30_000 }, async () => {
    const calleeUa = await callee('6102', { afterMs: 1500 });
    const callerUa = await ua();
    const call = callerUa.call({ to: '6102', user: '6101', password: password('6101'), headers: { require: '100rel', supported: '100rel' }, prack: true });
    const ringing = await within(call.response((s) => s === 180), 10_000, 'the 180 at the caller');
    assert.match(String(ringing.headers.require ?? ''), /100rel/, 'RFC 3262 §3: the reliable 1xx carries Require: 100rel');
    assert.match(String(ringing.headers.rseq ?? ''), /^[0-9]+$/, 'RFC 3262 §7.1: RSeq is 1*DIGIT');
    assert.ok(ringing.headers.to?.params.tag, 'the 180 makes an early dialog (To tag) for the PRACK');
    const prack = call.pracks[0];
    assert.ok(prack, 'a PRACK went out');
    assert.equal(await within(prack.status, 10_000, "the PRACK's final response"), 200);
    const final = await within(call.final, 10_000, 'the 200 at the caller');
    assert.equal(final.status, 200);
    const incoming = await calleeUa.nextIncoming();
    await within(incoming.ack, 10_000, 'the ACK at the callee');
    // RFC 3325 §9.1: the callee is told the identity Hailing authenticated; RFC 3261 §20.37: what we support
    assert.match(String(incoming.invite.headers['p-asserted-identity'] ?? ''), /<sip:6101@/);
    assert.match(String(incoming.invite.headers.supported ?? ''), /100rel/);
    assert.equal((await call.dialog()!.sendBye()).status, 200);
    const r = await finalCallRecord({ api: server.api, number: '6101', callId: call.callId });
    assertRecord(r, { disposition: 'ANSWERED', hangupCause: 'normal-clearing', hangupBy: 'caller' });
  });

  it(`RFC 4028 §9: a Session-Expires below Min-SE (${MIN_SE_S}) is answered 422 with Min-SE`, { timeout: 30_000 }, async () => {
    await callee('6104');
    const callerUa = await ua();
    const call = callerUa.call({ to: '6104', user: '6103', password: password('6103'), headers: { supported: 'timer', 'session-expires': '1' } });
    const final = await within(call.final, 10_000, 'the final response');
    assert.equal(final.status, 422);
    assert.equal(String(final.headers['min-se']), String(MIN_SE_S));
  });

  it('RFC 4028 §10: the caller is the refresher (refresher=uac); an UPDATE refresh (RFC 3311) is answered 200 and keeps the call; when refreshes stop, both phones get BYE and the record says session-timer-expired', { timeout: 40_000 }, async () => {
    const calleeUa = await callee('6106');
    const callerUa = await ua();
    const interval = 3;
    const call = callerUa.call({ to: '6106', user: '6105', password: password('6105'), headers: { supported: 'timer', 'session-expires': `${interval};refresher=uac` } });
    const final = await within(call.final, 10_000, 'the 200 at the caller');
    assert.equal(final.status, 200);
    assert.match(String(final.headers['session-expires']), new RegExp(`^${interval};refresher=uac$`), 'RFC 4028 §9: the 2xx names the interval and refresher');
    assert.match(String(final.headers.require ?? ''), /timer/, 'RFC 4028 §9: Require: timer in the 2xx');
    const incoming = await calleeUa.nextIncoming();
    const dialog = call.dialog()!;
    // three refreshes, each well before the expiry (interval - min(32, interval/3) = 2 s)
    for (let i = 0; i < 3; i++) {
      await sleep(1000);
      assert.equal(dialog.bye.settled, false, 'no BYE while refreshed');
      const update = await dialog.request('UPDATE');
      assert.equal(update.status, 200, 'RFC 3311 §5.2: the UPDATE is answered 200');
    }
    const [toCaller, toCallee] = await within(Promise.all([dialog.bye.promise, incoming.dialog.bye.promise]), 10_000, 'a BYE at both phones once the refreshes stopped');
    assert.equal(toCaller.headers['call-id'], call.callId);
    assert.equal(toCallee.headers['call-id'], incoming.invite.headers['call-id']);
    // RFC 3326 §2: the BYE says why
    assert.match(String(toCallee.headers.reason ?? ''), /^SIP;\s*cause=408/);
    const r = await finalCallRecord({ api: server.api, number: '6105', callId: call.callId });
    assertRecord(r, { disposition: 'ANSWERED', hangupCause: 'session-timer-expired', hangupBy: 'system' });
  });

  it('RFC 3264 §4: an offerless INVITE is answered 200 with our offer, the answer in the ACK is taken, and audio flows both ways', { timeout: 30_000 }, async () => {
    const callerRtp = await rtpPeer();
    const calleeRtp = await rtpPeer();
    const calleeUa = await callee('6108', { media: calleeRtp });
    const callerUa = await ua({ media: callerRtp });
    const call = callerUa.call({ to: '6108', user: '6107', password: password('6107'), lateOffer: true });
    const final = await within(call.final, 10_000, 'the 200 at the caller');
    assert.equal(final.status, 200, `late offer completed, not refused: ${final.status}`);
    const offer = audio(final.content);
    assert.equal(offer.address, '127.0.0.1', "the 200's offer names Hailing");
    const incoming = await calleeUa.nextIncoming();
    await within(incoming.ack, 10_000, 'the ACK at the callee');
    const calleeSide = audio(incoming.invite.content);
    callerRtp.startSending({ target: offer, marker: 'LATE-FROM-CALLER;' });
    calleeRtp.startSending({ target: calleeSide, marker: 'LATE-FROM-CALLEE;' });
    const heard = (peer: RtpPeer, marker: string) => peer.received.filter((p) => payloadHasMarker(p, marker)).length;
    for (const deadline = Date.now() + 10_000; heard(callerRtp, 'LATE-FROM-CALLEE;') < 25 || heard(calleeRtp, 'LATE-FROM-CALLER;') < 25; await sleep(50)) {
      if (Date.now() > deadline) assert.fail(`audio both ways: caller heard ${heard(callerRtp, 'LATE-FROM-CALLEE;')}, callee ${heard(calleeRtp, 'LATE-FROM-CALLER;')}`);
    }
    callerRtp.stopSending();
    calleeRtp.stopSending();
    assert.equal((await call.dialog()!.sendBye()).status, 200);
    const r = await finalCallRecord({ api: server.api, number: '6107', callId: call.callId });
    assertRecord(r, { disposition: 'ANSWERED', hangupCause: 'normal-clearing', hangupBy: 'caller' });
  });
});
