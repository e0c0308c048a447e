// Playback to a phone in a worker (real threads, loopback): a call-progress tone and a WAV prompt
// replace what the phone hears from its peer, 'play-done' reports the end, and the relayed audio
// comes back after. sox makes the prompt and the peer's audio; sox decodes and Goertzel measures.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import { TestPhone, decodePcm, soxAvailable, synth, toneLevel } from './testing/phone.js';
import type { EndpointHandle, MediaEngineEvents, MediaFormat } from './types.js';

type PlayDone = Parameters<MediaEngineEvents['play-done']>[0];
const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };

function heard(phone: TestPhone, freq: number, fromMs: number, toMs: number): number {
  const data = Buffer.concat(phone.received.filter((r) => r.payloadType === 0 && r.atMs >= fromMs && r.atMs < toMs).map((r) => r.payload));
  return toneLevel(decodePcm({ type: 'ul', data }), 8000, freq);
}

describe('media engine: playback', { skip: soxAvailable() ? false : 'sox missing: apt-get install -y sox' }, () => {
  let engine: WorkerMediaEngine;
  let dir: string;
  let group = 0;
  const done: PlayDone[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hailing-play-'));
    const base = await freePortBlock(20);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 19, workers: 1 });
    await engine.start();
    engine.on('play-done', (e) => done.push(e));
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** phone A listens; phone B's 800 Hz is relayed to A except while A is played to */
  async function call(): Promise<{ a: TestPhone; b: TestPhone; ea: EndpointHandle; eb: EndpointHandle; peer: (s: number) => Promise<void> }> {
    const g = `play${group++}`;
    const a = await TestPhone.open();
    const b = await TestPhone.open();
    const ea = await engine.createEndpoint({ group: g });
    const eb = await engine.createEndpoint({ group: g });
    ea.setRemote({ address: '127.0.0.1', rtpPort: a.port });
    eb.setRemote({ address: '127.0.0.1', rtpPort: b.port });
    ea.setFormat(PCMU);
    eb.setFormat(PCMU);
    ea.connect(eb);
    const peer = (seconds: number): Promise<void> =>
      b.stream({ to: eb.rtpPort, data: synth({ type: 'ul', seconds, effect: ['sine', '800', 'vol', '0.5'] }), payloadType: 0, bytesPerPacket: 160 });
    return { a, b, ea, eb, peer };
  }

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  it("ringback (cn: 450 Hz) replaces the peer's audio; stopPlayback ends it as 'stopped' and the relay resumes", async () => {
    const { a, b, ea, eb, peer } = await call();
    const talking = peer(2.6);
    await sleep(300);
    ea.play('ring1', { tone: 'ringback', country: 'cn' });
    const t0 = performance.now();
    await sleep(1000);
    ea.stopPlayback();
    const t1 = performance.now();
    await talking;
    // ITU-T E.180 / China: ringback 450 Hz, 1 s on 4 s off: the first 0.9 s is tone
    assert.ok(heard(a, 450, t0 + 150, t0 + 900) > 0.05, `450 Hz at ${heard(a, 450, t0 + 150, t0 + 900)}`);
    assert.ok(heard(a, 800, t0 + 150, t0 + 900) < 0.01, `the peer leaks through: ${heard(a, 800, t0 + 150, t0 + 900)}`);
    assert.ok(heard(a, 800, t1 + 200, t1 + 1100) > 0.1, `the peer after: ${heard(a, 800, t1 + 200, t1 + 1100)}`);
    assert.ok(heard(a, 450, t1 + 200, t1 + 1100) < 0.01, 'no ringback after the stop');
    assert.deepEqual(done.filter((d) => d.endpointId === ea.id).map((d) => [d.id, d.reason]), [['ring1', 'stopped']]);
    await Promise.all([ea.close(), eb.close()]);
    a.close();
    b.close();
  });

  it("a WAV prompt (16 kHz, 1000 Hz) plays to the end: 'finished', then the peer is heard again", async () => {
    const file = join(dir, 'prompt.wav');
    execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', file, 'synth', '0.6', 'sine', '1000', 'vol', '0.5']);
    const { a, b, ea, eb, peer } = await call();
    const talking = peer(2.2);
    await sleep(300);
    ea.play('prompt1', { file });
    const t0 = performance.now();
    for (let i = 0; i < 100 && !done.some((d) => d.id === 'prompt1'); i++) await sleep(20);
    const t1 = performance.now();
    await talking;
    assert.deepEqual(done.filter((d) => d.endpointId === ea.id).map((d) => [d.id, d.reason]), [['prompt1', 'finished']]);
    assert.ok(heard(a, 1000, t0 + 150, t0 + 500) > 0.1, `the prompt at ${heard(a, 1000, t0 + 150, t0 + 500)}`);
    assert.ok(heard(a, 800, t0 + 150, t0 + 500) < 0.01, 'the peer leaks into the prompt');
    assert.ok(heard(a, 800, t1 + 200, t1 + 900) > 0.1, `the peer after: ${heard(a, 800, t1 + 200, t1 + 900)}`);
    await Promise.all([ea.close(), eb.close()]);
    a.close();
    b.close();
  });
});
