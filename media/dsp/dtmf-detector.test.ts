// In-band DTMF detection against tones made by sox, judged by ITU-T Q.23 (frequencies) and Q.24
// (duration, frequency tolerance, twist, level) limits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfDetector, type DtmfDigit } from './dtmf-detector.js';
import { concat, feedFrames, silence, soxAddWhiteNoise, soxSynth, soxTones, type ToneSpec } from './test-support.js';

// Q.23 Figure 1: the keypad's rows and columns, written down from the recommendation.
const Q23: Record<string, [number, number]> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
};
const ALL = Object.keys(Q23).join('');
const RATES = [8000, 16000, 48000];

function pair(digit: string, o: { scale?: number; rowDbm0?: number; colDbm0?: number } = {}): ToneSpec[] {
  const [r, c] = Q23[digit]!;
  const s = o.scale ?? 1;
  return [{ hz: r * s, dbm0: o.rowDbm0 ?? -7 }, { hz: c * s, dbm0: o.colDbm0 ?? -5 }];
}

function detect(rate: number, pcm: Int16Array, chunk?: number): DtmfDigit[] {
  const got: DtmfDigit[] = [];
  const d = new DtmfDetector({ sampleRate: rate, onDigit: (x) => got.push(x) });
  if (chunk === undefined) feedFrames({ rate, pcm, process: (f, n, t) => d.process(f, n, t) });
  else for (let at = 0; at < pcm.length; at += chunk) d.process(pcm.subarray(at, at + chunk), Math.min(chunk, pcm.length - at), (at * 1000) / rate);
  d.flush();
  return got;
}

/** digits of `seconds` each at the given options, 60 ms apart, after 100 ms of silence */
function sequence(rate: number, digits: string, seconds: number, o: Parameters<typeof pair>[1] = {}): Int16Array {
  const parts = [silence({ rate, seconds: 0.1 })];
  for (const d of digits) parts.push(soxTones({ rate, seconds, tones: pair(d, o) }), silence({ rate, seconds: 0.06 }));
  return concat(parts);
}

const digitsOf = (got: DtmfDigit[]): string => got.map((g) => g.digit).join('');

describe('DTMF detector (Goertzel; ITU-T Q.23/Q.24)', () => {
  for (const rate of RATES) {
    describe(`${rate} Hz`, () => {
      const clean = sequence(rate, ALL, 0.08);
      it('Q.23: detects all 16 digits of 80 ms', () => {
        assert.equal(digitsOf(detect(rate, clean)), ALL);
      });
      it('detects all 16 digits with white noise 20 dB below the tones (sox whitenoise)', () => {
        // The pair at -7/-5 dBm0 has an RMS of -6.1 dBm0 = -9.2 dBFS: noise at -29.2 dBFS.
        const noisy = soxAddWhiteNoise({ rate, pcm: clean, rmsDbfs: -29.2 });
        assert.equal(digitsOf(detect(rate, noisy)), ALL);
      });
      it('the result does not depend on how the stream is cut into calls', () => {
        assert.equal(digitsOf(detect(rate, clean, 37)), ALL);
      });
      it('Q.24: accepts frequencies off by ±1.5 %', () => {
        assert.equal(digitsOf(detect(rate, sequence(rate, ALL, 0.08, { scale: 1.015 }))), ALL);
        assert.equal(digitsOf(detect(rate, sequence(rate, ALL, 0.08, { scale: 0.985 }))), ALL);
      });
      it('Q.24: rejects frequencies off by ±3.5 %', () => {
        assert.equal(digitsOf(detect(rate, sequence(rate, ALL, 0.08, { scale: 1.035 }))), '');
        assert.equal(digitsOf(detect(rate, sequence(rate, ALL, 0.08, { scale: 0.965 }))), '');
      });
    });
  }

  describe('duration (Q.24: accept >= 40 ms, reject < 23 ms)', () => {
    const rate = 8000;
    // Every alignment of the tone against the 12.75 ms blocks: start offsets 0..12 ms.
    const burst = (ms: number, offsetMs: number): Int16Array =>
      concat([silence({ rate, seconds: 0.1 + offsetMs / 1000 }), soxTones({ rate, seconds: ms / 1000, tones: pair('9') }), silence({ rate, seconds: 0.1 })]);
    it('rejects a 15 ms and a 22 ms burst at every alignment', () => {
      for (const ms of [15, 22]) for (let off = 0; off < 13; off++) assert.deepEqual(detect(rate, burst(ms, off)), [], `${ms} ms at +${off} ms`);
    });
    it('accepts a 40 ms tone at every alignment', () => {
      for (let off = 0; off < 13; off++) assert.equal(digitsOf(detect(rate, burst(40, off))), '9', `40 ms at +${off} ms`);
    });
    it('reports start and duration within one block (12.75 ms)', () => {
      for (const rate2 of RATES)
        for (const ms of [50, 80, 200]) {
          const pcm = concat([silence({ rate: rate2, seconds: 0.105 }), soxTones({ rate: rate2, seconds: ms / 1000, tones: pair('5') }), silence({ rate: rate2, seconds: 0.1 })]);
          const got = detect(rate2, pcm);
          assert.equal(got.length, 1, `${ms} ms at ${rate2}`);
          assert.ok(Math.abs(got[0]!.durationMs - ms) <= 12.75, `${ms} ms at ${rate2} Hz: measured ${got[0]!.durationMs}`);
          assert.ok(Math.abs(got[0]!.startMs - 105) <= 12.75, `start ${got[0]!.startMs} for 105`);
        }
    });
    it('a 10 ms interruption does not split a digit (Q.24), a 60 ms pause does', () => {
      const tone = soxTones({ rate, seconds: 0.06, tones: pair('0') });
      const gap10 = concat([silence({ rate, seconds: 0.1 }), tone, silence({ rate, seconds: 0.01 }), tone, silence({ rate, seconds: 0.1 })]);
      assert.equal(digitsOf(detect(rate, gap10)), '0');
      const gap60 = concat([silence({ rate, seconds: 0.1 }), tone, silence({ rate, seconds: 0.06 }), tone, silence({ rate, seconds: 0.1 })]);
      assert.equal(digitsOf(detect(rate, gap60)), '00');
    });
  });

  describe('talk-off and signal conditions', () => {
    const rate = 8000;
    const one = (tones: ToneSpec[]): DtmfDigit[] => detect(rate, concat([silence({ rate, seconds: 0.1 }), soxTones({ rate, seconds: 0.1, tones }), silence({ rate, seconds: 0.1 })]));
    it('rejects a single tone (a row or a column alone)', () => {
      assert.deepEqual(one([{ hz: 697, dbm0: -5 }]), []);
      assert.deepEqual(one([{ hz: 1336, dbm0: -5 }]), []);
    });
    it('Q.24 twist: accepts row +6 dB (normal) and column +3 dB (reverse)', () => {
      assert.equal(digitsOf(one(pair('5', { rowDbm0: -6, colDbm0: -12 }))), '5');
      assert.equal(digitsOf(one(pair('5', { rowDbm0: -10, colDbm0: -7 }))), '5');
    });
    it('Q.24 twist: rejects row +10 dB (normal twist > 8 dB) and column +6 dB (reverse twist > 4 dB)', () => {
      assert.deepEqual(one(pair('5', { rowDbm0: -6, colDbm0: -16 })), []);
      assert.deepEqual(one(pair('5', { rowDbm0: -12, colDbm0: -6 })), []);
    });
    it('accepts -25 dBm0 per tone, rejects -40 dBm0', () => {
      assert.equal(digitsOf(one(pair('8', { rowDbm0: -25, colDbm0: -25 }))), '8');
      assert.deepEqual(one(pair('8', { rowDbm0: -40, colDbm0: -40 })), []);
    });
    it('rejects a chord with two column tones (music) and a row pair with a third tone', () => {
      assert.deepEqual(one([{ hz: 697, dbm0: -7 }, { hz: 1209, dbm0: -7 }, { hz: 1477, dbm0: -7 }]), []);
      assert.deepEqual(one([{ hz: 770, dbm0: -7 }, { hz: 852, dbm0: -7 }, { hz: 1336, dbm0: -7 }]), []);
    });
    it('rejects a DTMF pair whose column tone has a strong 2nd harmonic (a voiced sound)', () => {
      assert.deepEqual(one([{ hz: 697, dbm0: -7 }, { hz: 1209, dbm0: -7 }, { hz: 2418, dbm0: -9 }]), []);
    });
    it('finds no digit in 2 s of sox pink noise or a harmonic-rich sawtooth', () => {
      assert.deepEqual(detect(rate, soxSynth({ rate, effects: ['synth', '2', 'pinknoise', 'vol', '-10dB'] })), []);
      for (const hz of [100, 116, 139, 233]) assert.deepEqual(detect(rate, soxSynth({ rate, effects: ['synth', '1', 'sawtooth', String(hz), 'vol', '-10dB'] })), [], `${hz} Hz`);
    });
  });
});
