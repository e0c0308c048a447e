// Offline ASR with the fixture digit recogniser (test/fixtures/speech/digits-tdnn, trained by
// scripts/speech-fixtures from espeak-ng and flite speech). The test audio comes from espeak-ng voices
// that training never used (variants m3/f4, the Scottish English voice) and goes through sox's G.711,
// as a call would carry it; the text must match the digits spoken within the stated digit error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../sip/index.js';
import { SpeechError, SpeechProcess } from './supervisor.js';
import { SherpaOfflineAsr } from './offline-asr.js';
import { espeak, throughG711 } from './testing/audio.js';
import { heldOutDigitError } from './testing/heldout.js';
import { identityOnnx } from './testing/onnx-build.js';
import { digitErrors } from './testing/digits.js';

export const DIGITS_MODEL = fileURLToPath(new URL('../../test/fixtures/speech/digits-tdnn', import.meta.url));
/** the bound this test holds the fixture model to on held-out voices (its README gives the measured figure) */
const MAX_DIGIT_ERROR = 0.15;

const silence = (ms: number): Int16Array => new Int16Array(8 * ms);
function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('offline ASR: the fixture digit recogniser in the speech process', () => {
  let root: string;
  let speech: SpeechProcess;
  let asr: SherpaOfflineAsr;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hailing-asr-'));
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
    await speech.start();
    asr = new SherpaOfflineAsr({ speech, name: 'digits', dir: DIGITS_MODEL });
  });
  after(async () => {
    await speech.close();
    rmSync(root, { recursive: true, force: true });
  });

  it(`digits spoken by held-out espeak-ng voices through G.711 are recognised within ${MAX_DIGIT_ERROR * 100} % digit error, with a time per token`, { timeout: 60_000 }, async (t) => {
    const { errors, total } = await heldOutDigitError({
      utterance: (u) => asr.utterance(u),
      diagnostic: (l) => t.diagnostic(l),
      check: (r, pcm) => {
        assert.equal(r.tokens.length, r.timestamps.length);
        // the speech starts after 300 ms of silence and ends 300 ms before the end
        for (const s of r.timestamps) assert.ok(s >= 0.3 && s <= pcm.length / 8000 - 0.3, `token time ${s} s outside the speech (0.3 s to ${pcm.length / 8000 - 0.3} s)`);
      },
    });
    assert.ok(errors / total <= MAX_DIGIT_ERROR, `digit error ${errors}/${total}`);
  });

  it('a recording with two utterances apart gives two segments, in order, at the times the speech was put', { timeout: 60_000 }, async () => {
    const first = espeak({ text: '3 1 4', voice: 'en-us+f4', rate: 8000 });
    const second = espeak({ text: '2 7 1', voice: 'cmn+m3', rate: 8000 });
    const pcm = throughG711(concat([silence(500), first, silence(1500), second, silence(500)]));
    const segments = await asr.transcribe({ pcm, rate: 8000 });
    assert.equal(segments.length, 2, JSON.stringify(segments));
    const [a, b] = segments as [(typeof segments)[0], (typeof segments)[0]];
    const secondAt = 500 + first.length / 8 + 1500;
    assert.ok(a.startMs < 500 + first.length / 8 && a.endMs <= secondAt, JSON.stringify(a));
    assert.ok(b.startMs >= 500 + first.length / 8 && b.startMs < secondAt + second.length / 8, JSON.stringify(b));
    assert.ok(digitErrors('314', a.text) <= 1 && digitErrors('271', b.text) <= 1, `${a.text} / ${b.text}`);
  });

  it('a model that sherpa-onnx would exit() on is refused with the reason, and the speech process stays up', async () => {
    const pid = speech.pid;
    const bad = (name: string, files: Record<string, string | Buffer>): string => {
      const dir = join(root, name);
      mkdirSync(dir);
      for (const [f, body] of Object.entries(files)) writeFileSync(join(dir, f), body);
      return dir;
    };
    const tokens = '<blk> 0\n0 1\n';
    for (const [dir, reason] of [
      [bad('no-type', { 'model.onnx': identityOnnx({ metadata: { vocab_size: '2' } }), 'tokens.txt': tokens }), /model_type ''; only 'tdnn'/],
      [bad('no-vocab', { 'model.onnx': identityOnnx({ metadata: { model_type: 'tdnn' } }), 'tokens.txt': tokens }), /no 'vocab_size'/],
      [bad('no-blank', { 'model.onnx': identityOnnx({ metadata: { model_type: 'tdnn', vocab_size: '2' } }), 'tokens.txt': 'a 0\nb 1\n' }), /no blank symbol/],
      [bad('no-tokens', { 'model.onnx': identityOnnx({ metadata: { model_type: 'tdnn', vocab_size: '2' } }) }), /tokens\.txt is missing/],
    ] as const) {
      await assert.rejects(speech.request({ op: 'load-recognizer', name: 'bad', dir }), (err: unknown) => {
        assert.ok(err instanceof SpeechError && err.code === 'speech-failed', String(err));
        assert.match(err.message, reason);
        return true;
      });
    }
    const vocab = bad('vocab-mismatch', {});
    copyFileSync(join(DIGITS_MODEL, 'model.onnx'), join(vocab, 'model.onnx'));
    writeFileSync(join(vocab, 'tokens.txt'), tokens);
    await assert.rejects(speech.request({ op: 'load-recognizer', name: 'bad', dir: vocab }), /holds 2 symbols but the model's vocab_size is 11/);
    const ping = await speech.request({ op: 'ping' });
    assert.deepEqual(ping, { op: 'ping', pid });
    assert.equal(speech.restarts, 0);
  });
});
