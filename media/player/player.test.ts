// Clips are sox tones; what the Player and LoopSource put out is checked against those clips
// concatenated or repeated by index arithmetic, and events against where each clip ends.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { Player, type PlayDone } from './player.js';
import { LoopSource, PcmSource, type FrameSource } from './source.js';
import { PromptCache, loadPrompt } from './loader.js';
import { sox, soxPeakHz, soxTone, tempDir } from './testing.js';

const dir = tempDir();
after(() => dir.remove());

const RATE = 8000;
const FRAME = 160;

function concat(...parts: Int16Array[]): Int16Array {
  const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

function drain(src: FrameSource, frame: number, maxFrames: number): Int16Array {
  const out = new Int16Array(frame);
  const got: number[] = [];
  for (let k = 0; k < maxFrames; k++) {
    const n = src.read(out, frame);
    for (let i = 0; i < n; i++) got.push(out[i]!);
    if (n < frame) break;
  }
  return Int16Array.from(got);
}

describe('Player', () => {
  // 0.1 s, 0.05 s and 0.13125 s: none a whole number of 20 ms frames.
  const a = soxTone({ dir, rate: RATE, hz: 400, seconds: 0.1 + 3 / RATE });
  const b = soxTone({ dir, rate: RATE, hz: 600, seconds: 0.05 + 7 / RATE });
  const c = soxTone({ dir, rate: RATE, hz: 900, seconds: 0.13125 });

  it('plays items in order without gaps and reports each finished in the frame where it ends', () => {
    const events: Array<PlayDone & { frame: number }> = [];
    let frame = 0;
    const p = new Player({ onDone: (d) => events.push({ ...d, frame }) });
    p.play({ id: 'a', source: new PcmSource({ sampleRate: RATE, samples: a }) });
    p.play({ id: 'b', source: new PcmSource({ sampleRate: RATE, samples: b }) });
    p.play({ id: 'c', source: new PcmSource({ sampleRate: RATE, samples: c }) });
    const out = new Int16Array(FRAME);
    const heard: number[] = [];
    let fromItems = 0;
    for (; frame < 40; frame++) {
      fromItems += p.read(out, FRAME);
      heard.push(...out);
    }
    const expected = concat(a, b, c);
    assert.equal(fromItems, expected.length);
    assert.deepEqual(Int16Array.from(heard.slice(0, expected.length)), expected);
    assert.ok(heard.slice(expected.length).every((s) => s === 0), 'silence after the queue');
    const ends = [a.length, a.length + b.length, expected.length];
    assert.deepEqual(
      events,
      ['a', 'b', 'c'].map((id, i) => ({ id, reason: 'finished', frame: Math.floor(ends[i]! / FRAME) })),
    );
    assert.equal(p.busy, false);
  });

  it('stop() ends the item playing at once; the next one starts from its beginning on the next read', () => {
    const events: PlayDone[] = [];
    const p = new Player({ onDone: (d) => events.push(d) });
    p.play({ id: 'a', source: new PcmSource({ sampleRate: RATE, samples: a }) });
    p.play({ id: 'b', source: new PcmSource({ sampleRate: RATE, samples: b }) });
    const out = new Int16Array(FRAME);
    p.read(out, FRAME);
    p.read(out, FRAME);
    assert.equal(p.stop(), true);
    assert.deepEqual(events, [{ id: 'a', reason: 'stopped' }]);
    assert.equal(p.read(out, FRAME), FRAME);
    assert.deepEqual(out, b.subarray(0, FRAME));
  });

  it('stop({ id }) removes a queued item; clear() stops everything in queue order', () => {
    const events: PlayDone[] = [];
    const p = new Player({ onDone: (d) => events.push(d) });
    for (const id of ['a', 'b', 'c', 'd']) p.play({ id, source: new PcmSource({ sampleRate: RATE, samples: a }) });
    assert.equal(p.stop({ id: 'c' }), true);
    assert.equal(p.stop({ id: 'zz' }), false);
    p.clear();
    assert.deepEqual(events.map((e) => `${e.id}:${e.reason}`), ['c:stopped', 'a:stopped', 'b:stopped', 'd:stopped']);
    const out = new Int16Array(FRAME).fill(7);
    assert.equal(p.read(out, FRAME), 0);
    assert.ok(out.every((s) => s === 0));
  });

  it('queues any FrameSource (the tone generator shape) and contains a throwing onDone', () => {
    const errors: unknown[] = [];
    const p = new Player({
      onDone: () => {
        throw new Error('listener bug');
      },
      onError: (e) => errors.push(e),
    });
    let left = 200;
    const ones: FrameSource = {
      read(out, samples) {
        const n = Math.min(samples, left);
        out.fill(1, 0, n);
        left -= n;
        return n;
      },
    };
    p.play({ id: 't', source: ones });
    p.play({ id: 'a', source: new PcmSource({ sampleRate: RATE, samples: a }) });
    const out = new Int16Array(FRAME);
    p.read(out, FRAME);
    assert.equal(p.read(out, FRAME), FRAME);
    assert.deepEqual(out.subarray(0, 40), new Int16Array(40).fill(1));
    assert.deepEqual(out.subarray(40), a.subarray(0, FRAME - 40));
    assert.equal(errors.length, 1);
    assert.equal(p.current, 'a');
  });
});

describe('LoopSource (music on hold)', () => {
  it('repeats its source sample for sample across frame edges, with no jump at the loop point', () => {
    // 41 periods of 400 Hz at 8 kHz: 820 samples, not a whole number of 160-sample frames.
    const clip = soxTone({ dir, rate: RATE, hz: 400, seconds: 820 / RATE });
    assert.equal(clip.length, 820);
    const loop = new LoopSource({ source: new PcmSource({ sampleRate: RATE, samples: clip }) });
    const out = new Int16Array(FRAME);
    const heard: number[] = [];
    for (let k = 0; k < 30; k++) {
      assert.equal(loop.read(out, FRAME), FRAME);
      heard.push(...out);
    }
    heard.forEach((s, i) => assert.equal(s, clip[i % clip.length], `sample ${i}`));
    // The source's own discontinuities: between its samples, and from its last sample to its first.
    let inside = Math.abs(clip[0]! - clip[clip.length - 1]!);
    for (let i = 1; i < clip.length; i++) inside = Math.max(inside, Math.abs(clip[i]! - clip[i - 1]!));
    for (let i = 1; i < heard.length; i++) assert.ok(Math.abs(heard[i]! - heard[i - 1]!) <= inside, `jump at ${i}`);
    assert.ok(loop.loops >= 5);
  });

  it('a source shorter than a frame loops several times within it; an empty one gives silence', () => {
    const clip = soxTone({ dir, rate: 48000, hz: 1000, seconds: 0.00625 }); // 300 samples
    const loop = new LoopSource({ source: new PcmSource({ sampleRate: 48000, samples: clip }) });
    const out = new Int16Array(960);
    assert.equal(loop.read(out, 960), 960);
    out.forEach((s, i) => assert.equal(s, clip[i % 300]));
    const empty = new LoopSource({ source: new PcmSource({ sampleRate: RATE, samples: new Int16Array(0) }) });
    const o2 = new Int16Array(FRAME).fill(5);
    assert.equal(empty.read(o2, FRAME), FRAME);
    assert.ok(o2.every((s) => s === 0));
  });
});

describe('PcmSource fed by TTS', () => {
  it('16 kHz chunks pushed into an 8 kHz session keep the tone and come to exactly half the samples', () => {
    const speech = soxTone({ dir, rate: 16000, hz: 500, seconds: 1 });
    const src = new PcmSource({ sampleRate: RATE });
    const sizes = [1, 333, 1000, 17, 4096, 160];
    for (let at = 0, k = 0; at < speech.length; k++) {
      const n = Math.min(sizes[k % sizes.length]!, speech.length - at);
      assert.equal(src.push(speech.slice(at, at + n), 16000), true);
      at += n;
    }
    src.end();
    const got = drain(src, FRAME, 100);
    assert.equal(got.length, 8000);
    assert.equal(src.read(new Int16Array(FRAME), FRAME), 0);
    assert.ok(Math.abs(soxPeakHz({ dir, samples: got, rate: RATE, trimS: 0.05 }) - 500) <= 2);
  });

  it('before end() an empty buffer answers a silent full frame (underrun); after end() it ends', () => {
    const src = new PcmSource({ sampleRate: RATE });
    const out = new Int16Array(FRAME).fill(9);
    assert.equal(src.read(out, FRAME), FRAME);
    assert.ok(out.every((s) => s === 0));
    assert.equal(src.underruns, 1);
    src.push(new Int16Array(100).fill(3), RATE);
    assert.equal(src.read(out, FRAME), FRAME);
    assert.deepEqual(out.subarray(0, 100), new Int16Array(100).fill(3));
    src.end();
    assert.equal(src.read(out, FRAME), 0);
    assert.equal(src.push(new Int16Array(10), RATE), false);
    assert.equal(src.dropped, 10);
    src.reset();
    assert.equal(src.read(out, FRAME), 100);
  });

  it('stops taking audio at maxSamples and counts what it dropped', () => {
    const src = new PcmSource({ sampleRate: RATE, maxSamples: 250 });
    src.push(new Int16Array(200), RATE);
    src.push(new Int16Array(200), RATE);
    assert.equal(src.buffered, 250);
    assert.equal(src.dropped, 150);
  });
});

describe('PromptCache', () => {
  const wav = dir.file('welcome.wav');
  sox(['-n', '-r', '44100', '-c', '2', '-b', '16', wav, 'synth', '0.5', 'sine', '440']);

  it('loads a WAV once per path and rate, and reloads it when the file changes', async () => {
    const cache = new PromptCache();
    const [r1, r2] = await Promise.all([cache.load({ path: wav, sampleRate: 8000 }), cache.load({ path: wav, sampleRate: 8000 })]);
    assert.ok(r1.ok && r2.ok);
    assert.equal(r1.prompt.samples, r2.prompt.samples);
    assert.equal(r1.prompt.samples.length, 4000);
    assert.equal(r1.prompt.fileRate, 44100);
    const r3 = await cache.load({ path: wav, sampleRate: 16000 });
    assert.ok(r3.ok && r3.prompt.samples.length === 8000);
    assert.equal(cache.misses, 2);
    assert.equal(cache.bytes, 8000 + 16000);

    sox(['-n', '-r', '8000', '-c', '1', '-b', '16', wav, 'synth', '0.25', 'sine', '440']);
    utimesSync(wav, new Date(), new Date(Date.now() + 5000));
    const r4 = await cache.load({ path: wav, sampleRate: 8000 });
    assert.ok(r4.ok && r4.prompt.samples.length === 2000);
    assert.equal(cache.bytes, 4000 + 16000);
  });

  it('evicts the least recently used prompts beyond maxBytes', async () => {
    const files = ['p1', 'p2', 'p3'].map((n) => {
      const f = dir.file(`${n}.wav`);
      sox(['-n', '-r', '8000', '-c', '1', '-b', '16', f, 'synth', '0.1', 'sine', '300']);
      return f;
    });
    const cache = new PromptCache({ maxBytes: 3200 }); // two 800-sample prompts
    for (const path of files) assert.ok((await cache.load({ path, sampleRate: 8000 })).ok);
    assert.equal(cache.size, 2);
    await cache.load({ path: files[1]!, sampleRate: 8000 });
    assert.equal(cache.hits, 1);
    await cache.load({ path: files[0]!, sampleRate: 8000 });
    assert.equal(cache.misses, 4);
  });

  it('a missing or malformed file is an error value, and is not cached', async () => {
    const cache = new PromptCache();
    const missing = await cache.load({ path: dir.file('nope.wav'), sampleRate: 8000 });
    assert.equal(!missing.ok && missing.error.code, 'read-failed');
    const junk = dir.file('junk.wav');
    writeFileSync(junk, 'RIFF....WAVEjunk');
    const bad = await loadPrompt({ path: junk, sampleRate: 8000 });
    assert.equal(!bad.ok && bad.error.code, 'no-fmt');
    assert.equal((await cache.load({ path: junk, sampleRate: 8000 })).ok, false);
    assert.equal(cache.size, 0);
  });
});
