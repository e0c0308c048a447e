// Acceptance: an SDES-SRTP call (RFC 4568 keys in a=crypto over SIP/TLS, RFC 3711 media) between two
// real phones (baresip with `mediaenc=srtp-mand`, which refuses plain RTP) through Hailing. Each phone
// must hear the other's tone (measured by sox), the SDP each phone received must be RTP/SAVP with
// Hailing's own a=crypto key, and forged SRTP packets (a valid RTP header, garbage payload and tag)
// sent to Hailing's ports during the call must be dropped by authentication (RFC 3711 §3.3 step 5):
// the phones' audio carries on and the call record counts them as SRTP failures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import path from 'node:path';
import { registeredPhone, stopPhones, type Phone, type TracedMessage } from './helpers/baresip.js';
import { assertTone } from './helpers/audio.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';

const DOMAIN = '127.0.0.1';
const FORGED = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The leg figures the SRTP test needs besides those of helpers/cdrs.ts. */
interface SrtpLegCounters {
  role: 'caller' | 'callee';
  packetsReceived: number;
  packetsSent: number;
  packetsDropped?: number;
  srtpFailures?: number;
  packetsLost?: number | null;
  rttMs?: number | null;
}

// Over TLS a phone talks on the connection it opened from an ephemeral port (Hailing reuses it for
// requests to the phone, RFC 5923 style), so direction is told by the server's end of it.
const fromServer = (tls: number) => (m: TracedMessage) => m.src.endsWith(`:${tls}`);
const received = (p: Phone, tls: number, startLine: RegExp) => p.sipTrace().filter((m) => fromServer(tls)(m) && startLine.test(m.startLine));
const sent = (p: Phone, tls: number, startLine: RegExp) => p.sipTrace().filter((m) => !fromServer(tls)(m) && startLine.test(m.startLine));
const inviteAnswer = (ms: TracedMessage[]) => ms.find((m) => /INVITE/.test(m.header('cseq') ?? ''));

/** RFC 4568 §9.1: a=crypto:<tag> <suite> inline:<base64 key||salt>; the m= line's proto and port */
function sdesOf(m: TracedMessage | undefined): { proto: string; port: number; keys: string[] } {
  assert.ok(m, 'a traced message with SDP');
  const media = /^m=audio (\d+) (\S+) /m.exec(m.body);
  assert.ok(media?.[1] && media[2], `no m=audio in ${m.startLine}:\n${m.body}`);
  const keys = [...m.body.matchAll(/^a=crypto:\d+ AES_CM_128_HMAC_SHA1_(?:80|32) inline:([A-Za-z0-9+/=]+)/gm)].map((x) => x[1]!);
  return { proto: media[2], port: Number(media[1]), keys };
}

/**
 * `count` packets shaped like SRTP to `port`: an RFC 3550 header (V=2, PT 0, increasing sequence
 * numbers and timestamps, one SSRC), then 160 random bytes as the "encrypted" payload and 10 random
 * bytes as the HMAC-SHA1-80 tag. No key could make them authentic.
 */
async function forgeSrtp(port: number, count: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  const ssrc = randomBytes(4).readUInt32BE(0);
  try {
    for (let i = 0; i < count; i++) {
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = 0;
      header.writeUInt16BE((1000 + i) & 0xffff, 2);
      header.writeUInt32BE(160 * i, 4);
      header.writeUInt32BE(ssrc, 8);
      const packet = Buffer.concat([header, randomBytes(160), randomBytes(10)]);
      await new Promise<void>((resolve, reject) => socket.send(packet, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      await sleep(5);
    }
  } finally {
    socket.close();
  }
}

describe('SDES-SRTP call between two baresip phones over TLS', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];

  before(async () => {
    server = await startHailing();
    for (const n of ['5201', '5202']) {
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
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
      server: { host: '127.0.0.1', port: server.ports.tls },
      transport: 'tls',
      caFile: path.join(server.dataDir, 'tls', 'selfsigned-cert.pem'),
      mediaenc: 'srtp-mand',
      tone,
      answerMode: 'auto',
      sipTrace: true,
    }, phones);
  };

  it('A (400 Hz) and B (800 Hz) hear each other over SRTP; forged SRTP at both relay ports is dropped and counted', async () => {
    const a = await registered('5201', 400);
    const b = await registered('5202', 800);

    await a.dial(`sip:5202@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await b.waitForEvent({ type: 'CALL_ESTABLISHED' });

    // RFC 4568 §5.1: an SRTP offer/answer is RTP/SAVP with a=crypto; Hailing terminates SRTP on each
    // leg, so each phone gets a key of Hailing's, never the other phone's
    const tls = server.ports.tls;
    const offerFromA = sdesOf(sent(a, tls, /^INVITE /).at(-1));
    const offerToB = sdesOf(received(b, tls, /^INVITE /)[0]);
    const answerFromB = sdesOf(inviteAnswer(sent(b, tls, /^SIP\/2\.0 200 /)));
    const answerToA = sdesOf(inviteAnswer(received(a, tls, /^SIP\/2\.0 200 /)));
    for (const [what, sdp] of [['offer to B', offerToB], ['answer to A', answerToA]] as const) {
      assert.equal(sdp.proto, 'RTP/SAVP', what);
      assert.equal(sdp.keys.length, 1, `${what}: one a=crypto line`);
    }
    assert.ok(!offerFromA.keys.includes(offerToB.keys[0]!), "A's key was passed on to B");
    assert.ok(!answerFromB.keys.includes(answerToA.keys[0]!), "B's key was passed back to A");
    for (const p of [a, b]) assert.ok(p.sipTrace().every((m) => m.transport === 'TLS'), 'all signalling over TLS');

    // forged packets at the port facing A and the one facing B while the call runs
    await sleep(1000);
    await Promise.all([forgeSrtp(answerToA.port, FORGED), forgeSrtp(offerToB.port, FORGED)]);
    // baresip sends its first SRTCP report about 5 s into the call (RFC 3550 §6.2 interval); a
    // phone's second report answers the other phone's first SR (LSR/DLSR), which gives a round trip
    await sleep(11_000);
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });
    await b.waitForEvent({ type: 'CALL_CLOSED' });
    await a.stop();
    await b.stop();

    const [aHeard] = a.decodedDumps();
    const [bHeard] = b.decodedDumps();
    assert.ok(aHeard && bHeard, 'both phones wrote a decoded dump');
    await assertTone({ file: aHeard, hz: 800, minLengthS: 3 });
    await assertTone({ file: bHeard, hz: 400, minLengthS: 3 });

    const cdr = await finalCallRecord({ api: server.api, number: '5201' });
    assert.equal(cdr.disposition, 'ANSWERED', JSON.stringify(cdr));
    const legs = cdr.legs as unknown as SrtpLegCounters[];
    for (const role of ['caller', 'callee'] as const) {
      const leg = legs.find((l) => l.role === role && l.packetsReceived > 0);
      assert.ok(leg, `${role} leg with media: ${JSON.stringify(cdr.legs)}`);
      assert.ok(leg.packetsReceived >= 100, `${role} leg received ${leg.packetsReceived} authentic packets`);
      assert.ok(leg.packetsSent >= 100, `${role} leg sent ${leg.packetsSent} packets`);
      assert.ok((leg.srtpFailures ?? 0) >= FORGED, `${role} leg: srtpFailures ${leg.srtpFailures} < ${FORGED} forged: ${JSON.stringify(leg)}`);
      assert.ok((leg.packetsDropped ?? 0) >= FORGED, `${role} leg: packetsDropped ${leg.packetsDropped}: ${JSON.stringify(leg)}`);
      // the phone's SRTCP was authenticated and decrypted: its report block about what Hailing sent it arrived
      assert.ok(leg.packetsLost !== null && leg.packetsLost !== undefined, `${role} leg: no RTCP report decrypted: ${JSON.stringify(leg)}`);
    }
    // RFC 3550 §6.4.1: each leg's round trip is A − LSR − DLSR of the SR Hailing relayed to that phone;
    // on loopback it is small but never negative, and at least one phone answered an SR by now
    const rtts = legs.filter((l) => l.packetsReceived > 0).map((l) => l.rttMs);
    assert.ok(rtts.some((r) => typeof r === 'number'), `no leg has a round trip: ${JSON.stringify(rtts)}`);
    for (const r of rtts) if (typeof r === 'number') assert.ok(r >= 0 && r < 500, `round trip ${r} ms on loopback`);
  });
});
