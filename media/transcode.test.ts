// Transcoding end to end on loopback: two phones that share no codec; the engine (real worker
// threads) decodes and re-encodes between them. Audio is made and measured by sox; Opus on the
// phone side is libopus through @discordjs/opus. G.722: neither sox nor ffmpeg is on the test
// machines, so the G.722 phone uses media/codecs' G.722 (bit-exact with spandsp) — the one place
// these tests use our own code on the phone side.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import { createCodec } from './codecs/index.js';
import { TestPhone, decodePcm, measure, soxAvailable, synth, toneLevel } from './testing/phone.js';
import type { EndpointHandle, MediaFormat } from './types.js';

const require = createRequire(import.meta.url);
const { OpusEncoder } = require('@discordjs/opus') as typeof import('@discordjs/opus');

const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };
const OPUS: MediaFormat = { codec: 'opus', payloadType: 111, clockRate: 48000, telephoneEvent: null };
const G722: MediaFormat = { codec: 'G722', payloadType: 9, clockRate: 8000, telephoneEvent: null };

/** `seconds` of a sine at 48 kHz as Opus packets of `frameMs` (libopus, independent of the engine) */
function opusPackets(freq: number, seconds: number, frameMs: number): Buffer[] {
  const pcm = synth({ type: 's16', rate: 48000, seconds, effect: ['sine', String(freq)] });
  const enc = new OpusEncoder(48000, 1);
  const bytes = 48 * frameMs * 2;
  const packets: Buffer[] = [];
  for (let at = 0; at + bytes <= pcm.length; at += bytes) packets.push(enc.encode(pcm.subarray(at, at + bytes)));
  return packets;
}

/** what a phone got as Opus, decoded by libopus to 48 kHz s16 */
function opusDecode(payloads: readonly Buffer[]): Buffer {
  const dec = new OpusEncoder(48000, 1);
  return Buffer.concat(payloads.map((p) => dec.decode(p)));
}

describe('media engine: transcoding', { skip: soxAvailable() ? false : 'sox missing: apt-get install -y sox' }, () => {
  let engine: WorkerMediaEngine;
  let group = 0;
  before(async () => {
    const base = await freePortBlock(40);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 39, workers: 1 });
    await engine.start();
  });
  after(() => engine.close());

  async function pair(fa: MediaFormat, fb: MediaFormat): Promise<{ a: TestPhone; b: TestPhone; ea: EndpointHandle; eb: EndpointHandle; done: () => Promise<void> }> {
    const a = await TestPhone.open();
    const b = await TestPhone.open();
    const g = `tx${group++}`;
    const ea = await engine.createEndpoint({ group: g });
    const eb = await engine.createEndpoint({ group: g });
    ea.setRemote({ address: '127.0.0.1', rtpPort: a.port });
    eb.setRemote({ address: '127.0.0.1', rtpPort: b.port });
    ea.setFormat(fa);
    eb.setFormat(fb);
    ea.connect(eb);
    const done = async (): Promise<void> => {
      await Promise.all([ea.close(), eb.close()]);
      a.close();
      b.close();
    };
    return { a, b, ea, eb, done };
  }

  it('PCMU 400 Hz ↔ PCMA 800 Hz: each phone hears the other tone in its own codec', async () => {
    const { a, b, ea, eb, done } = await pair(PCMU, { codec: 'PCMA', payloadType: 8, clockRate: 8000, telephoneEvent: null });
    await Promise.all([
      a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 }),
      b.stream({ to: eb.rtpPort, data: synth({ type: 'al', seconds: 2, effect: ['sine', '800'] }), payloadType: 8, bytesPerPacket: 160 }),
    ]);
    await new Promise((r) => setTimeout(r, 200));
    const atA = measure({ type: 'ul', data: a.payloads(0) });
    const atB = measure({ type: 'al', data: b.payloads(8) });
    assert.ok(Math.abs(atA.freq - 800) < 40, `A hears ${atA.freq} Hz`);
    assert.ok(Math.abs(atB.freq - 400) < 20, `B hears ${atB.freq} Hz`);
    assert.ok(atA.rms > 0.1 && atB.rms > 0.1, `levels ${atA.rms} ${atB.rms}`);
    assert.ok(a.payloads(0).length > 8000 * 1.5, `A got ${a.payloads(0).length} bytes`);
    assert.equal((await ea.stats()).transcoding, true);
    await done();
  });

  for (const frameMs of [20, 60]) {
    it(`PCMU 400 Hz ↔ Opus 1000 Hz in ${frameMs} ms packets: libopus decodes 400 Hz, µ-law carries 1000 Hz`, async () => {
      const { a, b, ea, eb, done } = await pair(PCMU, OPUS);
      await Promise.all([
        a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds: 2.4, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 }),
        b.streamPackets({ to: eb.rtpPort, packets: opusPackets(1000, 2.4, frameMs), payloadType: 111, timestampStep: 48 * frameMs, intervalMs: frameMs }),
      ]);
      await new Promise((r) => setTimeout(r, 200));
      const opus = b.received.filter((r) => r.payloadType === 111);
      // RFC 7587 §4.1: a 48000 Hz RTP clock whatever the codec's internal rate; 20 ms per packet from us
      assert.ok(opus.length > 80, `B got ${opus.length} Opus packets`);
      const steps = new Set(opus.slice(1).map((r, i) => (r.timestamp - opus[i]!.timestamp) >>> 0));
      assert.deepEqual([...steps], [960]);
      const atB = measure({ type: 's16', rate: 48000, data: opusDecode(opus.slice(10).map((r) => r.payload)) });
      const atA = measure({ type: 'ul', data: a.payloads(0) });
      assert.ok(Math.abs(atB.freq - 400) < 20, `B hears ${atB.freq} Hz`);
      assert.ok(Math.abs(atA.freq - 1000) < 40, `A hears ${atA.freq} Hz`);
      assert.ok(atA.rms > 0.1 && atB.rms > 0.1, `levels ${atA.rms} ${atB.rms}`);
      // a 60 ms packet fills three ticks: every 20 ms frame A hears in the steady part carries the tone
      const frames = a.received.filter((r) => r.payloadType === 0).slice(25, 100);
      const pcm = decodePcm({ type: 'ul', data: Buffer.concat(frames.map((r) => r.payload)) });
      let toned = 0;
      for (let at = 0; at + 160 <= pcm.length; at += 160) if (toneLevel(pcm.subarray(at, at + 160), 8000, 1000, 20) > 0.1) toned++;
      assert.ok(frames.length === 75 && toned >= 72, `${toned} of ${frames.length} frames carry 1000 Hz`);
      await done();
    });
  }

  it('PCMU 400 Hz ↔ G.722 1000 Hz: the 16 kHz side hears 400 Hz, the 8 kHz side 1000 Hz', async () => {
    const { a, b, ea, eb, done } = await pair(PCMU, G722);
    const g722 = createCodec({ name: 'G722' });
    const wide = new Int16Array(synth({ type: 's16', rate: 16000, seconds: 2, effect: ['sine', '1000'] }).buffer.slice(0));
    const encoded = Buffer.alloc(wide.length / 2);
    for (let at = 0; at < wide.length; at += 320) {
      const out = new Uint8Array(160);
      g722.encode(wide.subarray(at, at + 320), 320, out);
      Buffer.from(out).copy(encoded, at / 2);
    }
    await Promise.all([
      a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 }),
      // RFC 3551 §4.5.2: G.722's RTP clock is 8000 although it samples at 16 kHz: 160 units per 20 ms
      b.stream({ to: eb.rtpPort, data: encoded, payloadType: 9, bytesPerPacket: 160, timestampStep: 160 }),
    ]);
    await new Promise((r) => setTimeout(r, 200));
    const dec = createCodec({ name: 'G722' });
    const pcm = new Int16Array(320);
    const chunks: Buffer[] = [];
    for (const r of b.received.filter((x) => x.payloadType === 9).slice(10)) {
      const n = dec.decode(r.payload, r.payload.length, pcm);
      chunks.push(Buffer.from(pcm.slice(0, n).buffer));
    }
    const atB = measure({ type: 's16', rate: 16000, data: Buffer.concat(chunks) });
    const atA = measure({ type: 'ul', data: a.payloads(0) });
    assert.ok(Math.abs(atB.freq - 400) < 20, `B hears ${atB.freq} Hz`);
    assert.ok(Math.abs(atA.freq - 1000) < 40, `A hears ${atA.freq} Hz`);
    assert.ok(atA.rms > 0.1 && atB.rms > 0.1, `levels ${atA.rms} ${atB.rms}`);
    await done();
  });
});
