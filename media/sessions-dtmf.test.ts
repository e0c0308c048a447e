// DTMF through a worker (real threads, loopback): RFC 4733 packets built here byte by byte from
// §2.3, in-band tones made by sox, and the events we send checked against §2.5's rules.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import { TestPhone, decodePcm, soxAvailable, synth, toneLevel } from './testing/phone.js';
import type { EndpointHandle, MediaEngineEvents } from './types.js';

type Dtmf = Parameters<MediaEngineEvents['dtmf']>[0];
const TE = 101;

/** RFC 4733 §2.3: V=2 RTP header, then event | E R volume | duration (16 bits) */
function eventPacket(o: { seq: number; timestamp: number; marker: boolean; event: number; end: boolean; volume: number; duration: number }): Buffer {
  const b = Buffer.alloc(16);
  b[0] = 0x80;
  b[1] = (o.marker ? 0x80 : 0) | TE;
  b.writeUInt16BE(o.seq, 2);
  b.writeUInt32BE(o.timestamp, 4);
  b.writeUInt32BE(0x0badcafe, 8);
  b[12] = o.event;
  b[13] = (o.end ? 0x80 : 0) | o.volume;
  b.writeUInt16BE(o.duration, 14);
  return b;
}

describe('media engine: DTMF', { skip: soxAvailable() ? false : 'sox missing: apt-get install -y sox' }, () => {
  let engine: WorkerMediaEngine;
  let group = 0;
  const events: Dtmf[] = [];
  before(async () => {
    const base = await freePortBlock(20);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 19, workers: 1 });
    await engine.start();
    engine.on('dtmf', (e) => events.push(e));
  });
  after(() => engine.close());

  async function endpoint(telephoneEvent: number | null): Promise<{ phone: TestPhone; ep: EndpointHandle }> {
    const phone = await TestPhone.open();
    const ep = await engine.createEndpoint({ group: `dtmf${group++}` });
    ep.setRemote({ address: '127.0.0.1', rtpPort: phone.port });
    ep.setFormat({ codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent });
    await ep.stats(); // the worker has applied the commands above
    return { phone, ep };
  }

  const waitFor = async (ep: EndpointHandle, count: number): Promise<Dtmf[]> => {
    for (let i = 0; i < 150; i++) {
      const mine = events.filter((e) => e.endpointId === ep.id);
      if (mine.length >= count) return mine;
      await new Promise((r) => setTimeout(r, 20));
    }
    return events.filter((e) => e.endpointId === ep.id);
  };

  const pace = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  it('RFC 4733 §2.5.2: a digit 5 of 200 ms (start, updates, end ×3) is one dtmf event', async () => {
    const { phone, ep } = await endpoint(TE);
    const ts = 16000;
    // §2.5.1.2 the first packet has the marker; updates every 50 ms; §2.5.1.4 the end is sent three times
    const durations = [400, 800, 1200];
    for (const [i, duration] of durations.entries()) {
      phone.sendRaw(eventPacket({ seq: 10 + i, timestamp: ts, marker: i === 0, event: 5, end: false, volume: 10, duration }), ep.rtpPort);
      await pace(50);
    }
    for (let i = 0; i < 3; i++) phone.sendRaw(eventPacket({ seq: 13 + i, timestamp: ts, marker: false, event: 5, end: true, volume: 10, duration: 1600 }), ep.rtpPort);
    const got = await waitFor(ep, 1);
    await pace(100);
    assert.deepEqual(
      events.filter((e) => e.endpointId === ep.id).map((e) => ({ digit: e.digit, durationMs: e.durationMs, method: e.method })),
      [{ digit: '5', durationMs: 200, method: 'rfc4733' }],
    );
    assert.equal(got[0]!.group, ep.group);
    await ep.close();
    phone.close();
  });

  it('RFC 4733 §2.5.2: a digit whose end packets were all lost is still reported (as far as it was seen)', async () => {
    const { phone, ep } = await endpoint(TE);
    for (const [i, duration] of [400, 800, 1200].entries()) {
      phone.sendRaw(eventPacket({ seq: 20 + i, timestamp: 32000, marker: i === 0, event: 11, end: false, volume: 10, duration }), ep.rtpPort);
      await pace(50);
    }
    // no end packet, and nothing after: only the worker's tick can end the event
    const got = await waitFor(ep, 1);
    assert.equal(got.length, 1, 'the digit was reported');
    assert.equal(got[0]!.digit, '#');
    assert.equal(got[0]!.durationMs, 150);
    await ep.close();
    phone.close();
  });

  it('in-band: sox-made DTMF 1 and # as µ-law with detectInbandDtmf(true) become inband events', async () => {
    const { phone, ep } = await endpoint(null);
    ep.detectInbandDtmf(true);
    const tone = (low: number, high: number): Buffer => synth({ type: 'ul', seconds: 0.12, effect: ['sine', String(low), 'synth', '0.12', 'sine', 'mix', String(high), 'vol', '0.5'] });
    const quiet = Buffer.alloc(1600, 0xff); // µ-law 0xFF is zero
    const data = Buffer.concat([quiet, tone(697, 1209), quiet, tone(941, 1477), quiet]);
    await phone.stream({ to: ep.rtpPort, data, payloadType: 0, bytesPerPacket: 160 });
    const got = await waitFor(ep, 2);
    assert.deepEqual(got.map((e) => [e.digit, e.method]), [['1', 'inband'], ['#', 'inband']]);
    for (const e of got) assert.ok(e.durationMs >= 80 && e.durationMs <= 160, `duration ${e.durationMs}`);
    await ep.close();
    phone.close();
  });

  it('sendDtmf: RFC 4733 §2.5.1 packets reach the phone (marker first, one timestamp, end bit three times)', async () => {
    const { phone, ep } = await endpoint(TE);
    ep.sendDtmf('7', 100);
    for (let i = 0; i < 50 && phone.received.filter((r) => r.payloadType === TE && (r.payload[1]! & 0x80) !== 0).length < 3; i++) await pace(20);
    await pace(100);
    const packets = phone.received.filter((r) => r.payloadType === TE);
    assert.ok(packets.length >= 4, `${packets.length} packets`);
    assert.equal(packets[0]!.marker, true, '§2.5.1.2: the first packet has the marker bit');
    assert.ok(packets.slice(1).every((p) => !p.marker), 'only the first has the marker');
    assert.equal(new Set(packets.map((p) => p.timestamp)).size, 1, '§2.5.1.2: every packet carries the event start timestamp');
    assert.equal(new Set(packets.map((p) => p.ssrc)).size, 1);
    assert.ok(packets.every((p) => p.payload[0] === 7 && p.payload.length === 4), 'event 7');
    const ends = packets.filter((p) => (p.payload[1]! & 0x80) !== 0);
    assert.equal(ends.length, 3, '§2.5.1.4: the final packet is sent three times');
    assert.deepEqual(packets.slice(-3), ends, 'the end packets come last');
    assert.ok(ends.every((p) => p.payload.readUInt16BE(2) === 800), 'final duration 100 ms at 8000 Hz');
    const durations = packets.map((p) => p.payload.readUInt16BE(2));
    assert.ok(durations.every((d, i) => i === 0 || d >= durations[i - 1]!), `durations grow: ${durations.join(',')}`);
    // sequence numbers advance by one per packet, retransmitted ends included (§2.5.1.4)
    assert.ok(packets.every((p, i) => i === 0 || p.seq === ((packets[i - 1]!.seq + 1) & 0xffff)));
    await ep.close();
    phone.close();
  });

  it('sendDtmf without telephone-event: in-band Q.23 pairs (5 = 770 + 1336 Hz) in the µ-law the phone gets', async () => {
    const { phone, ep } = await endpoint(null);
    const done = new Promise<string>((resolve) => engine.on('play-done', (e) => e.endpointId === ep.id && resolve(e.reason)));
    ep.sendDtmf('5', 200);
    assert.equal(await done, 'finished');
    const audio = phone.received.filter((r) => r.payloadType === 0);
    assert.equal(phone.received.length, audio.length, 'no telephone-event packets without telephone-event');
    const pcm = decodePcm({ type: 'ul', data: Buffer.concat(audio.map((r) => r.payload)) });
    // the loudest 200 ms: Goertzel at the digit's pair and at a row and column it does not use
    const level = (hz: number) => Math.max(...Array.from({ length: Math.floor(pcm.length / 1600) }, (_, i) => toneLevel(pcm.subarray(i * 1600, (i + 1) * 1600), 8000, hz)));
    const [row, column, otherRow, otherColumn] = [level(770), level(1336), level(697), level(1209)];
    assert.ok(row > 0.05 && column > 0.05, `770 Hz ${row}, 1336 Hz ${column}`);
    assert.ok(otherRow < row / 10 && otherColumn < column / 10, `697 Hz ${otherRow}, 1209 Hz ${otherColumn}`);
    await ep.close();
    phone.close();
  });
});
