// Call recording in a worker (real threads, loopback): the caller's phone speaks 400 Hz, the
// agent's 800 Hz (sox-made), and sox (WAV) or opusdec (Ogg/Opus, opus-tools) read the file back, so
// neither the container nor the measurement is ours.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import { TestPhone, soxAvailable, synth, toneLevel } from './testing/phone.js';
import type { EndpointHandle, MediaFormat } from './types.js';

const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };
const PCMA: MediaFormat = { codec: 'PCMA', payloadType: 8, clockRate: 8000, telephoneEvent: null };
const opusdec = ((): boolean => {
  try {
    execFileSync('opusdec', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** the file as 16-bit stereo at `rate`, through sox (any format sox reads) */
function channels(file: string, rate: number): { left: Int16Array; right: Int16Array; rate: number } {
  const raw = execFileSync('sox', [file, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-r', String(rate), '-c', '2', '-']);
  const all = new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + (raw.length & ~3)));
  const left = new Int16Array(all.length / 2);
  const right = new Int16Array(all.length / 2);
  for (let i = 0; i < left.length; i++) {
    left[i] = all[2 * i]!;
    right[i] = all[2 * i + 1]!;
  }
  return { left, right, rate };
}

describe('media engine: recording', { skip: soxAvailable() ? false : 'sox missing: apt-get install -y sox' }, () => {
  let engine: WorkerMediaEngine;
  let dir: string;
  let group = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hailing-rec-'));
    const base = await freePortBlock(40);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 39, workers: 1 });
    await engine.start();
  });
  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(fa: MediaFormat, fb: MediaFormat): Promise<{ a: TestPhone; b: TestPhone; ea: EndpointHandle; eb: EndpointHandle; talk: (s: number) => Promise<unknown> }> {
    const g = `rec${group++}`;
    const a = await TestPhone.open();
    const b = await TestPhone.open();
    const ea = await engine.createEndpoint({ group: g });
    const eb = await engine.createEndpoint({ group: g });
    ea.setRemote({ address: '127.0.0.1', rtpPort: a.port });
    eb.setRemote({ address: '127.0.0.1', rtpPort: b.port });
    ea.setFormat(fa);
    eb.setFormat(fb);
    ea.connect(eb);
    const talk = (seconds: number): Promise<unknown> =>
      Promise.all([
        a.stream({ to: ea.rtpPort, data: synth({ type: fa.codec === 'PCMU' ? 'ul' : 'al', seconds, effect: ['sine', '400'] }), payloadType: fa.payloadType, bytesPerPacket: 160 }),
        b.stream({ to: eb.rtpPort, data: synth({ type: fb.codec === 'PCMU' ? 'ul' : 'al', seconds, effect: ['sine', '800'] }), payloadType: fb.payloadType, bytesPerPacket: 160 }),
      ]);
    return { a, b, ea, eb, talk };
  }

  const checkStereo = (file: string, rate: number): void => {
    const { left, right } = channels(file, rate);
    assert.ok(left.length > rate * 1.5, `${left.length} samples`);
    assert.ok(toneLevel(left, rate, 400) > 0.2, `left 400 Hz ${toneLevel(left, rate, 400)}`);
    assert.ok(toneLevel(right, rate, 800) > 0.2, `right 800 Hz ${toneLevel(right, rate, 800)}`);
    assert.ok(toneLevel(left, rate, 800) < 0.02, `left has the agent ${toneLevel(left, rate, 800)}`);
    assert.ok(toneLevel(right, rate, 400) < 0.02, `right has the caller ${toneLevel(right, rate, 400)}`);
  };

  it('a relayed PCMU call: stereo WAV with 400 Hz left and 800 Hz right, the relay untouched', async () => {
    const { a, b, ea, eb, talk } = await call(PCMU, PCMU);
    const path = join(dir, 'relay.wav');
    const rec = engine.startRecording({ path, format: 'wav', left: ea, right: eb });
    await talk(2);
    const result = await rec.stop();
    assert.equal(result.path, path);
    assert.equal(execFileSync('soxi', ['-c', path]).toString().trim(), '2');
    checkStereo(path, 8000);
    // the reported duration is the file's (not a wall-clock bound, which a loaded machine would break)
    const fileMs = Number(execFileSync('soxi', ['-D', path]).toString()) * 1000;
    assert.ok(result.durationMs > 0 && Math.abs(result.durationMs - fileMs) <= 20, `durationMs ${result.durationMs}, file ${fileMs} ms`);
    assert.equal(result.bytes, readFileSync(path).length);
    assert.equal((await ea.stats()).transcoding, false);
    await Promise.all([ea.close(), eb.close()]);
    a.close();
    b.close();
  });

  it("channels 'mixed': one channel (soxi) holding both parties, 400 Hz and 800 Hz each at its own level", async () => {
    const { a, b, ea, eb, talk } = await call(PCMU, PCMU);
    const path = join(dir, 'mixed.wav');
    const rec = engine.startRecording({ path, format: 'wav', left: ea, right: eb, channels: 'mixed' });
    await talk(2);
    await rec.stop();
    assert.equal(execFileSync('soxi', ['-c', path]).toString().trim(), '1');
    const raw = execFileSync('sox', [path, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-']);
    const mono = new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + (raw.length & ~1)));
    assert.ok(mono.length > 8000 * 1.5, `${mono.length} samples`);
    assert.ok(toneLevel(mono, 8000, 400) > 0.2, `400 Hz ${toneLevel(mono, 8000, 400)}`);
    assert.ok(toneLevel(mono, 8000, 800) > 0.2, `800 Hz ${toneLevel(mono, 8000, 800)}`);
    await Promise.all([ea.close(), eb.close()]);
    a.close();
    b.close();
  });

  it('a transcoded PCMU ↔ PCMA call: stereo WAV, and pause/resume are reported as a pause', async () => {
    const { a, b, ea, eb, talk } = await call(PCMU, PCMA);
    const path = join(dir, 'tx.wav');
    const rec = engine.startRecording({ path, format: 'wav', left: ea, right: eb });
    const talking = talk(2.5);
    await new Promise((r) => setTimeout(r, 1000));
    rec.pause();
    await new Promise((r) => setTimeout(r, 500));
    rec.resume();
    await talking;
    const result = await rec.stop();
    assert.equal(result.pauses.length, 1);
    const pause = result.pauses[0]!;
    // where and how long depend on scheduling; that it lies inside the file, after tone, does not
    const fileMs = Number(execFileSync('soxi', ['-D', path]).toString()) * 1000;
    assert.ok(pause.durationMs > 100 && pause.atMs > 100 && pause.atMs + pause.durationMs < fileMs, `pause of ${pause.durationMs} ms at ${pause.atMs} ms in ${fileMs} ms`);
    // silence is written while paused: the paused stretch holds no tone
    const { left } = channels(path, 8000);
    const paused = left.subarray(Math.round((pause.atMs + 50) * 8), Math.round((pause.atMs + pause.durationMs - 50) * 8));
    assert.ok(toneLevel(paused, 8000, 400) < 0.01, `tone while paused ${toneLevel(paused, 8000, 400)}`);
    checkStereo(path, 8000);
    await Promise.all([ea.close(), eb.close()]);
    a.close();
    b.close();
  });

  it('Ogg/Opus: opusdec decodes 400 Hz left and 800 Hz right', { skip: opusdec ? false : 'opusdec missing (opus-tools)' }, async () => {
    const { a, b, ea, eb, talk } = await call(PCMU, PCMU);
    const path = join(dir, 'call.ogg');
    const rec = engine.startRecording({ path, format: 'ogg', left: ea, right: eb });
    await talk(2);
    const result = await rec.stop();
    assert.equal(result.format, 'ogg');
    const wav = join(dir, 'call-decoded.wav');
    execFileSync('opusdec', ['--quiet', '--rate', '48000', path, wav]);
    checkStereo(wav, 48000);
    await Promise.all([ea.close(), eb.close()]);
    a.close();
    b.close();
  });

  it("the callee's endpoint closing (a transfer) leaves the caller recorded: 400 Hz left after it, the right channel silent", async () => {
    const { a, b, ea, eb, talk } = await call(PCMU, PCMU);
    const path = join(dir, 'callee-left.wav');
    const rec = engine.startRecording({ path, format: 'wav', left: ea, right: eb });
    await talk(1);
    await eb.close();
    // the caller goes on alone (to a flow, say) for two seconds after the callee's endpoint closed
    await a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 });
    const result = await rec.stop();
    assert.ok(result.durationMs > 2500, `the recording went on after the callee left: durationMs ${result.durationMs}`);
    const { left, right } = channels(path, 8000);
    const after = (x: Int16Array) => x.subarray(Math.round(8000 * 1.5));
    assert.ok(toneLevel(after(left), 8000, 400) > 0.2, `left 400 Hz after ${toneLevel(after(left), 8000, 400)}`);
    assert.ok(toneLevel(after(right), 8000, 800) < 0.02, `right silent after ${toneLevel(after(right), 8000, 800)}`);
    await ea.close();
    a.close();
    b.close();
  });

  it("a transfer's new party takes the right channel after the callee's endpoint closed: 800 Hz, then silence, then the new party's 1200 Hz", async () => {
    const { a, b, ea, eb, talk } = await call(PCMU, PCMU);
    const path = join(dir, 'transferred.wav');
    const rec = engine.startRecording({ path, format: 'wav', left: ea, right: eb });
    await talk(1);
    await eb.close();
    // the transfer target answers: a new endpoint in the call's group, bridged to the caller
    const c = await TestPhone.open();
    const ec = await engine.createEndpoint({ group: ea.group });
    ec.setRemote({ address: '127.0.0.1', rtpPort: c.port });
    ec.setFormat(PCMU);
    ea.connect(ec);
    rec.attach(ec);
    await Promise.all([
      a.stream({ to: ea.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '400'] }), payloadType: 0, bytesPerPacket: 160 }),
      c.stream({ to: ec.rtpPort, data: synth({ type: 'ul', seconds: 2, effect: ['sine', '1200'] }), payloadType: 0, bytesPerPacket: 160 }),
    ]);
    await rec.stop();
    const { left, right } = channels(path, 8000);
    const first = (x: Int16Array) => x.subarray(0, 8000 * 0.8);
    const last = (x: Int16Array) => x.subarray(x.length - 8000 * 1.2);
    assert.ok(toneLevel(first(right), 8000, 800) > 0.2, `right 800 Hz before ${toneLevel(first(right), 8000, 800)}`);
    assert.ok(toneLevel(last(right), 8000, 1200) > 0.2, `right 1200 Hz after the transfer ${toneLevel(last(right), 8000, 1200)}`);
    assert.ok(toneLevel(last(right), 8000, 800) < 0.02, `the old party is gone ${toneLevel(last(right), 8000, 800)}`);
    assert.ok(toneLevel(last(left), 8000, 400) > 0.2, `left 400 Hz throughout ${toneLevel(last(left), 8000, 400)}`);
    await Promise.all([ea.close(), ec.close()]);
    a.close();
    b.close();
    c.close();
  });

  it('stop() after the endpoint closed still resolves with the result', async () => {
    const { a, b, ea, eb, talk } = await call(PCMU, PCMU);
    const path = join(dir, 'closed.wav');
    const rec = engine.startRecording({ path, format: 'wav', left: ea, right: eb });
    await talk(1);
    await ea.close();
    const result = await rec.stop();
    assert.equal(result.path, path);
    assert.ok(result.durationMs > 700, `durationMs ${result.durationMs}`);
    assert.equal(result.bytes, readFileSync(path).length);
    await eb.close();
    a.close();
    b.close();
  });
});
