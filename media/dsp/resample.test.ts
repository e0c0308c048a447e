// Tones come from sox and are measured by sox (spectrum peak, RMS); expected frequencies are the
// ones sox was asked to make, expected lengths are rate arithmetic.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Resampler, resampleAll, type ResampleQuality } from './resample.js';
import { db, readRaw, sox, soxPeakHz, soxRms, soxTone, tempDir } from '../player/testing.js';

const dir = tempDir();
after(() => dir.remove());

/** streams `input` through `r` in frames of `frame` samples, as the worker's tick would */
function stream(r: Resampler, input: Int16Array, frame: number): Int16Array {
  const out = new Int16Array(r.outputCapacity(input.length) + 1);
  const chunk = new Int16Array(frame);
  const tmp = new Int16Array(r.outputCapacity(frame));
  let w = 0;
  for (let i = 0; i < input.length; i += frame) {
    const n = Math.min(frame, input.length - i);
    chunk.set(input.subarray(i, i + n));
    const got = r.process(chunk, n, tmp);
    out.set(tmp.subarray(0, got), w);
    w += got;
  }
  return out.subarray(0, w);
}

describe('Resampler: frequency and level', () => {
  it('a 1 kHz sine at 8 kHz → 48 kHz → 8 kHz keeps its frequency and level, frame by frame', () => {
    const tone = soxTone({ dir, rate: 8000, hz: 1000, seconds: 1 });
    const up = stream(new Resampler({ fromRate: 8000, toRate: 48000 }), tone, 160);
    assert.equal(up.length, 48000);
    // 4096-point DFT at 48 kHz: bins 11.7 Hz apart.
    assert.ok(Math.abs(soxPeakHz({ dir, samples: up, rate: 48000, trimS: 0.05 }) - 1000) <= 12);
    const down = stream(new Resampler({ fromRate: 48000, toRate: 8000 }), up, 960);
    assert.equal(down.length, 8000);
    assert.ok(Math.abs(soxPeakHz({ dir, samples: down, rate: 8000, trimS: 0.05 }) - 1000) <= 2);
    const level = db(soxRms({ dir, samples: down, rate: 8000, trimS: 0.1 }), soxRms({ dir, samples: tone, rate: 8000, trimS: 0.1 }));
    assert.ok(Math.abs(level) < 0.1, `level changed by ${level} dB`);
  });

  for (const quality of ['low', 'medium', 'high'] as ResampleQuality[]) {
    it(`${quality}: a 3.5 kHz tone 48 kHz → 8 kHz passes; a 6 kHz tone is attenuated ≥ 40 dB (anti-alias)`, () => {
      const pass = soxTone({ dir, rate: 48000, hz: 3500, seconds: 1 });
      const out = stream(new Resampler({ fromRate: 48000, toRate: 8000, quality }), pass, 960);
      assert.equal(out.length, 8000);
      assert.ok(Math.abs(soxPeakHz({ dir, samples: out, rate: 8000, trimS: 0.1 }) - 3500) <= 2);
      const inRms = soxRms({ dir, samples: pass, rate: 48000, trimS: 0.1 });
      const passDb = db(soxRms({ dir, samples: out, rate: 8000, trimS: 0.1 }), inRms);
      // 'low' is flat to 80 % of Nyquist (3.2 kHz): 3.5 kHz is in its transition band.
      assert.ok(passDb > (quality === 'low' ? -6.5 : -0.5), `3.5 kHz changed by ${passDb} dB`);

      const alias = soxTone({ dir, rate: 48000, hz: 6000, seconds: 1 });
      const folded = stream(new Resampler({ fromRate: 48000, toRate: 8000, quality }), alias, 960);
      const stopDb = db(soxRms({ dir, samples: folded, rate: 8000, trimS: 0.1 }), inRms);
      assert.ok(stopDb <= -40, `6 kHz only attenuated by ${-stopDb} dB`);
    });
  }

  it('8 kHz → 48 kHz leaves no image of a 3 kHz tone above 4 kHz (anti-image)', () => {
    const tone = soxTone({ dir, rate: 8000, hz: 3000, seconds: 1 });
    const up = stream(new Resampler({ fromRate: 8000, toRate: 48000 }), tone, 160);
    assert.ok(Math.abs(soxPeakHz({ dir, samples: up, rate: 48000, trimS: 0.1 }) - 3000) <= 12);
    const all = soxRms({ dir, samples: up, rate: 48000, trimS: 0.1 });
    // sox's own high-pass at 4.5 kHz keeps only the image (at 8 − 3 = 5 kHz, 11, 13 kHz, ...).
    const image = soxRms({ dir, samples: up, rate: 48000, trimS: 0.1, effects: ['sinc', '4500'] });
    assert.ok(db(image, all) <= -40, `image only ${-db(image, all)} dB down`);
  });

  it('44.1 kHz prompt audio → 8 kHz with the filter delay removed matches sox`s own rate conversion', () => {
    const input = soxTone({ dir, rate: 44100, hz: 440, seconds: 1 });
    const ref = dir.file('a440-8k.raw');
    sox(['-D', '-t', 's16', '-r', '44100', '-c', '1', dir.file('tone-44100-440-1.raw'), '-t', 's16', '-r', '8000', ref]);
    const ours = resampleAll({ input, fromRate: 44100, toRate: 8000 });
    const theirs = readRaw(ref);
    assert.equal(ours.length, Math.ceil((input.length * 8000) / 44100));
    assert.ok(Math.abs(ours.length - theirs.length) <= 1);
    let err = 0;
    let sig = 0;
    for (let i = 800; i < 7200; i++) {
      err += (ours[i]! - theirs[i]!) ** 2;
      sig += theirs[i]! ** 2;
    }
    assert.ok(db(Math.sqrt(err), Math.sqrt(sig)) < -60, `differs from sox by ${db(Math.sqrt(err), Math.sqrt(sig))} dB`);
  });

  it('an awkward ratio (44101 → 48000, interpolated phases) keeps a 1 kHz tone', () => {
    const tone = soxTone({ dir, rate: 44101, hz: 1000, seconds: 1 });
    const out = stream(new Resampler({ fromRate: 44101, toRate: 48000 }), tone, 882);
    assert.equal(out.length, Math.ceil((tone.length * 48000) / 44101));
    assert.ok(Math.abs(soxPeakHz({ dir, samples: out, rate: 48000, trimS: 0.1 }) - 1000) <= 12);
    const level = db(soxRms({ dir, samples: out, rate: 48000, trimS: 0.1 }), soxRms({ dir, samples: tone, rate: 44101, trimS: 0.1 }));
    assert.ok(Math.abs(level) < 0.1, `level changed by ${level} dB`);
  });
});

describe('Resampler: streaming', () => {
  it('a 1:1 ratio copies the input unchanged', () => {
    const tone = soxTone({ dir, rate: 16000, hz: 700, seconds: 0.1 });
    const r = new Resampler({ fromRate: 16000, toRate: 16000 });
    const out = new Int16Array(tone.length);
    assert.equal(r.process(tone, tone.length, out), tone.length);
    assert.deepEqual(out, tone);
  });

  it('20 ms frames between session rates give exactly one 20 ms frame each, over many frames', () => {
    const pairs = [
      [8000, 48000],
      [48000, 8000],
      [8000, 16000],
      [16000, 8000],
      [16000, 48000],
      [48000, 16000],
      [44100, 8000],
      [22050, 16000],
      [44100, 48000],
    ] as const;
    for (const [from, to] of pairs) {
      const r = new Resampler({ fromRate: from, toRate: to });
      const frame = new Int16Array(from / 50);
      const out = new Int16Array(to / 50 + 1);
      for (let k = 0; k < 500; k++) assert.equal(r.process(frame, frame.length, out), to / 50, `${from} → ${to} frame ${k}`);
    }
  });

  it('any chunking gives ceil(total · to / from) samples so far, and the same samples as one call', () => {
    const rates = [8000, 11025, 16000, 22050, 44100, 48000];
    const input = soxTone({ dir, rate: 8000, hz: 1234, seconds: 0.25, volume: 0.9 });
    fc.assert(
      fc.property(
        fc.constantFrom(...rates),
        fc.constantFrom(...rates),
        fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 12 }),
        (from, to, sizes) => {
          const whole = new Resampler({ fromRate: from, toRate: to });
          const ref = new Int16Array(whole.outputCapacity(input.length));
          const refN = whole.process(input, input.length, ref);
          assert.equal(refN, Math.ceil((input.length * to) / from));
          const r = new Resampler({ fromRate: from, toRate: to });
          const got: number[] = [];
          const tmp = new Int16Array(r.outputCapacity(input.length));
          let total = 0;
          for (let at = 0, k = 0; at < input.length; k++) {
            const n = Math.min(sizes[k % sizes.length]! || 1, input.length - at);
            const w = r.process(input.subarray(at, at + n), n, tmp);
            at += n;
            total += w;
            assert.equal(total, Math.ceil((at * to) / from));
            for (let i = 0; i < w; i++) got.push(tmp[i]!);
          }
          assert.deepEqual(Int16Array.from(got), ref.subarray(0, refN));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a too-small output array loses samples, counted, and never throws', () => {
    const r = new Resampler({ fromRate: 8000, toRate: 48000 });
    const out = new Int16Array(100);
    assert.equal(r.process(new Int16Array(160), 160, out), 100);
    assert.equal(r.overruns, 860);
    assert.equal(r.process(new Int16Array(160), 1000, new Int16Array(960)), 960);
  });
});
