// Whisper (the manifest's whisper-tiny.en) loaded for real by the speech process, through the
// contract fixture test/fixtures/speech/digits-whisper (scripts/speech-fixtures/make_whisper.py:
// digits-sense-voice-16k's weights behind a least-squares adapter from Whisper's log-mel to the fbank
// they were trained on, in Whisper's encoder/decoder contract). Held-out espeak-ng voices through
// sox's G.711 are transcribed as post-call transcription does (SherpaOfflineAsr), so sherpa-onnx's
// Whisper front end (8 kHz resampled to 16 kHz, its log-mel and normalisation, 1000 padding frames)
// and its greedy search from sot_sequence to eot are what decode them. Each encoder metadata key
// sherpa-onnx reads without a default (each would exit() it: tried key by key against the installed
// sherpa-onnx-node, docs/speech.md), a missing decoder or tokens file, multilingual metadata that
// does not fit and a decoder of the wrong shape are refused naming it; the speech process stays up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOnnxHeader } from './check/onnx-metadata.js';
import { WHISPER_INT_KEYS, WHISPER_LIST_KEYS } from './check/whisper-check.js';
import { SherpaOfflineAsr } from './offline-asr.js';
import { SpeechProcess } from './supervisor.js';
import { espeak, throughG711 } from './testing/audio.js';
import { digitErrors } from './testing/digits.js';
import { heldOutDigitError } from './testing/heldout.js';
import { identityOnnx, withMetadata } from './testing/onnx-build.js';
import { assertEachKeyRefused, joined, silence, startSpeechProcess, stopSpeechProcess } from './testing/process.js';

const MODEL = fileURLToPath(new URL('../../test/fixtures/speech/digits-whisper', import.meta.url));
const ENCODER = join(MODEL, 'digits-encoder.onnx');
/** the bound this test holds the fixture to on held-out voices (docs/speech.md gives the measured figure) */
const MAX_DIGIT_ERROR = 0.2;

describe('Whisper offline recogniser in the speech process (contract fixture digits-whisper)', () => {
  let root: string;
  let speech: SpeechProcess;
  before(async () => {
    ({ root, speech } = await startSpeechProcess('hailing-whisper-'));
  });
  after(() => stopSpeechProcess({ root, speech }));

  /** a folder `name` as a release lays it out: `<prefix>-encoder/decoder.onnx`, `<prefix>-tokens.txt`; `omit` leaves one out */
  async function variant(name: string, edit: (meta: Record<string, string>) => void, o: { omit?: 'decoder' | 'tokens'; decoder?: Buffer } = {}): Promise<string> {
    const dir = join(root, name);
    mkdirSync(dir);
    const meta = { ...(await readOnnxHeader({ path: ENCODER })).metadata };
    edit(meta);
    writeFileSync(join(dir, 'tiny.en-encoder.onnx'), withMetadata(readFileSync(ENCODER), meta));
    if (o.omit !== 'decoder') writeFileSync(join(dir, 'tiny.en-decoder.onnx'), o.decoder ?? readFileSync(join(MODEL, 'digits-decoder.onnx')));
    if (o.omit !== 'tokens') copyFileSync(join(MODEL, 'digits-tokens.txt'), join(dir, 'tiny.en-tokens.txt'));
    return dir;
  }

  it(`is found by its files, loaded as whisper (16 kHz, n_mels 80) and recognises digits by held-out voices through G.711 within ${MAX_DIGIT_ERROR * 100} % digit error`, { timeout: 60_000 }, async (t) => {
    const loaded = await speech.request({ op: 'load-recognizer', name: 'w', dir: MODEL });
    assert.deepEqual(loaded, { op: 'load-recognizer', sampleRate: 16000, featureDim: 80, vocabSize: 16, modelType: 'whisper', streaming: false });
    const asr = new SherpaOfflineAsr({ speech, name: 'w', dir: MODEL });
    const { errors, total } = await heldOutDigitError({
      utterance: (u) => asr.utterance(u),
      diagnostic: (l) => t.diagnostic(l),
      // the special tokens (sot, no_timestamps, eot) are sherpa-onnx's to keep out of the text
      check: (r) => assert.match(r.text, /^\d*$/),
    });
    assert.ok(errors / total <= MAX_DIGIT_ERROR, `digit error ${errors}/${total}`);
  });

  it('a recording with two utterances is transcribed as post-call transcription does: two segments, in order', { timeout: 60_000 }, async () => {
    const asr = new SherpaOfflineAsr({ speech, name: 'w', dir: MODEL });
    const first = espeak({ text: '3 1 4', voice: 'en-us+f4', rate: 8000 });
    const second = espeak({ text: '2 7 1', voice: 'cmn+m3', rate: 8000 });
    const pcm = throughG711(joined([silence(500), first, silence(1500), second, silence(500)]));
    const segments = await asr.transcribe({ pcm, rate: 8000 });
    assert.equal(segments.length, 2, JSON.stringify(segments));
    const [a, b] = segments as [(typeof segments)[0], (typeof segments)[0]];
    assert.ok(a.startMs < 500 + first.length / 8 && b.startMs >= 500 + first.length / 8, JSON.stringify(segments));
    assert.ok(digitErrors('314', a.text) <= 1 && digitErrors('271', b.text) <= 1, `${a.text} / ${b.text}`);
  });

  it('an utterance longer than Whisper\'s 30 s window is decoded in pieces: speech after 30 s is not dropped', { timeout: 60_000 }, async () => {
    // sherpa-onnx keeps a Whisper decode's first 30 s (less 50 frames) and drops the rest: the speech
    // process cuts longer audio into 28 s pieces (one VAD utterance can run that long)
    const asr = new SherpaOfflineAsr({ speech, name: 'w', dir: MODEL });
    const first = espeak({ text: '3 1 4', voice: 'en-us+f4', rate: 8000 });
    const second = espeak({ text: '2 7 1', voice: 'en-us+m3', rate: 8000 });
    const pcm = throughG711(joined([silence(500), first, silence(31_000 - first.length / 8), second, silence(500)]));
    const r = await asr.utterance({ pcm, rate: 8000 });
    assert.ok(digitErrors('314271', r.text) <= 1, r.text);
  });

  it("loads from a folder laid out as sherpa-onnx's whisper-tiny.en archive (int8 copies beside, test_wavs/)", async () => {
    const dir = await variant('release-layout', () => undefined);
    mkdirSync(join(dir, 'test_wavs'));
    for (const role of ['encoder', 'decoder']) copyFileSync(join(dir, `tiny.en-${role}.onnx`), join(dir, `tiny.en-${role}.int8.onnx`));
    const loaded = await speech.request({ op: 'load-recognizer', name: 'w-release', dir });
    assert.equal(loaded.op === 'load-recognizer' && loaded.modelType, 'whisper');
  });

  it('an encoder without any one metadata key sherpa-onnx reads is refused naming that key; the process stays up', async () => {
    await assertEachKeyRefused({ speech, keys: [...WHISPER_INT_KEYS, ...WHISPER_LIST_KEYS], variant, reason: /is refused before loading: tiny\.en-encoder\.onnx has no/ });
  });

  it('a missing decoder or tokens file, multilingual metadata that does not fit, ids outside n_vocab and a decoder of another shape are refused with the reason', async () => {
    const multilingual = (m: Record<string, string>): void => {
      m.is_multilingual = '1';
      m.sot_sequence = '11,12,13';
    };
    const cases: { name: string; dir: () => Promise<string>; reason: RegExp }[] = [
      { name: 'no-decoder', dir: () => variant('no-decoder', () => undefined, { omit: 'decoder' }), reason: /tiny\.en-decoder\.onnx is missing/ },
      { name: 'no-tokens', dir: () => variant('no-tokens', () => undefined, { omit: 'tokens' }), reason: /tokens\.txt is missing/ },
      { name: 'multi-no-lang', dir: () => variant('multi-no-lang', multilingual), reason: /no 'all_language_tokens'/ },
      { name: 'multi-unequal', dir: () => variant('multi-unequal', (m) => { multilingual(m); m.all_language_tokens = '1,2'; m.all_language_codes = 'en'; }), reason: /2 'all_language_tokens' but 1 'all_language_codes'/ },
      { name: 'multi-short-sot', dir: () => variant('multi-short-sot', (m) => { multilingual(m); m.sot_sequence = '11'; m.all_language_tokens = '1'; m.all_language_codes = 'en'; }), reason: /multilingual but its sot_sequence has 1 tokens/ },
      { name: 'eot', dir: () => variant('eot', (m) => (m.eot = '50256')), reason: /eot 50256, outside its n_vocab 16/ },
      { name: 'n-mels', dir: () => variant('n-mels', (m) => (m.n_mels = '40')), reason: /n_mels 40; Whisper uses 80 or 128/ },
      { name: 'one-input-decoder', dir: () => variant('one-input-decoder', () => undefined, { decoder: identityOnnx({ metadata: {} }) }), reason: /tiny\.en-decoder\.onnx has 1 inputs and 1 outputs; sherpa-onnx's Whisper feeds 6/ },
    ];
    for (const c of cases) {
      const dir = await c.dir();
      await assert.rejects(speech.request({ op: 'load-recognizer', name: c.name, dir }), (err: Error) => /is refused before loading/.test(err.message) && c.reason.test(err.message), c.name);
    }
    assert.equal(speech.restarts, 0);
  });
});
