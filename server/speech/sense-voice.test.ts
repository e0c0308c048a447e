// SenseVoice (sherpa-onnx `sense_voice_ctc`, the manifest's sense-voice-zh-en-ja-ko-yue) loaded for
// real by the speech process, through the contract fixture test/fixtures/speech/digits-sense-voice
// (digits-tdnn's weights inside SenseVoice's inputs, outputs, tags and metadata;
// scripts/speech-fixtures/make_sense_voice.py). Utterances by held-out espeak-ng voices through sox's
// G.711 are transcribed as post-call transcription does (SherpaOfflineAsr: VAD segments, then the
// recogniser), so sherpa-onnx's SenseVoice front end (hamming window, LFR, CMVN from the metadata)
// and its tag handling are what decode them. A model missing any metadata key sherpa-onnx reads (it
// would exit()), with inconsistent values or another number of inputs is refused naming it;
// a whisper folder without Whisper's metadata is refused; the speech process stays up. A second
// fixture, digits-sense-voice-16k, is trained on SenseVoice's real front end (16 kHz, 80 bins, LFR
// 7/6, CMVN from its metadata): 8 kHz call audio reaches it through sherpa-onnx's resampler.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOnnxHeader } from './check/onnx-metadata.js';
import { SENSE_VOICE_INT_KEYS, SENSE_VOICE_LIST_KEYS } from './check/sense-voice-check.js';
import { SherpaOfflineAsr } from './offline-asr.js';
import { SpeechProcess } from './supervisor.js';
import { espeak, resampled, throughG711 } from './testing/audio.js';
import { digitErrors } from './testing/digits.js';
import { heldOutDigitError } from './testing/heldout.js';
import { identityOnnx, withMetadata } from './testing/onnx-build.js';
import { assertEachKeyRefused, joined, silence, startSpeechProcess, stopSpeechProcess } from './testing/process.js';

const MODEL = fileURLToPath(new URL('../../test/fixtures/speech/digits-sense-voice', import.meta.url));
/** trained on SenseVoice's real front end: 16 kHz, 80 bins, LFR 7/6 (scripts/speech-fixtures/train_sense_voice.py) */
const MODEL_16K = fileURLToPath(new URL('../../test/fixtures/speech/digits-sense-voice-16k', import.meta.url));
/** its bound on the held-out cases (docs/speech.md gives the measured figure) */
const MAX_DIGIT_ERROR_16K = 0.2;
/** the bound this test holds the fixture to on held-out voices (docs/speech.md gives the measured figure) */
const MAX_DIGIT_ERROR = 0.15;

describe('SenseVoice offline recogniser in the speech process (contract fixture digits-sense-voice)', () => {
  let root: string;
  let speech: SpeechProcess;
  let asr: SherpaOfflineAsr;
  before(async () => {
    ({ root, speech } = await startSpeechProcess('hailing-sense-voice-'));
    asr = new SherpaOfflineAsr({ speech, name: 'sv', dir: MODEL });
  });
  after(() => stopSpeechProcess({ root, speech }));

  /** a copy of the fixture whose model has `edit` applied to its metadata */
  async function variant(name: string, edit: (meta: Record<string, string>) => void): Promise<string> {
    const dir = join(root, name);
    mkdirSync(dir);
    copyFileSync(join(MODEL, 'tokens.txt'), join(dir, 'tokens.txt'));
    const meta = { ...(await readOnnxHeader({ path: join(MODEL, 'model.onnx') })).metadata };
    edit(meta);
    writeFileSync(join(dir, 'model.onnx'), withMetadata(readFileSync(join(MODEL, 'model.onnx')), meta));
    return dir;
  }

  it(`is loaded as SenseVoice and recognises digits by held-out voices through G.711 within ${MAX_DIGIT_ERROR * 100} % digit error, tags dropped, a time per token`, { timeout: 60_000 }, async (t) => {
    const loaded = await speech.request({ op: 'load-recognizer', name: 'sv', dir: MODEL });
    assert.deepEqual(loaded, { op: 'load-recognizer', sampleRate: 8000, featureDim: 23, vocabSize: 16, modelType: 'sense_voice_ctc', streaming: false });
    const { errors, total } = await heldOutDigitError({
      utterance: (u) => asr.utterance(u),
      diagnostic: (l) => t.diagnostic(l),
      check: (r, pcm) => {
        // the four tag tokens (<|en|><|NEUTRAL|><|Speech|><|withitn|>) are sherpa-onnx's to drop
        assert.ok(!r.text.includes('<|'), r.text);
        assert.equal(r.tokens.length, r.timestamps.length);
        for (const s of r.timestamps) assert.ok(s >= 0.3 && s <= pcm.length / 8000 - 0.3, `token time ${s} s outside the speech`);
      },
    });
    assert.ok(errors / total <= MAX_DIGIT_ERROR, `digit error ${errors}/${total}`);
  });

  it(`a SenseVoice on the real front end (16 kHz, 80 bins, LFR 7/6) gets 8 kHz G.711 call audio resampled by sherpa-onnx: held-out digits within ${MAX_DIGIT_ERROR_16K * 100} %`, { timeout: 60_000 }, async (t) => {
    const loaded = await speech.request({ op: 'load-recognizer', name: 'sv16k', dir: MODEL_16K });
    assert.deepEqual(loaded, { op: 'load-recognizer', sampleRate: 16000, featureDim: 80, vocabSize: 16, modelType: 'sense_voice_ctc', streaming: false });
    const asr16k = new SherpaOfflineAsr({ speech, name: 'sv16k', dir: MODEL_16K });
    const { errors, total } = await heldOutDigitError({
      utterance: (u) => asr16k.utterance(u),
      diagnostic: (l) => t.diagnostic(l),
      check: (r, pcm) => {
        assert.ok(!r.text.includes('<|'), r.text);
        // 60 ms output frames: a token's time may fall up to a frame outside the speech
        for (const s of r.timestamps) assert.ok(s >= 0.24 && s <= pcm.length / 8000 - 0.24, `token time ${s} s outside the speech`);
      },
    });
    assert.ok(errors / total <= MAX_DIGIT_ERROR_16K, `digit error ${errors}/${total}`);
  });

  // 16 kHz: an Ogg/Opus recording is decoded at 16 kHz; sherpa-onnx resamples to the model's rate
  for (const rate of [8000, 16000] as const) it(`a recording at ${rate / 1000} kHz with two utterances is transcribed as post-call transcription does: two segments, in order, at their times`, { timeout: 60_000 }, async () => {
    const first = espeak({ text: '3 1 4', voice: 'en-us+f4', rate: 8000 });
    const second = espeak({ text: '2 7 1', voice: 'cmn+m3', rate: 8000 });
    const pcm8k = throughG711(joined([silence(500), first, silence(1500), second, silence(500)]));
    const pcm = rate === 8000 ? pcm8k : resampled(pcm8k, 8000, 16000);
    const segments = await asr.transcribe({ pcm, rate });
    assert.equal(segments.length, 2, JSON.stringify(segments));
    const [a, b] = segments as [(typeof segments)[0], (typeof segments)[0]];
    assert.ok(a.startMs < 500 + first.length / 8 && b.startMs >= 500 + first.length / 8, JSON.stringify(segments));
    assert.ok(digitErrors('314', a.text) <= 1 && digitErrors('271', b.text) <= 1, `${a.text} / ${b.text}`);
  });

  it("loads from a folder laid out as sherpa-onnx's SenseVoice archive (model.onnx beside model.int8.onnx)", async () => {
    const dir = join(root, 'release-layout');
    mkdirSync(join(dir, 'test_wavs'), { recursive: true });
    for (const f of ['model.onnx', 'model.int8.onnx']) copyFileSync(join(MODEL, 'model.onnx'), join(dir, f));
    copyFileSync(join(MODEL, 'tokens.txt'), join(dir, 'tokens.txt'));
    const loaded = await speech.request({ op: 'load-recognizer', name: 'sv-release', dir });
    assert.equal(loaded.op === 'load-recognizer' && loaded.modelType, 'sense_voice_ctc');
  });

  it('a model without any one metadata key sherpa-onnx reads is refused naming that key; the process stays up', async () => {
    await assertEachKeyRefused({ speech, keys: [...SENSE_VOICE_INT_KEYS, ...SENSE_VOICE_LIST_KEYS], variant });
  });

  it('inconsistent metadata, another number of inputs, a SenseVoice graph called paraformer and a bare whisper folder are refused with the reason', async () => {
    const cases: { name: string; dir: () => Promise<string>; reason: RegExp }[] = [
      { name: 'short-stddev', dir: () => variant('short-stddev', (m) => (m.inv_stddev = '1,1')), reason: /23 values in 'neg_mean' but 2 in 'inv_stddev'/ },
      { name: 'lfr', dir: () => variant('lfr', (m) => (m.lfr_window_size = '7')), reason: /23 values in 'neg_mean', not a multiple of lfr_window_size 7/ },
      { name: 'blank', dir: () => variant('blank', (m) => (m.blank_id = '99')), reason: /blank_id '99' outside its vocab_size 16/ },
      // a SenseVoice graph under model_type paraformer: Paraformer's check refuses its inputs
      { name: 'paraformer', dir: () => variant('paraformer', (m) => (m.model_type = 'paraformer')), reason: /model\.onnx has 4 inputs; sherpa-onnx's Paraformer feeds 2/ },
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
        reason: /model\.onnx has 1 inputs; sherpa-onnx's SenseVoice feeds 4/,
      },
      {
        name: 'whisper',
        dir: async () => {
          const dir = join(root, 'whisper');
          mkdirSync(dir);
          for (const f of ['tiny.en-encoder.onnx', 'tiny.en-decoder.onnx']) writeFileSync(join(dir, f), identityOnnx({ metadata: {} }));
          writeFileSync(join(dir, 'tiny.en-tokens.txt'), 'a 0\n');
          return dir;
        },
        // found as Whisper by its files, then refused by Whisper's check
        reason: /tiny\.en-encoder\.onnx has no whole number 'n_mels'/,
      },
    ];
    for (const c of cases) {
      const dir = await c.dir();
      await assert.rejects(speech.request({ op: 'load-recognizer', name: c.name, dir }), (err: Error) => /is refused before loading/.test(err.message) && c.reason.test(err.message), c.name);
    }
    assert.equal(speech.restarts, 0);
  });
});
