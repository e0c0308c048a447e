// Paraformer (sherpa-onnx `paraformer`, the manifest's paraformer-zh-2023-09-14) loaded for real by the
// speech process, through the contract fixture test/fixtures/speech/digits-paraformer (the digit
// recogniser trained on the FunASR front end, digits-sense-voice-16k, under Paraformer's inputs,
// outputs and metadata; scripts/speech-fixtures/make_paraformer.py). Held-out espeak-ng voices through
// sox's G.711 are transcribed as post-call transcription does (SherpaOfflineAsr), so sherpa-onnx's
// Paraformer front end (8 kHz resampled to 16 kHz, hamming fbank, LFR 7/6, CMVN from the metadata),
// its token-per-row greedy search up to `</s>` and its us_cif_peak token times are what decode them.
// A model missing any metadata key sherpa-onnx reads (it would exit()), tokens.txt without `</s>`
// (it would throw) or another number of inputs is refused naming it; the speech process stays up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOnnxHeader } from './check/onnx-metadata.js';
import { CMVN_LIST_KEYS } from './check/lfr-cmvn.js';
import { PARAFORMER_INT_KEYS } from './check/paraformer-check.js';
import { SherpaOfflineAsr } from './offline-asr.js';
import { SpeechProcess } from './supervisor.js';
import { espeak, throughG711 } from './testing/audio.js';
import { digitErrors } from './testing/digits.js';
import { heldOutDigitError } from './testing/heldout.js';
import { identityOnnx, withMetadata } from './testing/onnx-build.js';
import { assertEachKeyRefused, joined, silence, startSpeechProcess, stopSpeechProcess } from './testing/process.js';

const MODEL = fileURLToPath(new URL('../../test/fixtures/speech/digits-paraformer', import.meta.url));
/** the bound this test holds the fixture to on held-out voices (docs/speech.md gives the measured figure) */
const MAX_DIGIT_ERROR = 0.2;

describe('Paraformer offline recogniser in the speech process (contract fixture digits-paraformer)', () => {
  let root: string;
  let speech: SpeechProcess;
  let asr: SherpaOfflineAsr;
  before(async () => {
    ({ root, speech } = await startSpeechProcess('hailing-paraformer-'));
    asr = new SherpaOfflineAsr({ speech, name: 'pf', dir: MODEL });
  });
  after(() => stopSpeechProcess({ root, speech }));

  /** a copy of the fixture whose model has `edit` applied to its metadata and tokens.txt `tokens` */
  async function variant(name: string, edit: (meta: Record<string, string>) => void, tokens = readFileSync(join(MODEL, 'tokens.txt'), 'utf8')): Promise<string> {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'tokens.txt'), tokens);
    const meta = { ...(await readOnnxHeader({ path: join(MODEL, 'model.onnx') })).metadata };
    edit(meta);
    writeFileSync(join(dir, 'model.onnx'), withMetadata(readFileSync(join(MODEL, 'model.onnx')), meta));
    return dir;
  }

  it(`is loaded as Paraformer (16 kHz, 80 bins from neg_mean / LFR 7) and recognises digits by held-out voices through G.711 within ${MAX_DIGIT_ERROR * 100} % digit error, a time per token`, { timeout: 60_000 }, async (t) => {
    const loaded = await speech.request({ op: 'load-recognizer', name: 'pf', dir: MODEL });
    assert.deepEqual(loaded, { op: 'load-recognizer', sampleRate: 16000, featureDim: 80, vocabSize: 12, modelType: 'paraformer', streaming: false });
    const { errors, total } = await heldOutDigitError({
      utterance: (u) => asr.utterance(u),
      diagnostic: (l) => t.diagnostic(l),
      check: (r, pcm) => {
        // </s> ends the search and is not part of the text; us_cif_peak gives one time per token
        assert.ok(!r.text.includes('</s>'), r.text);
        assert.equal(r.tokens.length, r.timestamps.length, JSON.stringify(r));
        // 60 ms LFR frames: a token's time may fall up to a frame outside the speech
        for (const s of r.timestamps) assert.ok(s >= 0.24 && s <= pcm.length / 8000 - 0.24, `token time ${s} s outside the speech`);
      },
    });
    assert.ok(errors / total <= MAX_DIGIT_ERROR, `digit error ${errors}/${total}`);
  });

  it('a recording with two utterances is transcribed as post-call transcription does: two segments, in order, at their times', { timeout: 60_000 }, async () => {
    const first = espeak({ text: '3 1 4', voice: 'en-us+f4', rate: 8000 });
    const second = espeak({ text: '2 7 1', voice: 'cmn+m3', rate: 8000 });
    const pcm = throughG711(joined([silence(500), first, silence(1500), second, silence(500)]));
    const segments = await asr.transcribe({ pcm, rate: 8000 });
    assert.equal(segments.length, 2, JSON.stringify(segments));
    const [a, b] = segments as [(typeof segments)[0], (typeof segments)[0]];
    assert.ok(a.startMs < 500 + first.length / 8 && b.startMs >= 500 + first.length / 8, JSON.stringify(segments));
    assert.ok(digitErrors('314', a.text) <= 1 && digitErrors('271', b.text) <= 1, `${a.text} / ${b.text}`);
  });

  it("loads from a folder laid out as sherpa-onnx's paraformer-zh-2023-09-14 archive (model.int8.onnx only, test_wavs/)", async () => {
    const dir = join(root, 'release-layout');
    mkdirSync(join(dir, 'test_wavs'), { recursive: true });
    copyFileSync(join(MODEL, 'model.onnx'), join(dir, 'model.int8.onnx'));
    copyFileSync(join(MODEL, 'tokens.txt'), join(dir, 'tokens.txt'));
    const loaded = await speech.request({ op: 'load-recognizer', name: 'pf-release', dir });
    assert.equal(loaded.op === 'load-recognizer' && loaded.modelType, 'paraformer');
  });

  it('a model without any one metadata key sherpa-onnx reads is refused naming that key; the process stays up', async () => {
    await assertEachKeyRefused({ speech, keys: [...PARAFORMER_INT_KEYS, ...CMVN_LIST_KEYS], variant });
  });

  it('inconsistent metadata, tokens.txt without </s> or of another size, and another number of inputs are refused with the reason', async () => {
    const tokens = readFileSync(join(MODEL, 'tokens.txt'), 'utf8');
    const cases: { name: string; dir: () => Promise<string>; reason: RegExp }[] = [
      { name: 'short-stddev', dir: () => variant('short-stddev', (m) => (m.inv_stddev = '1,1')), reason: /560 values in 'neg_mean' but 2 in 'inv_stddev'/ },
      { name: 'lfr', dir: () => variant('lfr', (m) => (m.lfr_window_size = '9')), reason: /560 values in 'neg_mean', not a multiple of lfr_window_size 9/ },
      { name: 'no-eos', dir: () => variant('no-eos', () => undefined, tokens.replace('</s> 11', '<eos> 11')), reason: /tokens\.txt has no '<\/s>'/ },
      { name: 'vocab', dir: () => variant('vocab', (m) => (m.vocab_size = '8404')), reason: /tokens\.txt holds 12 symbols but the model's vocab_size is 8404/ },
      {
        name: 'one-input',
        dir: async () => {
          const dir = join(root, 'one-input');
          mkdirSync(dir);
          const meta = (await readOnnxHeader({ path: join(MODEL, 'model.onnx') })).metadata;
          writeFileSync(join(dir, 'model.onnx'), identityOnnx({ metadata: meta }));
          copyFileSync(join(MODEL, 'tokens.txt'), join(dir, 'tokens.txt'));
          return dir;
        },
        reason: /model\.onnx has 1 inputs; sherpa-onnx's Paraformer feeds 2/,
      },
    ];
    for (const c of cases) {
      const dir = await c.dir();
      await assert.rejects(speech.request({ op: 'load-recognizer', name: c.name, dir }), (err: Error) => /is refused before loading/.test(err.message) && c.reason.test(err.message), c.name);
    }
    assert.equal(speech.restarts, 0);
  });
});
