// Music on hold (issue 12): list, upload and delete the files of a class. An upload is the WAV file
// itself as the body (audio/wav), converted once by the library to what the engine plays.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireAdmin, requireSession } from '../auth.js';
import { jsonError, validate } from '../http-errors.js';
import { MohClassParams, MohFileParams } from '../schemas-moh.js';
import { auditFrom } from './recording-control.js';

/** an upload may be this large (about 5 minutes of 44.1 kHz stereo 16-bit) */
export const MOH_UPLOAD_MAX_BYTES = 64 * 1024 * 1024;
export const MOH_PATH_PREFIX = '/api/v1/moh/';

export function mountMohRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const session = requireSession(deps);
  const admin = requireAdmin();

  app.get('/api/v1/moh/classes/:class/files', session, async (c) => {
    const params = validate(c, MohClassParams, c.req.param());
    if (!params.ok) return params.response;
    if (deps.moh === undefined) return jsonError(c, 404, { error: 'not found', reason: 'music on hold is not served by this server' });
    return c.json({ class: params.value.class, items: await deps.moh.list(params.value.class) });
  });

  app.put(
    '/api/v1/moh/classes/:class/files/:name',
    session,
    admin,
    bodyLimit({ maxSize: MOH_UPLOAD_MAX_BYTES, onError: (c) => c.json({ error: 'payload too large', reason: `an upload is at most ${MOH_UPLOAD_MAX_BYTES} bytes` }, 413) }),
    async (c) => {
      const params = validate(c, MohFileParams, c.req.param());
      if (!params.ok) return params.response;
      if (deps.moh === undefined) return jsonError(c, 404, { error: 'not found', reason: 'music on hold is not served by this server' });
      const type = c.req.header('content-type') ?? '';
      if (!/^audio\/(?:wav|x-wav|wave|vnd\.wave)\b/i.test(type) && !/^application\/octet-stream\b/i.test(type)) {
        return jsonError(c, 415, { error: 'unsupported media type', reason: 'send the WAV file as audio/wav' });
      }
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const added = await deps.moh.add({ cls: params.value.class, name: params.value.name, bytes });
      if (!added.ok) return jsonError(c, added.status, { error: 'not accepted', reason: added.reason });
      auditFrom(deps, c, { action: 'moh.upload', target: `${params.value.class}/${params.value.name}`, detail: { bytes: bytes.length, durationMs: added.file.durationMs } });
      return c.json({ class: params.value.class, file: added.file, source: added.source }, 201);
    },
  );

  app.delete('/api/v1/moh/classes/:class/files/:name', session, admin, async (c) => {
    const params = validate(c, MohFileParams, c.req.param());
    if (!params.ok) return params.response;
    if (deps.moh === undefined) return jsonError(c, 404, { error: 'not found', reason: 'music on hold is not served by this server' });
    if (!(await deps.moh.remove({ cls: params.value.class, name: params.value.name }))) return jsonError(c, 404, { error: 'not found', reason: 'the class has no such file' });
    auditFrom(deps, c, { action: 'moh.delete', target: `${params.value.class}/${params.value.name}` });
    return c.body(null, 204);
  });
}
