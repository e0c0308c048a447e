// Which punctuation model transcription uses (HAILING_PUNCTUATION_MODEL, else the manifest's model
// when installed in HAILING_MODELS_DIR), and that a punctuator whose model is refused leaves the
// text as recognised, logging once, with the speech process still up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../sip/index.js';
import { loadManifest, SpeechProcess } from '../speech/index.js';
import { identityOnnx } from '../speech/testing/onnx-build.js';
import { choosePunctuationModel, createPunctuation } from './punctuation.js';

const MANIFEST_MODEL = loadManifest().models.find((m) => m.kind === 'punctuation')!.name;

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (_o: unknown, msg?: string) => void lines.push(`${level} ${msg ?? ''}`);
  const logger = { info: log('info'), warn: log('warn'), error: log('error'), debug() {}, child: () => logger } as unknown as Logger;
  return logger;
}

describe('punctuation model choice and failure', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hailing-punct-choice-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('the setting wins; else the manifest model only once the installer has finished it', () => {
    const modelsDir = join(root, 'models');
    assert.deepEqual(choosePunctuationModel({ punctuationModel: '/opt/punct', modelsDir }), { dir: '/opt/punct', from: 'setting' });
    assert.deepEqual(choosePunctuationModel({ modelsDir }), { dir: null, manifestModel: MANIFEST_MODEL });
    const dir = join(modelsDir, MANIFEST_MODEL);
    mkdirSync(dir, { recursive: true });
    // unpacked but without the installer's marker (an install cut short): not used
    assert.deepEqual(choosePunctuationModel({ modelsDir }), { dir: null, manifestModel: MANIFEST_MODEL });
    writeFileSync(join(dir, '.hailing-model.json'), '{}');
    assert.deepEqual(choosePunctuationModel({ modelsDir }), { dir, from: 'installed' });
  });

  it('without a model the log names the setting and the model to install', () => {
    const lines: string[] = [];
    assert.equal(createPunctuation({ config: { modelsDir: join(root, 'none') }, speech: { request: () => Promise.reject(new Error('unused')) }, logger: recordingLogger(lines) }), null);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, new RegExp(`set HAILING_PUNCTUATION_MODEL .* or install ${MANIFEST_MODEL}`));
  });

  it('a refused model leaves finals as recognised, logged once, and the speech process answers', { timeout: 60_000 }, async () => {
    const dir = join(root, 'bad');
    mkdirSync(dir);
    // every metadata key, but one float input where sherpa-onnx feeds two int32 ones
    writeFileSync(join(dir, 'model.onnx'), identityOnnx({ metadata: { vocab_size: '1', tokens: '<unk>', punctuations: '<unk>|_|，|。|？|、', unk_symbol: '<unk>' } }));
    const speech = new SpeechProcess({ logger: recordingLogger([]), socketDir: root });
    try {
      await speech.start();
      const lines: string[] = [];
      const p = createPunctuation({ config: { punctuationModel: dir, modelsDir: root }, speech, logger: recordingLogger(lines) })!;
      await assert.rejects(p.load(), /must take two int32 inputs/);
      assert.equal(await p.punctuate('4821'), '4821');
      assert.equal(await p.punctuate('你好我想还款'), '你好我想还款');
      assert.deepEqual(lines, ['warn punctuation failed; transcripts keep the recognised text until it works again']);
      assert.equal((await speech.request({ op: 'ping' })).op, 'ping');
    } finally {
      await speech.close();
    }
  });
});
