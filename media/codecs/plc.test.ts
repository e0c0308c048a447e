// Waveform-substitution PLC (ITU-T G.711 Appendix I behaviour) on sox-made sines.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCodec } from './factory.js';
import { WaveformPlc } from './plc.js';
import { SOX_MISSING, Scratch, maxStep, rms, soxRoughHz, soxSine, toneFraction } from './test-support.js';

const scratch = new Scratch();
after(() => scratch.close());
const skip = SOX_MISSING ?? false;

/** Runs `pcm` frame by frame through a PLC, concealing the frames in `lost`; returns the output. */
function run(o: { rate: number; pcm: Int16Array; lost: ReadonlySet<number> }): Int16Array {
  const plc = new WaveformPlc({ sampleRate: o.rate });
  const frame = o.rate / 50;
  const out = new Int16Array(o.pcm.length);
  for (let f = 0; (f + 1) * frame <= o.pcm.length; f++) {
    const slot = out.subarray(f * frame, (f + 1) * frame);
    if (o.lost.has(f)) {
      assert.equal(plc.conceal(slot, frame), frame);
    } else {
      slot.set(o.pcm.subarray(f * frame, (f + 1) * frame));
      plc.decoded(slot, frame);
    }
  }
  return out;
}

describe('PLC: one lost 20 ms frame', () => {
  for (const rate of [8000, 16000, 48000]) {
    it(`${rate} Hz: the concealed frame carries the same tone, with no click at either edge`, { skip }, () => {
      const pcm = soxSine({ scratch, rate, hz: 600, seconds: 0.4, gainDb: -6 });
      const frame = rate / 50;
      const out = run({ rate, pcm, lost: new Set([10]) });
      const concealed = out.subarray(10 * frame, 11 * frame);
      assert.ok(toneFraction({ pcm: concealed, rate, hz: 600 }) > 0.95);
      assert.ok(rms(concealed) > 0.9 * rms(pcm.subarray(10 * frame, 11 * frame)), 'not faded in the first 20 ms');
      const rough = soxRoughHz({ scratch, rate, pcm: out.subarray(8 * frame, 14 * frame) });
      const roughInput = soxRoughHz({ scratch, rate, pcm: pcm.subarray(8 * frame, 14 * frame) });
      assert.ok(Math.abs(rough - roughInput) / roughInput < 0.03, `rough ${rough} vs ${roughInput}`);
      // A click is a step much larger than the sine's own steepest slope.
      const natural = maxStep(pcm);
      const around = maxStep(out, 10 * frame - 4, 12 * frame + 4);
      assert.ok(around <= 1.5 * natural, `step ${around} vs the sine's ${natural}`);
    });
  }

  it('through a codec: PCMU conceal() after decode() continues the tone', { skip }, () => {
    const pcm = soxSine({ scratch, rate: 8000, hz: 600, seconds: 0.2 });
    const codec = createCodec({ name: 'PCMU' });
    const payload = new Uint8Array(160);
    const out = new Int16Array(160);
    for (let f = 0; f < 5; f++) {
      codec.encode(pcm.subarray(f * 160), 160, payload);
      assert.equal(codec.decode(payload, 160, out), 160);
    }
    assert.equal(codec.conceal(out, 160), 160);
    assert.ok(toneFraction({ pcm: out, rate: 8000, hz: 600 }) > 0.9);
  });
});

describe('PLC: a long loss (G.711 Appendix I.2.3)', () => {
  it('fades after 10 ms, is silent from 60 ms on, and fades back in without a click', { skip }, () => {
    const rate = 8000;
    const pcm = soxSine({ scratch, rate, hz: 600, seconds: 0.4, gainDb: -6 });
    const lost = new Set([5, 6, 7, 8, 9]); // 100 ms
    const out = run({ rate, pcm, lost });
    const level = (f: number): number => rms(out.subarray(f * 160, (f + 1) * 160));
    assert.ok(level(6) < level(5), 'second lost frame is quieter');
    assert.ok(level(7) < level(6));
    assert.equal(level(8), 0, 'silent from 60 ms');
    assert.equal(level(9), 0);
    assert.ok(level(11) > 0.9 * rms(pcm.subarray(11 * 160, 12 * 160)), 'back to full level');
    assert.ok(maxStep(out, 10 * 160 - 2, 11 * 160) <= 1.5 * maxStep(pcm), 'no click when packets return');
  });
});
