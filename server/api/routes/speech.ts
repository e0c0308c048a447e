// /api/v1/speech: the model installer (the same operations as `npm run models`) and TTS voices.
// An install runs in the background; its progress (bytes, rate, ETA) or refusal is in the model list.
import type { Context, Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { InstallBody, ModelParams } from '../schemas-speech.js';
import { ModelError, type ModelStatus } from '../../speech/index.js';

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

  app.get('/api/v1/speech/models', session, async (c) => c.json({ items: (await models.list()).map(view) }));

  app.post('/api/v1/speech/models/verify', session, async (c) => c.json({ items: await models.verify() }));

  app.post('/api/v1/speech/models/:name/install', session, async (c) => {
    const p = known(c);
    if (!p.ok) return p.response;
    const body = await readBody(c, InstallBody);
    if (!body.ok) return body.response;
    const name = p.value.name;
    if (jobs.get(name)?.state === 'running') return jsonError(c, 409, { error: 'install running', reason: `'${name}' is being installed` });
    const job: Job = { state: 'running', bytes: 0, total: null, rate: 0, etaS: null };
    jobs.set(name, job);
    audit(c, 'speech.model.install', name, body.value.from !== undefined ? { from: body.value.from } : {});
    void models
      .install({ name, ...(body.value.from !== undefined ? { from: body.value.from } : {}), onProgress: (pr) => Object.assign(job, pr) })
      .then(
        () => jobs.delete(name),
        (err: unknown) => {
          job.state = 'failed';
          job.error = (err as Error).message;
          if (err instanceof ModelError) job.code = err.code;
          deps.logger.warn({ model: name, err: job.error }, 'model install refused');
        },
      );
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
