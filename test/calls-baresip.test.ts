// Acceptance: two real SIP phones (baresip) registered with Hailing call each other through it.
// A sends a 400 Hz tone, B an 800 Hz tone; each phone's decoded dump must hold the other's tone
// (measured by sox), the media must be anchored on Hailing, and the call record must match what the
// phones themselves saw (baresip's CALL_ESTABLISHED / CALL_CLOSED moments, within a second).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { received, registeredPhone, stopPhones, type Phone, type TracedMessage } from './helpers/baresip.js';
import { assertTone } from './helpers/audio.js';
import { assertRecord, finalCallRecord, listCallRecords } from './helpers/cdrs.js';
import { startHailing, withExtensions, type HailingProcess } from './helpers/hailing-process.js';

const DOMAIN = '127.0.0.1';
// Hailing's default HAILING_RTP_PORT_MIN..MAX (server/config/schema.ts), which these tests keep
const RTP_MIN = 10000;
const RTP_MAX = 20000;
const HOLD_MS = 4000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const within1s = (actual: number | null, expected: number, what: string) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= 1, `${what}: record ${actual} s, measured ${expected.toFixed(2)} s`);
const isoWithin1s = (iso: string | null, atMs: number, what: string) => {
  assert.ok(iso, `${what} is set`);
  within1s(Date.parse(iso) / 1000, atMs / 1000, what);
};

/** The audio port and connection address of an SDP body. */
function sdpAudio(m: TracedMessage | undefined): { address: string; port: number } {
  assert.ok(m, 'a traced message with SDP');
  const c = /^c=IN IP4 (\S+)/m.exec(m.body);
  const port = /^m=audio (\d+) /m.exec(m.body);
  assert.ok(c?.[1] && port?.[1], `SDP in ${m.startLine}:\n${m.body}`);
  return { address: c[1], port: Number(port[1]) };
}

const sent = (p: Phone, startLine: RegExp) => p.sipTrace().filter((m) => m.src.endsWith(`:${p.listenPort}`) && startLine.test(m.startLine));

describe('two baresip phones call each other through Hailing', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];

  before(async () => {
    server = await startHailing();
    await withExtensions(server, ['1001', '1002', '1003', '1004']);
  });

  after(async () => {
    await stopPhones(phones);
    await server?.kill();
  });

  const registered = async (user: string, tone: number) => {
    return registeredPhone({
      user,
      password: `secret-${user}`,
      domain: DOMAIN,
      server: { host: '127.0.0.1', port: server.ports.sip },
      transport: 'udp',
      tone,
      answerMode: 'auto',
      sipTrace: true,
    }, phones);
  };

  const cases = [
    { caller: '1001', callee: '1002', hangsUp: 'caller' as const },
    { caller: '1003', callee: '1004', hangsUp: 'callee' as const },
  ];
  for (const c of cases) {
    it(`A (400 Hz) calls B (800 Hz, auto answer), each hears the other, the ${c.hangsUp} hangs up, the record is ANSWERED`, async () => {
      const a = await registered(c.caller, 400);
      const b = await registered(c.callee, 800);

      const dialAt = Date.now();
      await a.dial(`sip:${c.callee}@${DOMAIN}`);
      const established = await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
      await b.waitForEvent({ type: 'CALL_ESTABLISHED' });
      await sleep(HOLD_MS);
      const [hanger, other] = c.hangsUp === 'caller' ? [a, b] : [b, a];
      await hanger.hangup();
      const closed = await hanger.waitForEvent({ type: 'CALL_CLOSED' });
      const otherClosed = await other.waitForEvent({ type: 'CALL_CLOSED' });
      // baresip 1.0 reports a BYE it received as ECONNRESET; the trace shows the BYE itself
      assert.match(otherClosed.param ?? '', /reset by peer/);
      assert.equal(received(other, /^BYE /).length, 1, 'the other phone received one BYE');
      await a.stop();
      await b.stop();

      // RFC 3264 offer/answer through an anchoring B2BUA: each phone sees Hailing's address and a port
      // of Hailing's RTP range, never the other phone's; each leg has its own Call-ID.
      const offerFromA = sdpAudio(sent(a, /^INVITE /)[0]);
      const offerToB = sdpAudio(received(b, /^INVITE /)[0]);
      const answerFromB = sdpAudio(sent(b, /^SIP\/2\.0 200 /).find((m) => /INVITE/.test(m.header('cseq') ?? '')));
      const answerToA = sdpAudio(received(a, /^SIP\/2\.0 200 /).find((m) => /INVITE/.test(m.header('cseq') ?? '')));
      for (const [what, sdp, peer] of [['offer to B', offerToB, offerFromA], ['answer to A', answerToA, answerFromB]] as const) {
        assert.equal(sdp.address, '127.0.0.1', what);
        assert.ok(sdp.port >= RTP_MIN && sdp.port <= RTP_MAX, `${what}: port ${sdp.port} outside Hailing's RTP range`);
        assert.notEqual(sdp.port, peer.port, `${what}: the other phone's own port leaked through`);
      }
      // Symmetric RTP (RFC 4961): each phone receives from the port it was told to send to.
      assert.match(a.output(), new RegExp(`receiving from 127\\.0\\.0\\.1:${answerToA.port}\\b`));
      assert.match(b.output(), new RegExp(`receiving from 127\\.0\\.0\\.1:${offerToB.port}\\b`));

      const [aHeard] = a.decodedDumps();
      const [bHeard] = b.decodedDumps();
      assert.ok(aHeard && bHeard, 'both phones wrote a decoded dump');
      await assertTone({ file: aHeard, hz: 800, minLengthS: 3 });
      await assertTone({ file: bHeard, hz: 400, minLengthS: 3 });

      const cdr = await finalCallRecord({ api: server.api, number: c.caller });
      assert.equal((await listCallRecords(server.api, c.caller)).length, 1);
      assertRecord(cdr, { caller: c.caller, callee: c.callee, disposition: 'ANSWERED', hangupCause: 'normal-clearing', hangupBy: c.hangsUp, sipStatus: 200 });
      assert.match(cdr.codec ?? '', /PCMU/i); // baresip offers PCMU first and answers with it
      isoWithin1s(cdr.startedAt, dialAt, 'startedAt');
      isoWithin1s(cdr.answeredAt, established.at, 'answeredAt');
      isoWithin1s(cdr.endedAt, closed.at, 'endedAt');
      within1s(cdr.durationS, (closed.at - dialAt) / 1000, 'durationS');
      within1s(cdr.billableS, (closed.at - established.at) / 1000, 'billableS');

      const callerLeg = cdr.legs.find((l) => l.role === 'caller');
      const calleeLeg = cdr.legs.find((l) => l.role === 'callee' && l.answeredAt);
      assert.ok(callerLeg && calleeLeg, JSON.stringify(cdr.legs));
      assert.equal(callerLeg.sipCallId, sent(a, /^INVITE /)[0]?.header('call-id'));
      assert.equal(calleeLeg.sipCallId, received(b, /^INVITE /)[0]?.header('call-id'));
      assert.notEqual(callerLeg.sipCallId, calleeLeg.sipCallId);
      assert.equal(callerLeg.transport, 'udp');
      // A sends SIP from its listening socket (UDP); the record may give the address with or without the port
      assert.match(callerLeg.sourceAddress, new RegExp(`^127\\.0\\.0\\.1(:${a.listenPort})?$`));
      // both phones send 20 ms packets (a=ptime:20): ~50/s each way over HOLD_MS; 100 leaves room
      for (const leg of [callerLeg, calleeLeg]) {
        assert.ok(leg.packetsReceived >= 100, `${leg.role} leg received ${leg.packetsReceived} packets`);
        assert.ok(leg.packetsSent >= 100, `${leg.role} leg sent ${leg.packetsSent} packets`);
      }
    });
  }
});
