// Whisper (the manifest's whisper-tiny.en) loaded for real by the speech process, through the
// structural contract fixture test/fixtures/speech/whisper-contract (scripts/speech-fixtures/
// make_whisper.py): encoder and decoder with Whisper's inputs, outputs and metadata, so sherpa-onnx's
// Whisper model, front end and greedy search run; it recognises nothing (the decoder answers eot
// after the start sequence), so what is tested is that a Whisper folder is found by its files,
// checked, configured and decoded without the process dying — not recognition. Each encoder
// metadata key sherpa-onnx reads without a default (each would exit() it: checked against the
// installed sherpa-onnx-node by hand, docs/speech.md), a missing decoder or tokens file, multilingual
// metadata that does not fit and a decoder of the wrong shape are refused naming it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../sip/index.js';
import { readOnnxHeader } from './check/onnx-metadata.js';
import { WHISPER_INT_KEYS, WHISPER_LIST_KEYS } from './check/whisper-check.js';
import { SherpaOfflineAsr } from './offline-asr.js';
import { SpeechProcess } from './supervisor.js';
import { espeak, throughG711 } from './testing/audio.js';
import { identityOnnx, withMetadata } from './testing/onnx-build.js';

const MODEL = fileURLToPath(new URL('../../test/fixtures/speech/whisper-contract', import.meta.url));
const ENCODER = join(MODEL, 'contract-encoder.onnx');

describe('Whisper offline recogniser in the speech process (structural contract fixture whisper-contract)', () => {
  let root: string;
  let speech: SpeechProcess;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hailing-whisper-'));
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
    await speech.start();
  });
  after(async () => {
    await speech.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** a folder `name` as a release lays it out: `<prefix>-encoder/decoder.onnx`, `<prefix>-tokens.txt`; `omit` leaves one out */
  async function variant(name: string, edit: (meta: Record<string, string>) => void, o: { omit?: 'decoder' | 'tokens'; decoder?: Buffer } = {}): Promise<string> {
    const dir = join(root, name);
    mkdirSync(dir);
    const meta = { ...(await readOnnxHeader({ path: ENCODER })).metadata };
    edit(meta);
    writeFileSync(join(dir, 'tiny.en-encoder.onnx'), withMetadata(readFileSync(ENCODER), meta));
    if (o.omit !== 'decoder') writeFileSync(join(dir, 'tiny.en-decoder.onnx'), o.decoder ?? readFileSync(join(MODEL, 'contract-decoder.onnx')));
    if (o.omit !== 'tokens') copyFileSync(join(MODEL, 'contract-tokens.txt'), join(dir, 'tiny.en-tokens.txt'));
    return dir;
  }

  it('is found by its files, loaded as whisper (16 kHz, n_mels 80) and decodes G.711 speech through sherpa-onnx without the process dying', { timeout: 60_000 }, async () => {
    const pid = speech.pid;
    const loaded = await speech.request({ op: 'load-recognizer', name: 'w', dir: MODEL });
    assert.deepEqual(loaded, { op: 'load-recognizer', sampleRate: 16000, featureDim: 80, vocabSize: 16, modelType: 'whisper', streaming: false });
    const asr = new SherpaOfflineAsr({ speech, name: 'w', dir: MODEL });
    const speechPcm = espeak({ text: '4 8 2', voice: 'en-us+f4', rate: 8000 });
    const r = await asr.utterance({ pcm: throughG711(speechPcm), rate: 8000 });
    // the fixture answers eot at once: an empty text is its whole output (it has no digit weights)
    assert.deepEqual({ text: r.text, tokens: r.tokens }, { text: '', tokens: [] });
    assert.deepEqual(await speech.request({ op: 'ping' }), { op: 'ping', pid });
  });

  it("loads from a folder laid out as sherpa-onnx's whisper-tiny.en archive (int8 copies beside, test_wavs/)", async () => {
    const dir = await variant('release-layout', () => undefined);
    mkdirSync(join(dir, 'test_wavs'));
    for (const role of ['encoder', 'decoder']) copyFileSync(join(dir, `tiny.en-${role}.onnx`), join(dir, `tiny.en-${role}.int8.onnx`));
    const loaded = await speech.request({ op: 'load-recognizer', name: 'w-release', dir });
    assert.equal(loaded.op === 'load-recognizer' && loaded.modelType, 'whisper');
  });

  it('an encoder without any one metadata key sherpa-onnx reads is refused naming that key; the process stays up', async () => {
    const pid = speech.pid;
    for (const key of [...WHISPER_INT_KEYS, ...WHISPER_LIST_KEYS]) {
      const dir = await variant(`no-${key}`, (m) => delete m[key]);
      await assert.rejects(speech.request({ op: 'load-recognizer', name: `no-${key}`, dir }), (err: Error) => /is refused before loading: tiny\.en-encoder\.onnx has no/.test(err.message) && err.message.includes(`'${key}'`), key);
    }
    assert.deepEqual(await speech.request({ op: 'ping' }), { op: 'ping', pid });
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
      { name: 'one-input-decoder', dir: () => variant('one-input-decoder', () => undefined, { decoder: identityOnnx({ metadata: {} }) }), reason: /tiny\.en-decoder\.onnx has 1 inputs and 1 outputs; sherpa-onnx's Whisper feeds 6/ },
    ];
    for (const c of cases) {
      const dir = await c.dir();
      await assert.rejects(speech.request({ op: 'load-recognizer', name: c.name, dir }), (err: Error) => /is refused before loading/.test(err.message) && c.reason.test(err.message), c.name);
    }
    assert.equal(speech.restarts, 0);
  });
});
