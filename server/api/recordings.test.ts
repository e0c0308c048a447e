import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { CallRecordInput } from '../store/index.js';
import { callRecordFixture } from '../store/testing.js';
import { soxStat } from '../../test/helpers/audio.js';
import { createApiHarness, loginAs, quietApiLogger, type ApiHarness } from './testing.js';
import { startHttpServer } from './server.js';
import { CallRecord } from './schemas.js';

const run = promisify(execFile);
const T = Date.UTC(2026, 0, 15, 10, 0, 0);
const ID = '7f3c2a10-0000-4000-8000-00000000a001';

interface Fixture {
  h: ApiHarness;
  /** the data dir; recordings live in <root>/recordings */
  root: string;
  recordings: string;
  /** a 2 s 8 kHz mono tone, made by sox */
  wav: string;
  as(role: 'admin' | 'supervisor' | 'agent'): Promise<(path: string, init?: RequestInit) => Promise<Response>>;
  save(over: Partial<CallRecordInput> & Pick<CallRecordInput, 'id'>): Promise<void>;
  cleanup(): Promise<void>;
}

async function fixture(o: { recordingsDir?: false } = {}): Promise<Fixture> {
  const root = await mkdtemp(join(tmpdir(), 'hailing-rec-'));
  const recordings = join(root, 'recordings');
  await mkdir(recordings);
  const wav = join(recordings, `${ID}.wav`);
  await run('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', wav, 'synth', '2', 'sine', '440'], { timeout: 10_000 });
  const h = await createApiHarness(o.recordingsDir === false ? {} : { recordingsDir: recordings });
  return {
    h,
    root,
    recordings,
    wav,
    async as(role) {
      const token = await loginAs(h, `user-${role}`, 'correct horse', role);
      return async (path, init = {}) => h.app.request(path, { ...init, headers: { authorization: `Bearer ${token}` } });
    },
    save: (over) => h.callRecords.begin(callRecordFixture({ startedAt: T, endedAt: T + 3_000, durationS: 3, billableS: 2, disposition: 'ANSWERED', ...over })),
    async cleanup() {
      await h.cleanup();
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function reason(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { reason?: string }).reason;
}

describe('GET /api/v1/cdrs/:id/recording', () => {
  it('streams the WAV as an attachment with its type and length, and audits who downloaded which call', async () => {
    const f = await fixture();
    try {
      await f.save({ id: ID, recordingPath: f.wav, recordingFormat: 'wav', recordingDurationMs: 2_000 });
      const get = await f.as('supervisor');
      const res = await get(`/api/v1/cdrs/${ID}/recording`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'audio/wav');
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="${ID}.wav"`);
      const body = Buffer.from(await res.arrayBuffer());
      const original = await readFile(f.wav);
      assert.equal(res.headers.get('content-length'), String(original.length));
      assert.ok(body.equals(original), 'the bytes of the file');
      // and sox reads what came over the API as the 2 s it made
      const copy = join(f.root, 'downloaded.wav');
      await writeFile(copy, body);
      assert.equal((await soxStat({ file: copy })).lengthS, 2);

      // HEAD: the same headers, no body, and no download to audit
      const head = await get(`/api/v1/cdrs/${ID}/recording`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(original.length));
      assert.equal((await head.arrayBuffer()).byteLength, 0);

      await f.h.audit.settled();
      const trail = await f.h.auditRepo.list({ action: 'recording.download' });
      assert.equal(trail.length, 1);
      assert.equal(trail[0]?.actor, 'user-supervisor');
      assert.equal(trail[0]?.target, ID);
    } finally {
      await f.cleanup();
    }
  });

  it('serves Ogg/Opus as audio/ogg; a relative path is taken from the working directory, as the recorder took it', async () => {
    const f = await fixture();
    try {
      await run('opusenc', ['--quiet', f.wav, join(f.recordings, 'b.opus.ogg')], { timeout: 10_000 });
      const id = '7f3c2a10-0000-4000-8000-00000000a002';
      await f.save({ id, recordingPath: relative(process.cwd(), join(f.recordings, 'b.opus.ogg')), recordingFormat: 'ogg', recordingDurationMs: 2_000 });
      const res = await (await f.as('admin'))(`/api/v1/cdrs/${id}/recording`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'audio/ogg');
      assert.equal(res.headers.get('content-disposition'), `attachment; filename="${id}.ogg"`);
      const body = Buffer.from(await res.arrayBuffer());
      // RFC 3533 §6: every Ogg page begins with the capture pattern "OggS"; RFC 7845 §5.1: "OpusHead"
      assert.equal(body.subarray(0, 4).toString('latin1'), 'OggS');
      assert.ok(body.includes(Buffer.from('OpusHead')));
      assert.ok(body.equals(await readFile(join(f.recordings, 'b.opus.ogg'))));
    } finally {
      await f.cleanup();
    }
  });

  it('404 with a reason: unknown call, no recording, file gone, path outside the folder (absolute, .., symlink); nothing audited', async () => {
    const f = await fixture();
    try {
      const outside = join(f.root, 'secret.wav');
      await writeFile(outside, await readFile(f.wav));
      await symlink(outside, join(f.recordings, 'link.wav'));
      const ids = { none: 'c-none', gone: 'c-gone', abs: 'c-abs', dots: 'c-dots', rel: 'c-rel', link: 'c-link', sibling: 'c-sibling', dir: 'c-dir' };
      await mkdir(join(f.recordings, 'sub.wav'));
      // a folder whose name merely starts with "recordings" is not inside it
      await mkdir(join(f.root, 'recordings-old'));
      await writeFile(join(f.root, 'recordings-old', 'x.wav'), await readFile(f.wav));
      await Promise.all([
        f.save({ id: ids.none }),
        f.save({ id: ids.gone, recordingPath: join(f.recordings, 'deleted.wav'), recordingFormat: 'wav' }),
        f.save({ id: ids.abs, recordingPath: outside, recordingFormat: 'wav' }),
        f.save({ id: ids.dots, recordingPath: `${f.recordings}/../secret.wav`, recordingFormat: 'wav' }),
        f.save({ id: ids.rel, recordingPath: relative(process.cwd(), outside), recordingFormat: 'wav' }),
        f.save({ id: ids.link, recordingPath: join(f.recordings, 'link.wav'), recordingFormat: 'wav' }),
        f.save({ id: ids.sibling, recordingPath: join(f.root, 'recordings-old', 'x.wav'), recordingFormat: 'wav' }),
        f.save({ id: ids.dir, recordingPath: join(f.recordings, 'sub.wav'), recordingFormat: 'wav' }),
      ]);
      const get = await f.as('admin');
      const expect = async (id: string, error: string, why?: RegExp) => {
        const res = await get(`/api/v1/cdrs/${id}/recording`);
        assert.equal(res.status, 404, id);
        const body = (await res.json()) as { error: string; reason?: string };
        assert.equal(body.error, error, id);
        if (why) assert.match(body.reason ?? '', why, id);
      };
      await expect('7f3c2a10-0000-4000-8000-00000000dead', 'call record not found');
      await expect(ids.none, 'recording not found', /no recording/);
      await expect(ids.gone, 'recording not found', /gone/);
      await expect(ids.abs, 'recording not found', /outside/);
      await expect(ids.dots, 'recording not found', /outside/);
      await expect(ids.rel, 'recording not found', /outside/);
      await expect(ids.link, 'recording not found', /outside/);
      await expect(ids.sibling, 'recording not found', /outside/);
      await expect(ids.dir, 'recording not found', /not a file/);

      // the file was there once, then retention (or a person) removed it
      await f.save({ id: ID, recordingPath: f.wav, recordingFormat: 'wav' });
      assert.equal((await get(`/api/v1/cdrs/${ID}/recording`)).status, 200);
      await unlink(f.wav);
      await expect(ID, 'recording not found', /gone/);

      await f.h.audit.settled();
      assert.equal((await f.h.auditRepo.list({ action: 'recording.download' })).length, 1, 'only the one that was served');
    } finally {
      await f.cleanup();
    }
  });

  it('agents get 403, no session 401, a bad id 400; without a recordings folder every download is 404', async () => {
    const f = await fixture();
    try {
      await f.save({ id: ID, recordingPath: f.wav, recordingFormat: 'wav' });
      assert.equal((await (await f.as('agent'))(`/api/v1/cdrs/${ID}/recording`)).status, 403);
      assert.equal((await f.h.app.request(`/api/v1/cdrs/${ID}/recording`)).status, 401);
      assert.equal((await (await f.as('admin'))('/api/v1/cdrs/not%20an%20id/recording')).status, 400);
    } finally {
      await f.cleanup();
    }
    const bare = await fixture({ recordingsDir: false });
    try {
      await bare.save({ id: ID, recordingPath: bare.wav, recordingFormat: 'wav' });
      const res = await (await bare.as('admin'))(`/api/v1/cdrs/${ID}/recording`);
      assert.equal(res.status, 404);
      assert.match((await reason(res)) ?? '', /not kept/);
    } finally {
      await bare.cleanup();
    }
  });

  it('over real HTTP: a 4 MB file arrives whole, and the JSON record links to it with the recording fields', async () => {
    const f = await fixture();
    try {
      const big = join(f.recordings, 'long.wav');
      await run('sox', ['-n', '-r', '16000', '-c', '2', '-b', '16', big, 'synth', '32', 'sine', '300', 'sine', '500'], { timeout: 20_000 });
      const pauses = [{ atMs: 5_000, durationMs: 12_000 }];
      await f.save({ id: ID, recordingPath: big, recordingFormat: 'wav', recordingDurationMs: 32_000, recordingPauses: pauses });
      const token = await loginAs(f.h, 'root', 'correct horse', 'admin');
      const server = await startHttpServer({ app: f.h.app, port: 0, address: '127.0.0.1', logger: quietApiLogger });
      try {
        const auth = { authorization: `Bearer ${token}` };
        const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/cdrs/${ID}/recording`, { headers: auth });
        assert.equal(res.status, 200);
        const body = Buffer.from(await res.arrayBuffer());
        const original = await readFile(big);
        // 16 kHz × 2 channels × 2 bytes × 32 s, plus sox's 44-byte canonical WAV header
        assert.equal(original.length, 16_000 * 2 * 2 * 32 + 44);
        assert.equal(res.headers.get('content-length'), String(original.length));
        assert.ok(body.equals(original));

        const json = (await (await fetch(`http://127.0.0.1:${server.port}/api/v1/cdrs/${ID}`, { headers: auth })).json()) as Record<string, unknown>;
        assert.equal(json['recordingPath'], big);
        assert.equal(json['recordingFormat'], 'wav');
        assert.equal(json['recordingDurationMs'], 32_000);
        assert.deepEqual(json['recordingPauses'], pauses);
        assert.equal(json['recordingUrl'], `/api/v1/cdrs/${ID}/recording`);
        assert.ok(CallRecord.safeParse(json).success, 'the body is what the OpenAPI schema says');
      } finally {
        await server.close();
      }
    } finally {
      await f.cleanup();
    }
  });
});
