// The manifest's zipformer, zipformer2, SenseVoice, Paraformer and Whisper entries, installed as `npm run models -- install NAME
// --from ARCHIVE` installs them, leave a folder the speech process loads. The archives are shaped as
// sherpa-onnx's releases (one top folder; epoch-named encoder/decoder/joiner with int8 copies, or
// model.onnx with model.int8.onnx; tokens.txt; extra files such as test_wavs/, keywords.txt) but
// hold the contract fixtures, since the real models cannot be fetched here. The type each folder
// loads as comes from its files and metadata: the folder names say nothing about it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../sip/index.js';
import { onnxModelCheck } from './check/model-check.js';
import { ModelInstaller } from './models/installer.js';
import { loadManifest } from './models/manifest.js';
import { SpeechProcess } from './supervisor.js';
import { archive } from './testing/archives.js';

const fixture = (name: string, file: string): Buffer => readFileSync(fileURLToPath(new URL(`../../test/fixtures/speech/${name}/${file}`, import.meta.url)));

/** release-shaped files of a transducer fixture: `<role><suffix>.onnx` and its .int8 copy */
function transducerRelease(model: string, suffix: string, extra: Record<string, Buffer | string>): Record<string, Buffer | string> {
  const out: Record<string, Buffer | string> = { 'tokens.txt': fixture(model, 'tokens.txt'), ...extra };
  for (const role of ['encoder', 'decoder', 'joiner']) {
    out[`${role}${suffix}.onnx`] = fixture(model, `${role}.onnx`);
    out[`${role}${suffix}.int8.onnx`] = fixture(model, `${role}.onnx`);
  }
  return out;
}

describe('installed manifest models load in the speech process (release-shaped archives of the contract fixtures)', () => {
  let root: string;
  let speech: SpeechProcess;
  let installer: ModelInstaller;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hailing-install-load-'));
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
    installer = new ModelInstaller({ dir: join(root, 'models'), manifest: loadManifest(), now: Date.now, checkModel: onnxModelCheck });
  });
  after(async () => {
    await speech.close();
    rmSync(root, { recursive: true, force: true });
  });

  const cases = [
    // the first Zipformer (icefall pruned_transducer_stateless7_streaming), as that release is; it
    // also ships LM models (no-state-epoch-99-avg-1.onnx …), which the loader leaves alone
    { name: 'streaming-zipformer-bilingual-zh-en-2023-02-20', files: () => transducerRelease('digits-zipformer', '-epoch-99-avg-1', { 'bpe.model': 'x', 'README.md': 'notes', 'no-state-epoch-99-avg-1.onnx': fixture('digits-zipformer', 'joiner.onnx') }), type: 'zipformer', streaming: true },
    { name: 'streaming-zipformer-en-2023-06-26', files: () => transducerRelease('digits-zipformer2', '-epoch-99-avg-1-chunk-16-left-128', { 'bpe.model': 'x' }), type: 'zipformer2', streaming: true },
    { name: 'kws-zipformer-wenetspeech-3.3M-2024-01-01', files: () => transducerRelease('digits-zipformer2', '-epoch-12-avg-2-chunk-16-left-64', { 'keywords.txt': '4 8 @48\n', 'keywords_raw.txt': '48\n' }), type: 'zipformer2', streaming: true },
    {
      name: 'sense-voice-zh-en-ja-ko-yue-2024-07-17',
      files: () => ({ 'model.onnx': fixture('digits-sense-voice', 'model.onnx'), 'model.int8.onnx': fixture('digits-sense-voice', 'model.onnx'), 'tokens.txt': fixture('digits-sense-voice', 'tokens.txt') }),
      type: 'sense_voice_ctc',
      streaming: false,
    },
    {
      // that release ships only the int8 model
      name: 'paraformer-zh-2023-09-14',
      files: () => ({ 'model.int8.onnx': fixture('digits-paraformer', 'model.onnx'), 'tokens.txt': fixture('digits-paraformer', 'tokens.txt'), 'README.md': 'notes' }),
      type: 'paraformer',
      streaming: false,
    },
    {
      // the digit Whisper fixture under the release's file names
      name: 'whisper-tiny.en',
      files: () => ({
        'tiny.en-encoder.onnx': fixture('digits-whisper', 'digits-encoder.onnx'),
        'tiny.en-decoder.onnx': fixture('digits-whisper', 'digits-decoder.onnx'),
        'tiny.en-encoder.int8.onnx': fixture('digits-whisper', 'digits-encoder.onnx'),
        'tiny.en-decoder.int8.onnx': fixture('digits-whisper', 'digits-decoder.onnx'),
        'tiny.en-tokens.txt': fixture('digits-whisper', 'digits-tokens.txt'),
      }),
      type: 'whisper',
      streaming: false,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: installed from a local archive, then loaded as ${c.type}`, { timeout: 60_000 }, async () => {
      const from = archive(join(root, 'archives', c.name), `sherpa-onnx-${c.name}`, c.files());
      await installer.install({ name: c.name, from });
      const loaded = await speech.request({ op: 'load-recognizer', name: c.name, dir: join(root, 'models', c.name) });
      assert.ok(loaded.op === 'load-recognizer', JSON.stringify(loaded));
      assert.equal(loaded.modelType, c.type);
      assert.equal(loaded.streaming, c.streaming);
    });
  }
});
