// Acceptance: media anchored by Hailing between two node-sip phones with real RTP sockets. Strict RTP
// (latching): after the relay has learnt each phone's address, packets from a third address must never
// reach either phone. Hold and resume by re-INVITE (RFC 3264 §8.4, RFC 6337 §5.3) pass through the
// B2BUA with Hailing's own address in the SDP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort, freePortBlock } from './helpers/ports.js';
import { audioOf as audio, payloadHasMarker, startRtpPeer, type AudioDescription, type RtpPeer } from './helpers/rtp-peer.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { startSipUa, type SipUa } from './helpers/sip-ua.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const PHONES = '127.0.0.5';
/** the stranger: another loopback address, never part of the call */
const THIRD = '127.0.0.9';
const RTP_PORTS = 64;
const password = (n: string) => `pw-${n}-secret`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('media through Hailing between node-sip phones', () => {
  let server: HailingProcess;
  let rtpMin = 0;
  const closers: (() => Promise<void>)[] = [];
  const ua = async (media?: RtpPeer, incoming?: 'answer') => {
    const u: SipUa = await startSipUa({
      address: PHONES,
      port: await freePort(PHONES),
      domain: DOMAIN,
      server: { host: '127.0.0.1', port: server.ports.sip },
      ...(media ? { media: { address: media.address, port: media.port } } : {}),
      ...(incoming ? { incoming: { kind: 'answer' as const, afterMs: 200 } } : {}),
    });
    closers.push(() => u.close());
    return u;
  };
  const rtpPeer = async (address: string) => {
    const p = await startRtpPeer({ address });
    closers.push(() => p.close());
    return p;
  };
  /** Hailing's relay as the SDP shows it: its address and a port from the configured range */
  const assertAnchored = (a: AudioDescription, what: string) => {
    assert.equal(a.address, '127.0.0.1', `${what}: c= names Hailing`);
    assert.ok(a.port >= rtpMin && a.port < rtpMin + RTP_PORTS, `${what}: port ${a.port} in ${rtpMin}..${rtpMin + RTP_PORTS - 1}`);
  };

  before(async () => {
    rtpMin = await freePortBlock(RTP_PORTS);
    server = await startHailing({
      env: {
        HAILING_RTP_PORT_MIN: String(rtpMin),
        HAILING_RTP_PORT_MAX: String(rtpMin + RTP_PORTS - 1),
        HAILING_RTP_LATCH_WINDOW_MS: '500',
        HAILING_MEDIA_TIMEOUT_MS: '60000',
      },
    });
    for (const n of ['2001', '2002', '2003', '2004', '2005', '2006']) {
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: password(n), displayName: `Ext ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => {
    for (const c of closers) await c();
    await server?.kill('SIGKILL');
  });

  // Two ways a relay latches: onto the address the phone's SDP names (kept from the first packet), or,
  // for a phone whose packets come from elsewhere (NAT), onto the first source, locked once the
  // latch window is over. In both, the stranger comes after latching and must be dropped.
  const latchCases = [
    { name: 'the phones send from the address their SDP names', sdpNamesSender: true, caller: '2001', callee: '2002' },
    { name: 'the phones send from another port than their SDP names (NAT), latched after the window', sdpNamesSender: false, caller: '2005', callee: '2006' },
  ];
  for (const c of latchCases) it(`a packet injected from a third address after latching never reaches either phone, and media keeps flowing: ${c.name}`, { timeout: 40_000 }, async () => {
    const callerRtp = await rtpPeer(PHONES);
    const calleeRtp = await rtpPeer(PHONES);
    const stranger = await rtpPeer(THIRD);
    const callee = await ua(c.sdpNamesSender ? calleeRtp : undefined, 'answer');
    assert.equal(await callee.register({ user: c.callee, password: password(c.callee) }), 200);
    const caller = await ua(c.sdpNamesSender ? callerRtp : undefined);
    const call = caller.call({ to: c.callee, user: c.caller, password: password(c.caller) });
    const incoming = await callee.nextIncoming();
    const final = await within(call.final, 10_000, 'the answer');
    assert.equal(final.status, 200);
    await within(incoming.ack, 10_000, 'the ACK at the callee');

    // each phone sends where the SDP it was given points: Hailing's relay, one port per leg
    const callerSide = audio(final.content);
    const calleeSide = audio(incoming.invite.content);
    assertAnchored(callerSide, 'the 200 OK to the caller');
    assertAnchored(calleeSide, 'the INVITE to the callee');
    assert.notEqual(callerSide.port, calleeSide.port);
    assert.equal(callerSide.payloadTypes[0], 0, 'PCMU, as both phones offered first');
    callerRtp.startSending({ target: callerSide, marker: 'FROM-CALLER;' });
    calleeRtp.startSending({ target: calleeSide, marker: 'FROM-CALLEE;' });

    // Latched: each phone hears the other, so the relay has had both phones' first packets; then
    // twice the latch window (500 ms here) passes with media flowing. Waits are bounded, not timed.
    const heard = (peer: RtpPeer, marker: string, from: number) => peer.received.slice(from).filter((p) => payloadHasMarker(p, marker)).length;
    const until = async (what: string, done: () => boolean) => {
      for (const deadline = Date.now() + 10_000; !done(); await sleep(50)) if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    };
    await until('both phones hear each other', () => heard(callerRtp, 'FROM-CALLEE;', 0) >= 10 && heard(calleeRtp, 'FROM-CALLER;', 0) >= 10);
    await sleep(1000);
    const before = { caller: callerRtp.received.length, callee: calleeRtp.received.length };

    // the stranger aims at both relay ports, with a payload no phone sends
    await stranger.burst({ target: callerSide, marker: 'INJECTED;', count: 50, ssrc: 0x0badbad0 });
    await stranger.burst({ target: calleeSide, marker: 'INJECTED;', count: 50, ssrc: 0x0badbad1 });
    // normal media keeps flowing after the injection: a second's worth each way (50 packets a second)
    await until('50 more packets reach each phone', () => heard(callerRtp, 'FROM-CALLEE;', before.caller) >= 50 && heard(calleeRtp, 'FROM-CALLER;', before.callee) >= 50);
    callerRtp.stopSending();
    calleeRtp.stopSending();
    await sleep(300);

    const injected = [...callerRtp.received, ...calleeRtp.received].filter((p) => payloadHasMarker(p, 'INJECTED;') || p.ssrc === 0x0badbad0 || p.ssrc === 0x0badbad1);
    assert.equal(injected.length, 0, 'no injected packet reached a phone');
    for (const p of [...callerRtp.received, ...calleeRtp.received]) {
      assert.equal(p.version, 2, 'RFC 3550 §5.1: version 2');
      assert.equal(p.fromAddress, '127.0.0.1', 'media comes from the relay, not from the other phone');
    }

    const dialog = call.dialog();
    assert.ok(dialog);
    assert.equal((await dialog.sendBye()).status, 200);
    await within(incoming.dialog.bye.promise, 10_000, 'the BYE at the callee');
    const r = await finalCallRecord({ api: server.api, number: c.caller, callId: call.callId });
    assert.equal(r.disposition, 'ANSWERED');
    assert.equal(r.hangupCause, 'normal-clearing');
    assert.equal(r.hangupBy, 'caller');
    const callerLeg = r.legs.find((l) => l.role === 'caller');
    assert.ok(callerLeg && callerLeg.packetsReceived > 0, `the caller leg counted packets: ${JSON.stringify(callerLeg)}`);
  });

  it('RFC 3264 §8.4: hold (a=sendonly) and resume (a=sendrecv) by re-INVITE are answered by Hailing with its own address (recvonly, then sendrecv); the callee keeps its session (it hears music on hold), no re-INVITE', { timeout: 30_000 }, async () => {
    const callee = await ua(undefined, 'answer');
    assert.equal(await callee.register({ user: '2004', password: password('2004') }), 200);
    const caller = await ua();
    const call = caller.call({ to: '2004', user: '2003', password: password('2003') });
    const incoming = await callee.nextIncoming();
    assert.equal((await within(call.final, 10_000, 'the answer')).status, 200);
    await within(incoming.ack, 10_000, 'the ACK at the callee');
    const dialog = call.dialog();
    assert.ok(dialog);

    const held = await dialog.reinvite('sendonly');
    assert.equal(held.status, 200);
    const holdAnswer = audio(held.content);
    assert.equal(holdAnswer.direction, 'recvonly', 'RFC 3264 §6.1: the caller gets recvonly back');
    assertAnchored(holdAnswer, 'the answer to hold');

    const resumed = await dialog.reinvite('sendrecv');
    assert.equal(resumed.status, 200);
    assert.equal(audio(resumed.content).direction, 'sendrecv');
    assertAnchored(audio(resumed.content), 'the answer to resume');
    // as a PBX does: the held party's phone is not told (a phone held by the far end stops playing what it receives)
    assert.equal(incoming.dialog.reinvites.all.length, 0, 'the callee gets no re-INVITE for the hold or the resume');

    // the callee hangs up this time
    assert.equal((await incoming.dialog.sendBye()).status, 200);
    await within(dialog.bye.promise, 10_000, 'the BYE at the caller');
    const r = await finalCallRecord({ api: server.api, number: '2003', callId: call.callId });
    assert.equal(r.disposition, 'ANSWERED');
    assert.equal(r.hangupCause, 'normal-clearing');
    assert.equal(r.hangupBy, 'callee');
  });
});
