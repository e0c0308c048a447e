// Transcoding end to end on loopback: phone A speaks µ-law, phone B A-law; the engine (real worker
// threads) decodes and re-encodes between them. Audio is made and measured by sox, so neither the
// encoding nor the measurement is ours.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import { TestPhone, measure, soxAvailable, synth } from './testing/phone.js';

describe('media engine: transcoding', { skip: soxAvailable() ? false : 'sox missing: apt-get install -y sox' }, () => {
  let engine: WorkerMediaEngine;
  before(async () => {
    const base = await freePortBlock(40);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 39, workers: 1 });
    await engine.start();
  });
  after(() => engine.close());

  it('PCMU 400 Hz ↔ PCMA 800 Hz: each phone hears the other tone in its own codec', async () => {
    const a = await TestPhone.open();
    const b = await TestPhone.open();
    const ea = await engine.createEndpoint({ group: 'tx1' });
    const eb = await engine.createEndpoint({ group: 'tx1' });
    ea.setRemote({ address: '127.0.0.1', rtpPort: a.port });
    eb.setRemote({ address: '127.0.0.1', rtpPort: b.port });
    ea.setFormat({ codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null });
    eb.setFormat({ codec: 'PCMA', payloadType: 8, clockRate: 8000, telephoneEvent: null });
    ea.connect(eb);
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
    const stats = await ea.stats();
    assert.equal(stats.transcoding, true);
    await Promise.all([ea.close(), eb.close()]);
    a.close();
    b.close();
  });
});
