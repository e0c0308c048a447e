// /api/v1/speech: the model installer (the same operations as `npm run models`) and TTS voices.
// An install runs in the background; its progress (bytes, rate, ETA) or refusal is in the model list.
// An archive can also be uploaded (PUT .../archive, streamed to the models folder, never held in
// memory): the install then runs from it as from a local archive, and the upload is deleted after.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Context, Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { InstallBody, ModelParams } from '../schemas-speech.js';
import { ModelError, type ModelStatus } from '../../speech/index.js';

/** model archives are hundreds of MB (SenseVoice ~ 1 GB unpacked); an upload is refused beyond this */
export const SPEECH_UPLOAD_MAX_BYTES = 2 * 1024 ** 3;
export const SPEECH_ARCHIVE_ROUTE = /^\/api\/v1\/speech\/models\/[^/]+\/archive$/;

class TooLarge extends Error {}

interface Job {
  state: 'running' | 'failed';
  bytes: number;
  total: number | null;
  rate: number;
  etaS: number | null;
  error?: string;
  code?: string;
}

export function mountSpeechRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const speech = deps.speech;
  if (speech === undefined) return;
  const { models } = speech;
  const session = requireSession(deps);
  const jobs = new Map<string, Job>();
  const view = (s: ModelStatus) => ({
    model: s.entry,
    installed: s.installed ? { sha256: s.installed.sha256, checksumSource: s.installed.checksumSource, installedAt: s.installed.installedAt, source: s.installed.source } : null,
    expectedSha256: s.expectedSha256,
    install: jobs.get(s.entry.name) ?? null,
  });
  const audit = (c: Context<ApiEnv>, action: string, target: string, detail?: Record<string, unknown>) => {
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action, target, ...(source !== undefined ? { source } : {}), ...(detail ? { detail } : {}) });
  };
  const known = (c: Context<ApiEnv>) => {
    const p = validate(c, ModelParams, c.req.param());
    if (!p.ok) return p;
    try {
      models.entry(p.value.name);
      return p;
    } catch (err) {
      return { ok: false as const, response: jsonError(c, 404, { error: 'model not found', reason: (err as Error).message }) };
    }
  };

  /** the install job in the background; `then` runs when it ends either way (an upload is deleted) */
  const start = (name: string, from: string | undefined, then?: () => Promise<void>) => {
    const job: Job = { state: 'running', bytes: 0, total: null, rate: 0, etaS: null };
    jobs.set(name, job);
    void models
      .install({ name, ...(from !== undefined ? { from } : {}), onProgress: (pr) => Object.assign(job, pr) })
      // before the job's state changes, so whoever sees it ended also finds the upload gone
      .finally(async () => then?.())
      .then(
        () => jobs.delete(name),
        (err: unknown) => {
          job.state = 'failed';
          job.error = (err as Error).message;
          if (err instanceof ModelError) job.code = err.code;
          deps.logger.warn({ model: name, err: job.error }, 'model install refused');
        },
      );
  };

  app.get('/api/v1/speech/models', session, async (c) => c.json({ items: (await models.list()).map(view) }));

  app.post('/api/v1/speech/models/verify', session, async (c) => c.json({ items: await models.verify() }));

  app.post('/api/v1/speech/models/:name/install', session, async (c) => {
    const p = known(c);
    if (!p.ok) return p.response;
    const body = await readBody(c, InstallBody);
    if (!body.ok) return body.response;
    const name = p.value.name;
    if (jobs.get(name)?.state === 'running') return jsonError(c, 409, { error: 'install running', reason: `'${name}' is being installed` });
    audit(c, 'speech.model.install', name, body.value.from !== undefined ? { from: body.value.from } : {});
    start(name, body.value.from);
    const status = (await models.list()).find((s) => s.entry.name === name);
    return c.json(status ? view(status) : {}, 202);
  });

  app.put('/api/v1/speech/models/:name/archive', session, async (c) => {
    const p = known(c);
    if (!p.ok) return p.response;
    const name = p.value.name;
    if (jobs.get(name)?.state === 'running') return jsonError(c, 409, { error: 'install running', reason: `'${name}' is being installed` });
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/(?:octet-stream|x-bzip2|x-tar|gzip|x-gzip)\b/i.test(type)) return jsonError(c, 415, { error: 'unsupported media type', reason: 'send the archive as application/octet-stream' });
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > SPEECH_UPLOAD_MAX_BYTES) return jsonError(c, 413, { error: 'payload too large', reason: `an archive upload is at most ${SPEECH_UPLOAD_MAX_BYTES} bytes` });
    const body = c.req.raw.body;
    if (body === null) return jsonError(c, 400, { error: 'empty body', reason: 'the request carries no archive' });
    // under the models folder: the same disk the model unpacks to, not a tmpfs /tmp
    const dir = join(models.dir, '.uploads');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${name}-${randomUUID()}.archive`);
    let bytes = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done(bytes > SPEECH_UPLOAD_MAX_BYTES ? new TooLarge() : null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), counted, createWriteStream(file));
    } catch (err) {
      await rm(file, { force: true });
      if (err instanceof TooLarge) return jsonError(c, 413, { error: 'payload too large', reason: `an archive upload is at most ${SPEECH_UPLOAD_MAX_BYTES} bytes` });
      throw err;
    }
    audit(c, 'speech.model.install', name, { upload: bytes });
    start(name, file, () => rm(file, { force: true }));
    const status = (await models.list()).find((s) => s.entry.name === name);
    return c.json(status ? view(status) : {}, 202);
  });

  app.delete('/api/v1/speech/models/:name', session, async (c) => {
    const p = known(c);
    if (!p.ok) return p.response;
    try {
      await models.remove({ name: p.value.name });
    } catch (err) {
      if (err instanceof ModelError && err.code === 'not-installed') return jsonError(c, 404, { error: 'not installed', reason: err.message });
      throw err;
    }
    jobs.delete(p.value.name);
    audit(c, 'speech.model.remove', p.value.name);
    return c.body(null, 204);
  });

  app.get('/api/v1/speech/voices', session, (c) => c.json({ items: speech.voices() }));
}
