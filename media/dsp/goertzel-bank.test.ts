// The Goertzel bank against the DFT's own arithmetic: a sine with a whole number of cycles in the
// block has |X|² = (A·N/2)² at its frequency, and a steady tone δ Hz off a bin advances its phase
// by 2π·δ·M/fs from one half of the block to the next.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GoertzelBank } from './goertzel-bank.js';

const RATE = 8000;
const HALF = 80; // a 160-sample block: 1000 Hz makes 20 whole cycles in it

function block(o: { hz: number; amplitude: number; from?: number }): Int16Array {
  const pcm = new Int16Array(2 * HALF);
  for (let n = o.from ?? 0; n < pcm.length; n++) pcm[n] = Math.round(o.amplitude * Math.sin((2 * Math.PI * o.hz * n) / RATE));
  return pcm;
}

function analyse(bank: GoertzelBank, pcm: Int16Array): void {
  bank.feed(pcm, 0, HALF);
  bank.endFirstHalf();
  bank.feed(pcm, HALF, 2 * HALF);
  bank.endBlock();
}

describe('GoertzelBank', () => {
  it('a sine of whole cycles in the block: |X|² = (A·N/2)² at its frequency, next to nothing one bin away', () => {
    const bank = new GoertzelBank({ sampleRate: RATE, halfSamples: HALF, frequencies: [1000, 1050], phaseBins: 2 });
    analyse(bank, block({ hz: 1000, amplitude: 10000 }));
    const expected = ((10000 * 2 * HALF) / 2) ** 2;
    assert.ok(Math.abs(bank.energy[0]! / expected - 1) < 1e-3, `energy ${bank.energy[0]} vs ${expected}`);
    assert.ok(bank.energy[1]! < expected * 1e-4, `leakage ${bank.energy[1]}`);
  });

  it('a steady tone 12 Hz above the bin: offsetHz() reads about +12 Hz from the phase advance', () => {
    const bank = new GoertzelBank({ sampleRate: RATE, halfSamples: HALF, frequencies: [1000], phaseBins: 1 });
    analyse(bank, block({ hz: 1012, amplitude: 10000 }));
    assert.ok(bank.phaseUsable(0));
    const offset = bank.offsetHz(bank.qRe[0]!, bank.qIm[0]!);
    assert.ok(Math.abs(offset - 12) < 1, `offset ${offset}`);
  });

  it('a tone that starts in the second half has no usable phase', () => {
    const bank = new GoertzelBank({ sampleRate: RATE, halfSamples: HALF, frequencies: [1000], phaseBins: 1 });
    analyse(bank, block({ hz: 1000, amplitude: 10000, from: HALF + 10 }));
    assert.equal(bank.phaseUsable(0), false);
  });

  it('reset() forgets a partial block', () => {
    const bank = new GoertzelBank({ sampleRate: RATE, halfSamples: HALF, frequencies: [1000], phaseBins: 1 });
    const tone = block({ hz: 1000, amplitude: 10000 });
    bank.feed(tone, 0, 40);
    bank.reset();
    analyse(bank, new Int16Array(2 * HALF));
    assert.equal(bank.energy[0], 0);
  });
});
