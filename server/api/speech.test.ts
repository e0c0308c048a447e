// /api/v1/speech: the installer's operations over the API (list, install from a local archive with
// its state in the list, a refused archive's reason, remove, verify), and the OpenAPI entries.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, createApiHarness, loginAs } from './testing.js';
import { ModelInstaller, onnxModelCheck, type ModelEntry } from '../speech/index.js';
import { archive, streamingFiles } from '../speech/testing/archives.js';
import { identityOnnx } from '../speech/testing/onnx-build.js';

const entry: ModelEntry = {
  name: 'zipformer-test',
  kind: 'streaming-asr',
  languages: ['en'],
  sampleRate: 16000,
  url: 'http://127.0.0.1:9/none.tar.bz2',
  format: 'tar.bz2',
  sizeBytes: null,
  licence: null,
  sha256: null,
  files: ['encoder*.onnx', 'decoder*.onnx', 'joiner*.onnx', 'tokens.txt'],
};

type Item = { model: { name: string }; installed: unknown; install: { state: string; code?: string; error?: string } | null };

describe('/api/v1/speech', () => {
  it('lists models, installs a local archive, shows a refusal with its reason, verifies and removes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hailing-api-speech-'));
    const models = new ModelInstaller({ dir: join(root, 'models'), manifest: { models: [entry] }, now: Date.now, checkModel: onnxModelCheck });
    const h = await createApiHarness({ speech: { models, voices: () => [{ voice: 'en', engine: 'espeak-ng' }] } });
    try {
      const call = await apiClient(h);
      const item = async (): Promise<Item> => ((await call('GET', '/api/v1/speech/models')).body?.['items'] as Item[])[0] as Item;
      const settle = async (): Promise<Item> => {
        for (let i = 0; i < 200; i++) {
          const it = await item();
          if (it.install?.state !== 'running') return it;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('install never settled');
      };
      assert.equal((await item()).installed, null);
      assert.equal((await call('POST', '/api/v1/speech/models/nope/install', {})).status, 404);

      const tts = archive(join(root, 'a'), 'voice', { 'voice.onnx': identityOnnx({ metadata: { sample_rate: '16000' } }), 'tokens.txt': 'a 1\n' });
      assert.equal((await call('POST', '/api/v1/speech/models/zipformer-test/install', { from: tts })).status, 202);
      const refused = await settle();
      assert.equal(refused.install?.state, 'failed');
      assert.equal(refused.install?.code, 'wrong-kind');
      assert.match(refused.install?.error ?? '', /lacks encoder\*\.onnx/);
      assert.equal(refused.installed, null);

      const good = archive(join(root, 'b'), 'sherpa-onnx-zipformer-test', streamingFiles());
      assert.equal((await call('POST', '/api/v1/speech/models/zipformer-test/install', { from: good })).status, 202);
      const done = await settle();
      assert.equal(done.install, null);
      assert.equal((done.installed as { source: string }).source, 'archive');
      assert.deepEqual((await call('POST', '/api/v1/speech/models/verify')).body?.['items'], [{ name: 'zipformer-test', problem: null }]);
      assert.deepEqual((await call('GET', '/api/v1/speech/voices')).body?.['items'], [{ voice: 'en', engine: 'espeak-ng' }]);
      assert.equal((await call('DELETE', '/api/v1/speech/models/zipformer-test')).status, 204);
      assert.equal((await call('DELETE', '/api/v1/speech/models/zipformer-test')).status, 404);
      const spec = (await call('GET', '/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
      for (const p of ['/api/v1/speech/models', '/api/v1/speech/models/{name}/install', '/api/v1/speech/voices']) assert.ok(p in spec.paths, p);
    } finally {
      await h.cleanup();
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('installs an uploaded archive (streamed to the models folder, deleted after), refuses a broken upload with the reason, and refuses other media types', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hailing-api-speech-up-'));
    const dir = join(root, 'models');
    const models = new ModelInstaller({ dir, manifest: { models: [entry] }, now: Date.now, checkModel: onnxModelCheck });
    const h = await createApiHarness({ speech: { models, voices: () => [] } });
    try {
      const call = await apiClient(h);
      const bearer = await loginAs(h, 'uploader', 'correct horse', 'admin');
      const put = (name: string, body: Buffer, type = 'application/octet-stream') =>
        h.app.request(`/api/v1/speech/models/${name}/archive`, { method: 'PUT', headers: { authorization: `Bearer ${bearer}`, 'content-type': type }, body });
      const settle = async (): Promise<Item> => {
        for (let i = 0; i < 200; i++) {
          const it = ((await call('GET', '/api/v1/speech/models')).body?.['items'] as Item[])[0] as Item;
          if (it.install?.state !== 'running') return it;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('install never settled');
      };
      const uploads = () => (existsSync(join(dir, '.uploads')) ? readdirSync(join(dir, '.uploads')) : []);
      const good = readFileSync(archive(join(root, 'b'), 'sherpa-onnx-zipformer-test', streamingFiles()));

      assert.equal((await put('zipformer-test', good, 'application/json')).status, 415);
      assert.equal((await put('nope', good)).status, 404);
      // a truncated archive: refused with the installer's reason, nothing installed, the upload gone
      assert.equal((await put('zipformer-test', good.subarray(0, good.length >> 1))).status, 202);
      const refused = await settle();
      assert.equal(refused.install?.state, 'failed');
      assert.ok(refused.install?.error, 'a reason');
      assert.equal(refused.installed, null);
      assert.deepEqual(uploads(), []);

      assert.equal((await put('zipformer-test', good)).status, 202);
      const done = await settle();
      assert.equal(done.install, null);
      assert.equal((done.installed as { source: string }).source, 'archive');
      assert.deepEqual(uploads(), [], 'the upload is deleted after the install');
      const spec = (await call('GET', '/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
      assert.ok('/api/v1/speech/models/{name}/archive' in spec.paths);
    } finally {
      await h.cleanup();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
