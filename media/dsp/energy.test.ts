// Frame energy against sox's own RMS, and the energy gate on sox pink-noise bursts (speech-like
// level changes) versus silence and steady noise.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EnergyGate, frameRmsDbfs, SILENCE_DBFS } from './energy.js';
import { concat, silence, soxAddWhiteNoise, soxField, soxMeasure, soxSynth } from './test-support.js';

const rate = 8000;
const FRAME = 160;

/** gate decision per 20 ms frame */
function gate(pcm: Int16Array, g = new EnergyGate()): boolean[] {
  const out: boolean[] = [];
  for (let at = 0; at + FRAME <= pcm.length; at += FRAME) out.push(g.process(pcm.subarray(at, at + FRAME), FRAME));
  return out;
}
const share = (xs: boolean[]): number => xs.filter(Boolean).length / Math.max(1, xs.length);

describe('frameRmsDbfs', () => {
  it('matches sox stat RMS for a sine and for pink noise', () => {
    for (const effects of [['synth', '0.02', 'sine', '1000', 'vol', '-6dB'], ['synth', '0.02', 'pinknoise', 'vol', '-20dB']]) {
      const pcm = soxSynth({ rate, effects });
      const soxDb = 20 * Math.log10(soxField(soxMeasure({ rate, pcm }), 'RMS\\s+amplitude'));
      assert.ok(Math.abs(frameRmsDbfs(pcm, pcm.length) - soxDb) < 0.05, `${frameRmsDbfs(pcm, pcm.length)} vs sox ${soxDb}`);
    }
  });
  it('a sine 1 dB below full scale is -4.01 dBFS; digital silence is the floor', () => {
    // (sox leaves headroom on a bare synth; with `vol` the sine's peak is the given level)
    const pcm = soxSynth({ rate, effects: ['synth', '0.02', 'sine', '400', 'vol', '-1dB'] });
    assert.ok(Math.abs(frameRmsDbfs(pcm, pcm.length) + 4.01) < 0.05);
    assert.equal(frameRmsDbfs(new Int16Array(160), 160), SILENCE_DBFS);
  });
});

describe('EnergyGate', () => {
  // Bursts of sox pink noise (speech-band energy) at about -26 dBFS RMS, 400 ms on / 600 ms off, over a
  // line with white noise at -60 dBFS.
  const on = () => soxSynth({ rate, effects: ['synth', '0.4', 'pinknoise', 'vol', '-12dB'] });
  const bursts = concat([silence({ rate, seconds: 1 }), on(), silence({ rate, seconds: 0.6 }), on(), silence({ rate, seconds: 0.6 }), on(), silence({ rate, seconds: 1 })]);
  const line = soxAddWhiteNoise({ rate, pcm: bursts, rmsDbfs: -60 });
  const frames = gate(line);
  const at = (s: number): number => Math.round(s * 50);

  it('opens on every burst and closes in the pauses after the hangover (300 ms)', () => {
    for (const start of [1, 2, 3]) assert.ok(frames.slice(at(start), at(start + 0.4)).every(Boolean), `burst at ${start} s`);
    for (const pause of [1.4, 2.4]) assert.ok(frames.slice(at(pause + 0.32), at(pause + 0.6)).every((x) => !x), `pause at ${pause} s`);
  });
  it('stays closed over line noise and digital silence', () => {
    assert.equal(share(frames.slice(0, at(1))), 0);
    assert.equal(share(gate(new Int16Array(rate))), 0);
  });
  it('follows a louder noise floor: bursts 12 dB above white noise at -38 dBFS still open it, the noise alone does not', () => {
    const noisy = soxAddWhiteNoise({ rate, pcm: bursts, rmsDbfs: -38 });
    const f = gate(noisy);
    assert.ok(share(f.slice(at(1), at(1.4))) > 0.9);
    assert.ok(share(f.slice(at(0.2), at(1))) === 0, 'noise before the first burst');
  });
  it('steady noise, however loud, becomes the floor and closes the gate after the window and hangover', () => {
    const steady = soxSynth({ rate, effects: ['synth', '3', 'pinknoise', 'vol', '-12dB'] });
    const f = gate(concat([silence({ rate, seconds: 1 }), steady]));
    assert.ok(f[at(1.1)], 'opens when it starts');
    assert.equal(share(f.slice(at(2.5), at(4))), 0);
  });
});
