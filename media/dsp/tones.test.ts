// Call-progress tones measured with sox (frequency peaks, RMS) and by run lengths (cadence), then
// compared with ITU-T E.180 Supplement 2 figures written down here, apart from the profiles.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTone, DtmfToneSource, type ToneKind } from './tones.js';
import { soxField, soxMeasure } from './test-support.js';

// E.180 Suppl. 2: [frequencies Hz, cadence ms on/off...], continuous when the cadence is empty.
const E180: Record<string, Record<ToneKind, [number[], number[]]>> = {
  cn: { dial: [[450], []], ringback: [[450], [1000, 4000]], busy: [[450], [350, 350]], congestion: [[450], [700, 700]] },
  us: { dial: [[350, 440], []], ringback: [[440, 480], [2000, 4000]], busy: [[480, 620], [500, 500]], congestion: [[480, 620], [250, 250]] },
  uk: { dial: [[350, 440], []], ringback: [[400, 450], [400, 200, 400, 2000]], busy: [[400], [375, 375]], congestion: [[400], [400, 350, 225, 525]] },
  de: { dial: [[425], []], ringback: [[425], [1000, 4000]], busy: [[425], [480, 480]], congestion: [[425], [240, 240]] },
  eu: { dial: [[425], []], ringback: [[425], [1000, 4000]], busy: [[425], [500, 500]], congestion: [[425], [250, 250]] },
  jp: { dial: [[400], []], ringback: [[400], [1000, 2000]], busy: [[400], [500, 500]], congestion: [[400], [500, 500]] },
  tw: { dial: [[350, 440], []], ringback: [[440, 480], [1000, 2000]], busy: [[480, 620], [500, 500]], congestion: [[480, 620], [250, 250]] },
  hk: { dial: [[350, 440], []], ringback: [[440, 480], [400, 200, 400, 3000]], busy: [[480, 620], [500, 500]], congestion: [[480, 620], [250, 250]] },
};
const KINDS: ToneKind[] = ['dial', 'ringback', 'busy', 'congestion'];

function render(o: { kind: ToneKind; country: string; rate: number; seconds: number }): Int16Array {
  const g = createTone({ kind: o.kind, country: o.country, sampleRate: o.rate });
  const out = new Int16Array(Math.round(o.rate * o.seconds));
  const frame = new Int16Array(o.rate / 50);
  for (let at = 0; at < out.length; at += frame.length) {
    assert.equal(g.read(frame, frame.length), frame.length, 'a tone never ends');
    out.set(frame.subarray(0, Math.min(frame.length, out.length - at)), at);
  }
  return out;
}

/** Frequencies of the strongest spectral peaks per sox `stat -freq` (bins summed over its frames). */
function soxPeaks(rate: number, pcm: Int16Array, count: number): number[] {
  const power = new Map<number, number>();
  for (const line of soxMeasure({ rate, pcm, args: ['stat', '-freq'] }).split('\n')) {
    const m = /^(\d+\.\d+)\s+(\d+\.\d+)$/.exec(line.trim());
    if (m) power.set(Number(m[1]), (power.get(Number(m[1])) ?? 0) + Number(m[2]));
  }
  const bins = [...power.entries()].sort((a, b) => a[0] - b[0]);
  const peaks = bins.filter((b, i) => b[1] > (bins[i - 1]?.[1] ?? 0) && b[1] >= (bins[i + 1]?.[1] ?? 0));
  return peaks.sort((a, b) => b[1] - a[1]).slice(0, count).map((p) => p[0]).sort((a, b) => a - b);
}

/** Lengths in ms of alternating on/off runs; off = at least 5 ms of zero samples. */
function runs(pcm: Int16Array, rate: number): number[] {
  const minOff = (rate * 5) / 1000;
  const out: number[] = [];
  let on = true; // a tone starts with its first burst (whose first sample may be 0)
  let start = 0;
  let zeros = 0;
  for (let i = 0; i < pcm.length; i++) {
    zeros = pcm[i] === 0 ? zeros + 1 : 0;
    if (on && zeros >= minOff) {
      out.push(((i - zeros + 1 - start) * 1000) / rate);
      start = i - zeros + 1;
      on = false;
    } else if (!on && pcm[i] !== 0) {
      out.push(((i - start) * 1000) / rate);
      start = i;
      on = true;
    }
  }
  return out;
}

describe('call-progress tones (ITU-T E.180 Supplement 2)', () => {
  for (const [country, kinds] of Object.entries(E180)) {
    for (const kind of KINDS) {
      const [hz, cadence] = kinds[kind];
      it(`${country} ${kind}: ${hz.join('+')} Hz, ${cadence.length ? cadence.join('/') + ' ms' : 'continuous'}`, () => {
        const rate = 8000;
        const cycle = cadence.reduce((a, b) => a + b, 0);
        const pcm = render({ kind, country, rate, seconds: cycle > 0 ? (2 * cycle + 100) / 1000 : 1 });
        // Frequency: sox's spectrum of the first burst (bins 1.95 Hz wide at 8 kHz).
        const burst = pcm.subarray(0, Math.round(((cadence[0] ?? 1000) * rate) / 1000));
        const peaks = soxPeaks(rate, burst, hz.length);
        if (country === 'jp' && kind === 'ringback') {
          // 400 Hz modulated by 16 Hz: the carrier and its sidebands 16 Hz either side.
          assert.deepEqual(soxPeaks(rate, burst, 3).map((f) => Math.round(f / 8)), [384, 400, 416].map((f) => Math.round(f / 8)));
        } else {
          assert.equal(peaks.length, hz.length);
          peaks.forEach((f, i) => assert.ok(Math.abs(f - hz[i]!) <= 2, `${f} Hz for ${hz[i]} Hz`));
        }
        // Level: about -13 dBm0. sox RMS re full scale; a 0 dBm0 sine has RMS -3.14 - 3.01 dBFS.
        const rms = soxField(soxMeasure({ rate, pcm: burst }), 'RMS\\s+amplitude');
        const dbm0 = 20 * Math.log10(rms) + 3.14 + 3.01;
        assert.ok(Math.abs(dbm0 + 13) <= 0.5, `level ${dbm0.toFixed(2)} dBm0`);
        // Cadence: two full cycles of on/off runs, each within one sample.
        const got = runs(pcm, rate);
        if (cadence.length === 0) assert.equal(got.length, 0, 'continuous');
        else {
          const want = [...cadence, ...cadence];
          for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1, `run ${i}: ${got[i]} ms for ${want[i]} ms (${got.join(',')})`);
        }
      });
    }
  }

  it('any rate: 48 kHz dial tone of cn is 450 Hz (zero crossings) and 16 kHz us dial has 350+440 (sox)', () => {
    const pcm = render({ kind: 'dial', country: 'cn', rate: 48000, seconds: 1 });
    let crossings = 0;
    for (let i = 1; i < pcm.length; i++) if (pcm[i - 1]! < 0 && pcm[i]! >= 0) crossings++;
    assert.ok(Math.abs(crossings - 450) <= 1, `${crossings} cycles in 1 s`);
    const us = render({ kind: 'dial', country: 'us', rate: 16000, seconds: 1 });
    const peaks = soxPeaks(16000, us, 2);
    assert.ok(Math.abs(peaks[0]! - 350) <= 4 && Math.abs(peaks[1]! - 440) <= 4, `${peaks.join(', ')}`);
  });

  it('an unknown country falls back to cn', () => {
    const pcm = render({ kind: 'busy', country: 'zz', rate: 8000, seconds: 1 });
    assert.deepEqual(runs(pcm, 8000).slice(0, 2).map(Math.round), [350, 350]);
  });
});

describe('in-band DTMF tones (Q.23)', () => {
  it('digit 8 is 852 + 1336 Hz for 100 ms, then 100 ms of silence, then the source ends', () => {
    const rate = 8000;
    const src = new DtmfToneSource({ digits: '8', sampleRate: rate });
    const out = new Int16Array(2000);
    const n = src.read(out, out.length);
    assert.equal(n, 1600);
    assert.equal(src.read(out, 160), 0);
    const peaks = soxPeaks(rate, out.subarray(0, 800), 2);
    assert.ok(Math.abs(peaks[0]! - 852) <= 2 && Math.abs(peaks[1]! - 1336) <= 2, `${peaks.join(', ')}`);
    // the tone, then silence to the end (an off run that never closes)
    assert.deepEqual(runs(out.subarray(0, n), rate).map(Math.round), [100]);
    assert.ok(out.subarray(800, 1600).every((x) => x === 0));
  });
});
