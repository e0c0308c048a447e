import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityOnnx } from '../testing/onnx-build.js';
import { archive, ENCODER_META, incompressible, streamingFiles } from '../testing/archives.js';
import { onnxModelCheck } from '../check/model-check.js';
import { ModelError } from './errors.js';
import { ModelInstaller } from './installer.js';
import type { Manifest, ModelEntry } from './manifest.js';
import type { DownloadProgress } from './download.js';

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

function entry(over: Partial<ModelEntry>): ModelEntry {
  return {
    name: 'zipformer-test',
    kind: 'streaming-asr',
    languages: ['en'],
    sampleRate: 16000,
    url: 'http://127.0.0.1:1/none.tar.bz2',
    format: 'tar.bz2',
    sizeBytes: null,
    licence: null,
    sha256: null,
    files: ['encoder*.onnx', 'decoder*.onnx', 'joiner*.onnx', 'tokens.txt'],
    ...over,
  };
}

async function refused(p: Promise<unknown>, code: string, text: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ModelError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, text);
    return true;
  });
}

/** nothing half-installed: no model folder, no staging leftovers */
function assertNothingInstalled(dir: string, name: string): void {
  assert.equal(existsSync(join(dir, name)), false, 'no model folder');
  const staging = join(dir, '.staging');
  assert.deepEqual(existsSync(staging) ? readdirSync(staging) : [], [], 'no staging leftovers');
}

describe('model installer', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hailing-models-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const make = (dir: string, models: ModelEntry[]): ModelInstaller =>
    new ModelInstaller({ dir, manifest: { models } satisfies Manifest, now: Date.now, checkModel: onnxModelCheck });

  it('installs a local archive (air-gapped), pins its SHA-256, and refuses a later differing archive', async () => {
    const dir = join(root, 'pin');
    const good = archive(join(root, 'a1'), 'sherpa-onnx-zipformer-test', streamingFiles());
    const inst = make(dir, [entry({})]);
    const marker = await inst.install({ name: 'zipformer-test', from: good });
    assert.equal(marker.sha256, sha(good));
    assert.equal(marker.checksumSource, 'pinned');
    assert.ok(existsSync(join(dir, 'zipformer-test', 'encoder-epoch-99-avg-1.onnx')), 'the top folder is lifted');
    assert.equal(JSON.parse(readFileSync(join(dir, 'pins.json'), 'utf8'))['zipformer-test'], sha(good));
    const other = archive(join(root, 'a2'), 'sherpa-onnx-zipformer-test', streamingFiles(ENCODER_META, 'b 2\n'));
    await refused(inst.install({ name: 'zipformer-test', from: other }), 'checksum-mismatch', /pinned at its first verified install/);
    assert.ok(existsSync(join(dir, 'zipformer-test', 'tokens.txt')), 'the installed model is untouched');
    assert.deepEqual(await inst.verify(), [{ name: 'zipformer-test', problem: null }]);
    await inst.remove({ name: 'zipformer-test' });
    assertNothingInstalled(dir, 'zipformer-test');
    // the pin outlives the removal: the differing archive is still refused
    await refused(inst.install({ name: 'zipformer-test', from: other }), 'checksum-mismatch', /pinned/);
  });

  it('refuses an archive whose SHA-256 is not the published one', async () => {
    const dir = join(root, 'published');
    const good = archive(join(root, 'b1'), 'm', streamingFiles());
    const inst = make(dir, [entry({ sha256: 'a'.repeat(64) })]);
    await refused(inst.install({ name: 'zipformer-test', from: good }), 'checksum-mismatch', /publisher states/);
    assertNothingInstalled(dir, 'zipformer-test');
  });

  it('refuses a corrupt (truncated) archive', async () => {
    const dir = join(root, 'corrupt');
    const good = archive(join(root, 'c1'), 'm', streamingFiles());
    const cut = join(root, 'c1', 'cut.tar.bz2');
    const bytes = readFileSync(good);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await refused(make(dir, [entry({})]).install({ name: 'zipformer-test', from: cut }), 'corrupt-archive', /corrupt or truncated/);
    assertNothingInstalled(dir, 'zipformer-test');
  });

  it('refuses an archive of another kind (a TTS voice offered as a streaming recogniser)', async () => {
    const dir = join(root, 'kind');
    const tts = archive(join(root, 'd1'), 'vits-voice', { 'voice.onnx': identityOnnx({ metadata: { sample_rate: '16000' } }), 'tokens.txt': 'a 1\n' });
    await refused(make(dir, [entry({})]).install({ name: 'zipformer-test', from: tts }), 'wrong-kind', /not the streaming-asr model 'zipformer-test': it lacks encoder\*\.onnx, decoder\*\.onnx, joiner\*\.onnx/);
    assertNothingInstalled(dir, 'zipformer-test');
  });

  it('refuses a model whose ONNX metadata lacks what sherpa-onnx reads, before loading it', async () => {
    const dir = join(root, 'meta');
    const bad = archive(join(root, 'e1'), 'm', streamingFiles({ decode_chunk_len: '32' }));
    await refused(make(dir, [entry({})]).install({ name: 'zipformer-test', from: bad }), 'bad-model', /encoder-epoch-99-avg-1\.onnx has no 'T' in its ONNX metadata/);
    assertNothingInstalled(dir, 'zipformer-test');
  });

  describe('download', () => {
    let server: Server;
    let body: Buffer;
    let ranges: Array<string | undefined>;
    let cutFirst = false;
    let base = '';
    before(async () => {
      body = readFileSync(archive(join(root, 'f1'), 'm', { ...streamingFiles(), 'pad.bin': incompressible(200_000) }));
      ranges = [];
      server = createServer((req, res) => {
        ranges.push(req.headers.range);
        const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
        const start = m ? Number(m[1]) : 0;
        const part = body.subarray(start);
        res.writeHead(m ? 206 : 200, {
          'content-length': part.length,
          ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
        });
        if (cutFirst) {
          // RFC 9112 §6.3: a connection closed before Content-Length bytes is an incomplete message
          cutFirst = false;
          res.write(part.subarray(0, 50_000), () => res.destroy());
          return;
        }
        res.end(part);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    it('downloads with progress (bytes, rate, ETA) and installs', async () => {
      const dir = join(root, 'dl');
      const seen: DownloadProgress[] = [];
      const inst = make(dir, [entry({ url: `${base}/m.tar.bz2` })]);
      await inst.install({ name: 'zipformer-test', onProgress: (p) => seen.push(p) });
      const last = seen.at(-1);
      assert.ok(last);
      assert.equal(last.bytes, body.length);
      assert.equal(last.total, body.length);
      assert.ok(last.rate > 0 && last.etaS === 0);
      assert.equal((await inst.list())[0]?.installed?.source, 'download');
      assert.deepEqual(readdirSync(join(dir, '.downloads')), [], 'the finished download is not kept');
    });

    it('an interrupted download is refused, leaves nothing installed, and the next install resumes it with Range', async () => {
      const dir = join(root, 'resume');
      ranges.length = 0;
      cutFirst = true;
      const inst = make(dir, [entry({ url: `${base}/m.tar.bz2`, sha256: createHash('sha256').update(body).digest('hex') })]);
      await refused(inst.install({ name: 'zipformer-test' }), 'download-failed', /stopped at 50000 bytes.*run install again to resume/);
      assertNothingInstalled(dir, 'zipformer-test');
      const marker = await inst.install({ name: 'zipformer-test' });
      assert.equal(marker.checksumSource, 'published');
      assert.deepEqual(ranges, [undefined, 'bytes=50000-']);
    });
  });
});
