// RTCP on loopback with real worker threads. A transcoded endpoint sends its own SR (RFC 3550
// §6.4.1) that werift's RTCP parser decodes with the SSRC and counts of the RTP the phone got; the
// phone answers with an RR echoing it and the leg's round trip follows. In pass-through the
// phones' own SR/RR cross the engine and the round trip is taken from them. Phones' RTCP is built
// and read by werift, independent of media/quality and media/rtp.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import {
  ProtectionProfileAes128CmHmacSha1_80,
  RtcpPacketConverter,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  RtpPacket,
  SrtcpSession,
  SrtpSession,
  type RtcpPacket,
} from 'werift';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import { TestPhone, soxAvailable, synth } from './testing/phone.js';
import type { EndpointHandle, EndpointStats, MediaFormat } from './types.js';

const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };
const PCMA: MediaFormat = { codec: 'PCMA', payloadType: 8, clockRate: 8000, telephoneEvent: null };
/** TestPhone's RTP SSRC */
const PHONE_SSRC = 0x1234abcd;

/** a phone's RTCP socket: every compound it gets, parsed by werift, with how much RTP its phone had by then */
class RtcpPhone {
  readonly got: { packets: RtcpPacket[]; rtpSoFar: number }[] = [];
  /** SRTCP (or anything) on what is sent and received */
  protect: (packet: Buffer) => Buffer = (p) => p;
  unprotect: (packet: Buffer) => Buffer = (p) => p;
  private constructor(readonly socket: dgram.Socket, rtp: TestPhone) {
    socket.on('message', (msg) => this.got.push({ packets: RtcpPacketConverter.deSerialize(this.unprotect(msg)), rtpSoFar: rtp.received.length }));
  }
  static async open(rtp: TestPhone): Promise<RtcpPhone> {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1');
    await once(s, 'listening');
    s.unref();
    return new RtcpPhone(s, rtp);
  }
  get port(): number {
    return this.socket.address().port;
  }
  send(packets: readonly { serialize(): Buffer }[], to: number): void {
    this.socket.send(this.protect(Buffer.concat(packets.map((p) => p.serialize()))), to, '127.0.0.1');
  }
  async first(match: (p: RtcpPacket) => boolean, timeoutMs: number): Promise<{ packets: RtcpPacket[]; rtpSoFar: number }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.got.find((g) => g.packets.some(match));
      if (hit !== undefined) return hit;
      if (Date.now() > end) throw new Error('no such RTCP packet arrived');
      await sleep(50);
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** RFC 3550 §6.4.1: LSR = the middle 32 bits of the SR's 64-bit NTP timestamp */
const middle32 = (ntp: bigint): number => Number((ntp >> 16n) & 0xffffffffn);

async function rttOf(e: EndpointHandle, timeoutMs: number): Promise<EndpointStats> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const stats = await e.stats();
    if (stats.rttMs != null || Date.now() > end) return stats;
    await sleep(50);
  }
}

describe('media engine: RTCP', { skip: soxAvailable() ? false : 'sox missing: apt-get install -y sox' }, () => {
  let engine: WorkerMediaEngine;
  before(async () => {
    const base = await freePortBlock(20);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 19, workers: 1 });
    await engine.start();
  });
  after(() => engine.close());

  /** `setup` runs before the endpoints are connected (SRTP keys before the first packet we send) */
  async function phones(fa: MediaFormat, fb: MediaFormat, group: string, setup?: (ea: EndpointHandle) => void) {
    const a = await TestPhone.open();
    const b = await TestPhone.open();
    const ra = await RtcpPhone.open(a);
    const rb = await RtcpPhone.open(b);
    const ea = await engine.createEndpoint({ group });
    const eb = await engine.createEndpoint({ group });
    ea.setRemote({ address: '127.0.0.1', rtpPort: a.port, rtcpPort: ra.port });
    eb.setRemote({ address: '127.0.0.1', rtpPort: b.port, rtcpPort: rb.port });
    ea.setFormat(fa);
    eb.setFormat(fb);
    setup?.(ea);
    ea.connect(eb);
    const done = async (): Promise<void> => {
      await Promise.all([ea.close(), eb.close()]);
      for (const s of [a, b, ra, rb]) s.socket.close();
    };
    return { a, b, ra, rb, ea, eb, done };
  }

  it('transcoding: our SR carries the SSRC and counts of the RTP the phone got; its RR answer gives the round trip', async () => {
    const { a, b, ra, ea, eb, done } = await phones(PCMU, PCMA, 'rtcp-tx');
    const streams = Promise.all([
      a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds: 5, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 }),
      b.stream({ to: eb.rtpPort, data: synth({ type: 'al', seconds: 5, effect: ['sine', '800'] }), payloadType: 8, bytesPerPacket: 160 }),
    ]);
    // RFC 3550 §6.2: the first report within 2.5 s * 1.5 / (e - 3/2) = 3.08 s
    const { packets, rtpSoFar } = await ra.first((p) => p instanceof RtcpSrPacket, 4500);
    const sr = packets[0];
    assert.ok(sr instanceof RtcpSrPacket, 'a compound starts with the SR (RFC 3550 §6.1)');
    const ours = a.received.filter((r) => r.payloadType === 0);
    assert.ok(ours.length > 0);
    assert.equal(sr.ssrc, ours[0]!.ssrc, 'the SR is from the SSRC of the RTP the phone receives');
    // loopback loses nothing: the count is what the phone had when the SR came, give or take packets in flight
    const count = sr.senderInfo.packetCount;
    assert.ok(Math.abs(count - rtpSoFar) <= 3, `SR says ${count} packets, the phone had ${rtpSoFar}`);
    // RFC 3550 §6.4.1: payload octets only; every µ-law packet we send carries 160
    assert.equal(sr.senderInfo.octetCount, 160 * count);
    const block = sr.reports.find((r) => r.ssrc === PHONE_SSRC);
    assert.ok(block !== undefined, 'a report block about the phone stream');
    assert.equal(block.packetsLost, 0);
    assert.ok(block.highestSequence > 1000 && block.highestSequence < 1000 + 250, `highest seq ${block.highestSequence}`);
    const sdes = packets.find((p) => p instanceof RtcpSourceDescriptionPacket);
    assert.ok(sdes instanceof RtcpSourceDescriptionPacket);
    assert.equal(sdes.chunks[0]!.source, sr.ssrc);
    assert.equal(sdes.chunks[0]!.items[0]!.type, 1, 'SDES CNAME');

    // the phone holds the SR 400 ms but says it held it 100 ms (DLSR): the 300 ms difference is round trip
    await sleep(400);
    const dlsr = Math.round(0.1 * 65536);
    const info = new RtcpReceiverInfo({ ssrc: sr.ssrc, fractionLost: 0, packetsLost: 0, highestSequence: 0, jitter: 0, lsr: middle32(sr.senderInfo.ntpTimestamp), dlsr });
    ra.send([new RtcpRrPacket({ ssrc: PHONE_SSRC, reports: [info] })], ea.rtcpPort);
    const stats = await rttOf(ea, 2000);
    assert.ok(stats.rttMs != null && stats.rttMs >= 250 && stats.rttMs < 1500, `rtt ${stats.rttMs}`);
    assert.equal(stats.rtcpReceived, 1);
    assert.equal(stats.packetsLost, 0);
    assert.equal(stats.receivedLost, 0);
    await streams;
    await done();
  });

  it('SRTCP (RFC 3711 §3.4): a transcoded SDES-SRTP leg protects its SR; the SRTCP answer gives the round trip', async () => {
    // RFC 4568 §6.1: inline key = base64(16-byte master key || 14-byte master salt)
    const ours = { key: randomBytes(16), salt: randomBytes(14) };
    const phone = { key: randomBytes(16), salt: randomBytes(14) };
    const inline = (k: { key: Buffer; salt: Buffer }): string => Buffer.concat([k.key, k.salt]).toString('base64');
    const { a, b, ra, ea, eb, done } = await phones(PCMU, PCMA, 'rtcp-srtp', (e) =>
      e.setSrtp({ suite: 'AES_CM_128_HMAC_SHA1_80', localKey: inline(ours), remoteKey: inline(phone) }),
    );
    const config = {
      keys: { localMasterKey: phone.key, localMasterSalt: phone.salt, remoteMasterKey: ours.key, remoteMasterSalt: ours.salt },
      profile: ProtectionProfileAes128CmHmacSha1_80,
    };
    const srtp = new SrtpSession(config);
    const srtcp = new SrtcpSession(config);
    a.protect = (packet) => {
      const rtp = RtpPacket.deSerialize(packet);
      return srtp.encrypt(rtp.payload, rtp.header);
    };
    a.unprotect = (packet) => srtp.decrypt(packet);
    ra.protect = (packet) => srtcp.encrypt(packet);
    ra.unprotect = (packet) => srtcp.decrypt(packet);
    const streams = Promise.all([
      a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds: 4.5, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 }),
      b.stream({ to: eb.rtpPort, data: synth({ type: 'al', seconds: 4.5, effect: ['sine', '800'] }), payloadType: 8, bytesPerPacket: 160 }),
    ]);
    const { packets } = await ra.first((p) => p instanceof RtcpSrPacket, 4500);
    const sr = packets[0];
    assert.ok(sr instanceof RtcpSrPacket);
    assert.ok(sr.reports.some((r) => r.ssrc === PHONE_SSRC && r.packetsLost === 0));
    await sleep(400);
    const info = new RtcpReceiverInfo({ ssrc: sr.ssrc, fractionLost: 0, packetsLost: 0, highestSequence: 0, jitter: 0, lsr: middle32(sr.senderInfo.ntpTimestamp), dlsr: Math.round(0.1 * 65536) });
    ra.send([new RtcpRrPacket({ ssrc: PHONE_SSRC, reports: [info] })], ea.rtcpPort);
    const stats = await rttOf(ea, 2000);
    assert.ok(stats.rttMs != null && stats.rttMs >= 250 && stats.rttMs < 1500, `rtt ${stats.rttMs}`);
    assert.equal(stats.srtpFailures, 0);
    await streams;
    await done();
  });

  it("pass-through: the phones' SR and RR cross the engine; the answering phone's leg gets the round trip", async () => {
    const { a, b, ra, rb, ea, eb, done } = await phones(PCMU, PCMU, 'rtcp-relay');
    const streams = Promise.all([
      a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 }),
      b.stream({ to: eb.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '800'] }), payloadType: 0, bytesPerPacket: 160 }),
    ]);
    await sleep(300);
    const ntp = 0x83aa7e80_40000000n;
    const phoneSr = new RtcpSrPacket({ ssrc: PHONE_SSRC, senderInfo: new RtcpSenderInfo({ ntpTimestamp: ntp, rtpTimestamp: 1, packetCount: 15, octetCount: 2400 }) });
    ra.send([phoneSr], ea.rtcpPort);
    const relayed = await rb.first((p) => p instanceof RtcpSrPacket, 2000);
    const sr = relayed.packets[0];
    assert.ok(sr instanceof RtcpSrPacket);
    assert.deepEqual([sr.ssrc, sr.senderInfo.ntpTimestamp, sr.senderInfo.packetCount], [PHONE_SSRC, ntp, 15]);
    // B holds it 400 ms, claims 100 ms
    await sleep(400);
    const info = new RtcpReceiverInfo({ ssrc: PHONE_SSRC, fractionLost: 0, packetsLost: 0, highestSequence: 0, jitter: 0, lsr: middle32(ntp), dlsr: Math.round(0.1 * 65536) });
    rb.send([new RtcpRrPacket({ ssrc: PHONE_SSRC + 1, reports: [info] })], eb.rtcpPort);
    const stats = await rttOf(eb, 2000);
    assert.ok(stats.rttMs != null && stats.rttMs >= 250 && stats.rttMs < 1500, `rtt ${stats.rttMs}`);
    // A's leg answered nothing; and the RR went on to A
    assert.equal((await ea.stats()).rttMs, null);
    await ra.first((p) => p instanceof RtcpRrPacket, 2000);
    // in pass-through we send no RTCP of our own: everything B got came from phone A
    for (const g of rb.got) for (const p of g.packets) if (p instanceof RtcpSrPacket || p instanceof RtcpRrPacket) assert.equal(p.ssrc, PHONE_SSRC);
    await streams;
    await done();
  });
});
