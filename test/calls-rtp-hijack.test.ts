// Acceptance for issue 18, findings 1 and 2, the way the outside probe ran them: a stranger on
// another loopback address sends one RTP packet a second to every even port of Hailing's relay range
// (and an RTCP report to every odd one) while a call between two node-sip phones rings and after it
// is answered, and the phones only start sending 3 s after the answer (longer than the default 2 s
// latch window). The relay must latch only to what signalling named (the SIP source, the SDP's c=),
// so the stranger gets nothing, injects nothing, and is counted in the call record.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort, freePortBlock } from './helpers/ports.js';
import { audioOf as audio, markerPayload, payloadHasMarker, rtpPacket, startRtpPeer, type RtpPeer } from './helpers/rtp-peer.js';
import { finalCallRecord, type CallRecordLeg } from './helpers/cdrs.js';
import { startSipUa, type SipUa } from './helpers/sip-ua.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const PHONES = '127.0.0.5';
const STRANGER = '127.0.0.9';
const RTP_PORTS = 32;
const password = (n: string) => `pw-${n}-secret`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** the probe: every second, one RTP packet to each even port and an RTCP RR (RFC 3550 §6.4.2) to each odd one */
async function startSpray(o: { portMin: number; portMax: number }): Promise<{ received: () => number; sent: () => number; stop: () => Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, STRANGER, () => resolve()));
  let received = 0;
  let sent = 0;
  let closed = false;
  socket.on('message', () => received++);
  const rr = Buffer.from([0x80, 201, 0, 1, 0x0b, 0xad, 0xbe, 0xef]);
  const payload = markerPayload('INJECTED;');
  const burst = () => {
    for (let port = o.portMin + (o.portMin % 2); port + 1 <= o.portMax; port += 2) {
      socket.send(rtpPacket({ payloadType: 0, seq: sent, timestamp: sent * 160, ssrc: 0x0badbeef, marker: false, payload }), port, '127.0.0.1');
      socket.send(rr, port + 1, '127.0.0.1');
      sent++;
    }
  };
  burst();
  const timer = setInterval(burst, 1000);
  return {
    received: () => received,
    sent: () => sent,
    stop: () => {
      if (closed) return Promise.resolve();
      closed = true;
      clearInterval(timer);
      return new Promise((resolve) => socket.close(() => resolve()));
    },
  };
}

type LegFigures = CallRecordLeg & { mos: number | null; packetsDropped: number };

describe('RTP from a stranger during and after ringing (issue 18: strict source)', () => {
  let server: HailingProcess;
  let rtpMin = 0;
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    rtpMin = await freePortBlock(RTP_PORTS);
    // the default latch window (2000 ms): the phones below start after it
    server = await startHailing({ env: { HAILING_RTP_PORT_MIN: String(rtpMin), HAILING_RTP_PORT_MAX: String(rtpMin + RTP_PORTS - 1), HAILING_MEDIA_TIMEOUT_MS: '60000' } });
    for (const n of ['2101', '2102']) assert.equal((await server.api('POST', '/api/v1/extensions', { number: n, password: password(n), displayName: `Ext ${n}` })).status, 201);
  });
  after(async () => {
    for (const c of closers.reverse()) await c();
    await server?.kill('SIGKILL');
  });

  it('a stranger spraying the relay range while the call rings gets none of its packets; phones that start 3 s after the answer hear each other; the record counts the stranger', { timeout: 60_000 }, async (t) => {
    const callerRtp = await startRtpPeer({ address: PHONES });
    const calleeRtp = await startRtpPeer({ address: PHONES });
    closers.push(() => callerRtp.close(), () => calleeRtp.close());
    const ua = async (media: RtpPeer, incoming?: { kind: 'answer'; afterMs: number }): Promise<SipUa> => {
      const u = await startSipUa({ address: PHONES, port: await freePort(PHONES), domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, media: { address: media.address, port: media.port }, ...(incoming ? { incoming } : {}) });
      closers.push(() => u.close());
      return u;
    };
    // the callee rings for 2.5 s, longer than the latch window
    const callee = await ua(calleeRtp, { kind: 'answer', afterMs: 2500 });
    assert.equal(await callee.register({ user: '2102', password: password('2102') }), 200);
    const caller = await ua(callerRtp);

    const spray = await startSpray({ portMin: rtpMin, portMax: rtpMin + RTP_PORTS - 1 });
    closers.push(() => spray.stop());
    const call = caller.call({ to: '2102', user: '2101', password: password('2101') });
    const incoming = await callee.nextIncoming();
    const final = await within(call.final, 15_000, 'the answer');
    assert.equal(final.status, 200);
    const callerSide = audio(final.content);
    const calleeSide = audio(incoming.invite.content);

    // late starters: both phones stay silent for 3 s after the answer
    await sleep(3000);
    callerRtp.startSending({ target: callerSide, marker: 'FROM-CALLER;' });
    calleeRtp.startSending({ target: calleeSide, marker: 'FROM-CALLEE;' });
    const heard = (peer: RtpPeer, marker: string) => peer.received.filter((p) => payloadHasMarker(p, marker)).length;
    // bounded: at most 5 s of talking; the figures are read and printed before anything is asserted
    for (const deadline = Date.now() + 5000; Date.now() < deadline && (heard(callerRtp, 'FROM-CALLEE;') < 50 || heard(calleeRtp, 'FROM-CALLER;') < 50); ) await sleep(50);
    callerRtp.stopSending();
    calleeRtp.stopSending();
    await sleep(300);
    const strangerReceived = spray.received();
    const strangerSent = spray.sent();
    await spray.stop();

    const dialog = call.dialog();
    assert.ok(dialog);
    assert.equal((await dialog.sendBye()).status, 200);
    const r = await finalCallRecord({ api: server.api, number: '2101', callId: call.callId });
    const legs = r.legs as LegFigures[];
    const figures = legs.map((l) => `${l.role}: received ${l.packetsReceived}, sent ${l.packetsSent}, dropped ${l.packetsDropped}, MOS ${l.mos}`).join('; ');
    const injected = [...callerRtp.received, ...calleeRtp.received].filter((p) => payloadHasMarker(p, 'INJECTED;') || p.ssrc === 0x0badbeef);
    const heardBoth = `caller heard ${heard(callerRtp, 'FROM-CALLEE;')} and callee heard ${heard(calleeRtp, 'FROM-CALLER;')} packets of the other, phones got ${injected.length} of the stranger's`;
    t.diagnostic(`stranger sent ${strangerSent} RTP packets (and as many RTCP) to ${RTP_PORTS / 2} port pairs, received ${strangerReceived}; ${heardBoth}; ${figures}`);

    assert.equal(strangerReceived, 0, 'the stranger received nothing from the relay');
    assert.equal(injected.length, 0, 'no stranger packet reached a phone');
    assert.ok(heard(callerRtp, 'FROM-CALLEE;') >= 50 && heard(calleeRtp, 'FROM-CALLER;') >= 50, `late starters hear each other: ${heardBoth}`);
    for (const leg of legs) {
      // the phone's own packets only: what it sent (about 50 a second), never the stranger's
      assert.ok(leg.packetsReceived >= 50 && leg.packetsReceived <= (leg.role === 'caller' ? callerRtp : calleeRtp).sentCount(), `${leg.role} leg: ${figures}`);
      assert.ok(leg.packetsDropped >= 1, `${leg.role} leg counts the stranger's packets as dropped: ${figures}`);
      assert.ok(leg.mos !== null && leg.mos > 4, `${leg.role} leg rated from its phone's packets: ${figures}`);
    }
  });
});
