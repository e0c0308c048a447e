// Recordings read back by independent decoders: sox/soxi for WAV, opusdec (opus-tools) for Ogg/Opus
// and opusinfo for the stream's structure. Input tones come from sox too.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Recorder, type RecorderResult, type RecordingFormat } from './recorder.js';
import { OGG_BOS, OGG_EOS, oggCrc } from './ogg-page.js';
import { channelPeakHz, channelRms, exec, opusdec, readOggPages, soxTone, soxi } from './testing.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hailing-rec-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Feed {
  format: RecordingFormat;
  rate: 8000 | 16000 | 48000;
  channels: 1 | 2;
  seconds: number;
  /** [from, to) seconds during which the recorder is paused */
  pause?: [number, number];
  bitrate?: number;
}

/** Feeds 400 Hz (left) and 800 Hz (right) in 20 ms frames, the clock advancing 20 ms per frame. */
async function record(f: Feed): Promise<RecorderResult> {
  const left = await soxTone({ dir, hz: 400, rate: f.rate, seconds: f.seconds });
  const right = await soxTone({ dir, hz: 800, rate: f.rate, seconds: f.seconds });
  let t = 0;
  const file = path.join(dir, `${f.format}-${f.rate}-${f.channels}-${f.pause ? 'p' : ''}${f.bitrate ?? ''}-${f.seconds}.${f.format}`);
  // queueChunks covers the whole feed: the test writes faster than real time.
  const r = await Recorder.open({ path: file, format: f.format, sampleRate: f.rate, channels: f.channels, now: () => t, queueChunks: 16, ...(f.bitrate ? { bitrate: f.bitrate } : {}) });
  const n = f.rate / 50;
  for (let i = 0; i < f.seconds * 50; i++) {
    if (f.pause && i === f.pause[0] * 50) r.pause();
    if (f.pause && i === f.pause[1] * 50) r.resume();
    r.write(left.subarray(i * n, (i + 1) * n), f.channels === 2 ? right.subarray(i * n, (i + 1) * n) : null, n);
    t += 20;
  }
  return r.close();
}

/** The file to measure with sox: the WAV itself, or what opusdec decoded from the Ogg. */
const decoded = (res: RecorderResult): Promise<string> => (res.format === 'wav' ? Promise.resolve(res.path) : opusdec(res.path));

describe('WAV recording', () => {
  it('stereo 8 kHz: soxi sees 2 channels at 8000 Hz and the written length; 400 Hz left, 800 Hz right', async () => {
    const res = await record({ format: 'wav', rate: 8000, channels: 2, seconds: 3 });
    assert.deepEqual(await soxi(res.path), { channels: 2, rate: 8000, seconds: 3 });
    assert.ok(Math.abs((await channelPeakHz({ file: res.path, channel: 1 })) - 400) < 5);
    assert.ok(Math.abs((await channelPeakHz({ file: res.path, channel: 2 })) - 800) < 5);
    assert.equal(res.durationMs, 3000);
    assert.equal(res.bytes, 44 + 3 * 8000 * 4);
    assert.equal(res.droppedFrames, 0);
    assert.equal(res.error, null);
    assert.deepEqual(res.pauses, []);
  });

  it('mono 16 kHz: one channel, the tone of the left input', async () => {
    const res = await record({ format: 'wav', rate: 16000, channels: 1, seconds: 2 });
    assert.deepEqual(await soxi(res.path), { channels: 1, rate: 16000, seconds: 2 });
    assert.ok(Math.abs((await channelPeakHz({ file: res.path, channel: 1 })) - 400) < 5);
    assert.equal(res.bytes, 44 + 2 * 16000 * 2);
  });

  it('a recording closed with no audio is still a valid, empty WAV', async () => {
    const file = path.join(dir, 'empty.wav');
    const r = await Recorder.open({ path: file, format: 'wav', sampleRate: 8000, channels: 2, now: () => 0 });
    const res = await r.close();
    assert.equal((await soxi(file)).seconds, 0);
    assert.equal(res.bytes, 44);
    assert.equal(await r.close(), res, 'close() is idempotent');
  });
});

describe('Ogg/Opus recording', () => {
  for (const rate of [8000, 16000, 48000] as const) {
    it(`stereo ${rate} Hz: opusdec decodes the written length, 400 Hz left and 800 Hz right`, async () => {
      const res = await record({ format: 'ogg', rate, channels: 2, seconds: 3 });
      const wav = await decoded(res);
      const info = await soxi(wav);
      assert.equal(info.channels, 2);
      // End trimming (RFC 7845 §4.4) makes the decoded length exactly the input's.
      assert.ok(Math.abs(info.seconds - 3) < 0.001, `decoded ${info.seconds} s`);
      assert.ok(Math.abs((await channelPeakHz({ file: wav, channel: 1 })) - 400) < 8);
      assert.ok(Math.abs((await channelPeakHz({ file: wav, channel: 2 })) - 800) < 8);
      assert.equal(res.durationMs, 3000);
      assert.equal(res.droppedFrames, 0);
    });
  }

  it('at 510 kb/s a second of packets needs more than 255 lacing values: pages close early: still every sample, opusinfo content', async () => {
    const res = await record({ format: 'ogg', rate: 48000, channels: 2, seconds: 3, bitrate: 510000 });
    const pages = readOggPages(await readFile(res.path));
    assert.ok(pages.length > 2 + 3, `${pages.length} pages`);
    assert.ok(Math.abs((await soxi(await decoded(res))).seconds - 3) < 0.001);
    assert.doesNotMatch(await exec('opusinfo', [res.path]), /WARNING|ERROR/i);
  });

  it('opusinfo reads the stream without complaint and reports the session rate and 3 s', async () => {
    const res = await record({ format: 'ogg', rate: 16000, channels: 1, seconds: 3 });
    const text = await exec('opusinfo', [res.path]);
    assert.doesNotMatch(text, /WARNING|ERROR/i);
    assert.match(text, /Original sample rate: 16000 Hz/);
    assert.match(text, /Channels: 1/);
    assert.match(text, /Playback length: 0m:03\.000s/);
  });

  it('RFC 7845 §3: OpusHead alone on a BOS page, OpusTags next, audio pages after; EOS last; pages at most a second apart', async () => {
    const res = await record({ format: 'ogg', rate: 8000, channels: 2, seconds: 3 });
    const pages = readOggPages(await readFile(res.path));
    const [head, tags, ...audio] = pages;
    assert.ok(head && tags && audio.length > 0);
    assert.equal(head.flags, OGG_BOS);
    assert.equal(head.packets.length, 1);
    assert.equal(head.granule, 0n);
    assert.equal(tags.packets[0]?.toString('latin1', 0, 8), 'OpusTags');
    assert.equal(tags.granule, 0n);
    for (const [i, p] of pages.entries()) {
      assert.equal(p.sequence, i);
      assert.equal(p.serial, head.serial);
      assert.equal(oggCrc(p.zeroed, 0, p.zeroed.length), p.crc);
    }
    assert.equal(audio.at(-1)?.flags, OGG_EOS);
    // 50 packets (1 s) per page at most; last granule = pre-skip 312 + 3 s at 48 kHz
    for (const p of audio) assert.ok(p.packets.length <= 51);
    assert.equal(audio.at(-1)?.granule, BigInt(312 + 3 * 48000));
  });
});

describe('pause / resume (card payments)', () => {
  for (const format of ['wav', 'ogg'] as const) {
    it(`${format}: the paused second is silence, the timeline keeps its length, the pause is reported`, async () => {
      const res = await record({ format, rate: 8000, channels: 2, seconds: 3, pause: [1, 2] });
      assert.deepEqual(res.pauses, [{ atMs: 1000, durationMs: 1000 }]);
      assert.equal(res.durationMs, 3000);
      const file = await decoded(res);
      assert.ok(Math.abs((await soxi(file)).seconds - 3) < 0.001);
      // Opus smears a few ms across the edges: measure inside each part.
      for (const channel of [1, 2]) {
        const paused = await channelRms({ file, channel, trim: [1.05, 0.9] });
        assert.ok(paused < 0.001, `${format} ch${channel} paused RMS ${paused}`);
        for (const start of [0.05, 2.05]) {
          const rms = await channelRms({ file, channel, trim: [start, 0.9] });
          assert.ok(rms > 0.2, `${format} ch${channel} RMS ${rms} at ${start} s`);
        }
      }
    });
  }

  it('a pause still running at close ends there; pause() twice counts once', async () => {
    let t = 0;
    const file = path.join(dir, 'pause-open.wav');
    const r = await Recorder.open({ path: file, format: 'wav', sampleRate: 8000, channels: 1, now: () => t });
    const frame = new Int16Array(160).fill(1000);
    for (let i = 0; i < 100; i++) {
      if (i === 25) r.pause();
      if (i === 30) r.pause();
      r.write(frame, null, 160);
      t += 20;
    }
    const res = await r.close();
    assert.deepEqual(res.pauses, [{ atMs: 500, durationMs: 1500 }]);
    assert.equal((await soxi(file)).seconds, 2);
  });
});
