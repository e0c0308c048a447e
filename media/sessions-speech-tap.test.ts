// The speech tap (media/session/speech-tap.ts) in a real worker on loopback: each party's phone
// speaks its own sox-made tone as RTP, each endpoint's tap writes records to a Unix socket that
// this test reads as the speech process would, and the records carry that party's tone only.
// A reader that stops reading makes the tap drop and count frames while RTP keeps being relayed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import { TestPhone, soxAvailable, synth, toneLevel } from './testing/phone.js';
import type { EndpointHandle, MediaFormat } from './types.js';

const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };

interface Stream {
  rate: number;
  samples: number[];
  records: number;
  ended: boolean;
}

/** a Unix socket reading the tap's records (u32 stream | u32 rate | u32 bytes | PCM16LE) per stream */
async function inlet(path: string): Promise<{ server: Server; streams: Map<number, Stream>; sockets: Socket[] }> {
  const streams = new Map<number, Stream>();
  const sockets: Socket[] = [];
  const server = createServer((sock) => {
    sockets.push(sock);
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 12 && buf.length >= 12 + buf.readUInt32LE(8)) {
        const id = buf.readUInt32LE(0);
        const len = buf.readUInt32LE(8);
        const s = streams.get(id) ?? { rate: buf.readUInt32LE(4), samples: [], records: 0, ended: false };
        streams.set(id, s);
        if (len === 0) s.ended = true;
        else s.records++;
        for (let i = 0; i < len; i += 2) s.samples.push(buf.readInt16LE(12 + i));
        buf = buf.subarray(12 + len);
      }
    });
  });
  server.listen(path);
  await once(server, 'listening');
  return { server, streams, sockets };
}

describe('media engine: speech tap', { skip: soxAvailable() ? false : 'sox missing: apt-get install -y sox' }, () => {
  let engine: WorkerMediaEngine;
  let dir: string;
  let group = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hailing-tap-'));
    const base = await freePortBlock(20);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 19, workers: 1 });
    await engine.start();
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(fb: MediaFormat): Promise<{ a: TestPhone; b: TestPhone; ea: EndpointHandle; eb: EndpointHandle }> {
    const g = `tap${group++}`;
    const a = await TestPhone.open();
    const b = await TestPhone.open();
    const ea = await engine.createEndpoint({ group: g });
    const eb = await engine.createEndpoint({ group: g });
    ea.setRemote({ address: '127.0.0.1', rtpPort: a.port });
    eb.setRemote({ address: '127.0.0.1', rtpPort: b.port });
    ea.setFormat(PCMU);
    eb.setFormat(fb);
    ea.connect(eb);
    return { a, b, ea, eb };
  }

  const ended = (e: EndpointHandle) =>
    new Promise<{ stream: number; framesSent: number; framesDropped: number; error: string | null }>((resolve) => {
      const off = e.on('speech-tap-ended', (f) => {
        off();
        resolve(f);
      });
    });

  it("each leg's tap carries that party's audio only (a relayed G.711 call) and ends with an end record; a second tap on one endpoint gets the same audio", async () => {
    const path = join(dir, 'speech-1.sock');
    const { server, streams } = await inlet(path);
    const { a, b, ea, eb } = await call(PCMU);
    try {
      ea.startSpeechTap({ socket: path, stream: 11 });
      eb.startSpeechTap({ socket: path, stream: 12 });
      // live transcription and an IVR's speech input may tap the caller at once
      ea.startSpeechTap({ socket: path, stream: 13 });
      const endA = ended(ea);
      const endB = ended(eb);
      await Promise.all([
        a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 }),
        b.stream({ to: eb.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '800'] }), payloadType: 0, bytesPerPacket: 160 }),
      ]);
      ea.stopSpeechTap(11);
      eb.stopSpeechTap(12);
      ea.stopSpeechTap(13);
      const [fa, fb] = await Promise.all([endA, endB]);
      const deadline = Date.now() + 10_000;
      while (!(streams.get(11)?.ended && streams.get(12)?.ended && streams.get(13)?.ended) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const sa = streams.get(11);
      const sb = streams.get(12);
      assert.ok(sa?.ended && sb?.ended, 'both streams ended');
      assert.equal(fa.stream, 11);
      assert.equal(fa.framesDropped, 0);
      assert.equal(fa.error, null);
      assert.equal(sa.records, fa.framesSent);
      assert.equal(sa.rate, 8000);
      assert.equal(sb.rate, 8000);
      assert.ok(sa.samples.length >= 8000 * 1.5, `${sa.samples.length} samples`);
      const pa = Int16Array.from(sa.samples);
      const pb = Int16Array.from(sb.samples);
      assert.ok(toneLevel(pa, 8000, 400) > 0.2, `caller 400 Hz ${toneLevel(pa, 8000, 400)}`);
      assert.ok(toneLevel(pa, 8000, 800) < 0.02, `caller tap has the callee ${toneLevel(pa, 8000, 800)}`);
      assert.ok(toneLevel(pb, 8000, 800) > 0.2, `callee 800 Hz ${toneLevel(pb, 8000, 800)}`);
      assert.ok(toneLevel(pb, 8000, 400) < 0.02, `callee tap has the caller ${toneLevel(pb, 8000, 400)}`);
      assert.equal(fb.framesDropped, 0);
      // the same frames as the first tap (one decode per tick serves both)
      const s13 = streams.get(13);
      assert.ok(s13?.ended, 'the second tap ended');
      assert.ok(Math.abs(s13.samples.length - sa.samples.length) <= 160, `${s13.samples.length} vs ${sa.samples.length} samples`);
      assert.ok(toneLevel(Int16Array.from(s13.samples), 8000, 400) > 0.2);
    } finally {
      a.close();
      b.close();
      await Promise.all([ea.close(), eb.close()]);
      server.close();
    }
  });

  it('a reader that stops reading: frames are dropped and counted, RTP is still relayed', async () => {
    const path = join(dir, 'speech-2.sock');
    const { server, sockets } = await inlet(path);
    const { a, b, ea, eb } = await call(PCMU);
    try {
      ea.startSpeechTap({ socket: path, stream: 21 });
      const endA = ended(ea);
      // the speech process is stuck: nothing is read from its socket any more
      const deadline = Date.now() + 5000;
      while (sockets.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      sockets[0]?.pause();
      const seconds = 20;
      await a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 });
      await new Promise((r) => setTimeout(r, 200));
      ea.stopSpeechTap(21);
      const f = await endA;
      // the kernel takes ~10 s of 8 kHz records into a stalled Unix socket; the rest must be dropped, not queued
      assert.ok(f.framesDropped > 0, JSON.stringify(f));
      const relayed = b.received.filter((r) => r.payloadType === 0).length;
      assert.ok(relayed >= seconds * 50 * 0.95, `${relayed} of ${seconds * 50} packets relayed`);
    } finally {
      a.close();
      b.close();
      await Promise.all([ea.close(), eb.close()]);
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
