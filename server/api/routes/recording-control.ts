// Recordings at rest and in progress (issue 14): pause/resume of a live call's recording (PCI DSS:
// card numbers are never recorded), master key status and rotation, legal hold, tags and early
// deletion. Every change is audited.
import type { Context, Hono } from 'hono';
import { rotateRecordingKeys } from '../../recording/index.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { CallIdParams, KeyRotationRequest, LegalHoldWrite, TagsWrite } from '../schemas-compliance.js';

export function auditFrom(deps: ApiDeps, c: Context<ApiEnv>, entry: { action: string; target?: string; detail?: Record<string, unknown> }): void {
  const source = remoteAddress(c);
  deps.audit.record({ actor: c.get('auth').user.username, ...entry, ...(source !== undefined ? { source } : {}) });
}

export function mountRecordingControlRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const session = requireSession(deps);

  for (const action of ['pause', 'resume'] as const) {
    // agents take card payments too; the roles work narrows this to the call's own agent
    app.post(`/api/v1/calls/:id/recording/${action}`, session, async (c) => {
      const params = validate(c, CallIdParams, c.req.param());
      if (!params.ok) return params.response;
      if (deps.calls === undefined) return jsonError(c, 404, { error: 'not found', reason: 'calls are not handled by this server' });
      const paused = action === 'pause';
      if (!deps.calls.pauseRecording(params.value.id, paused)) return jsonError(c, 404, { error: 'call not being recorded', reason: 'no call in progress with that id is being recorded' });
      auditFrom(deps, c, { action: `recording.${action}`, target: params.value.id });
      return c.json({ callId: params.value.id, paused });
    });
  }

  app.get('/api/v1/recordings/keys', session, (c) => {
    const vault = deps.recordingVault;
    const ring = vault?.keyring ?? null;
    return c.json({
      encryption: vault?.encryption ?? 'off',
      currentKeyId: ring?.current.id ?? null,
      keyIds: ring?.ids ?? [],
      source: ring === null ? null : ring.file === null ? 'environment' : 'file',
    });
  });

  app.post('/api/v1/recordings/keys/rotate', session, async (c) => {
    const body = await readBody(c, KeyRotationRequest);
    if (!body.ok) return body.response;
    const vault = deps.recordingVault;
    if (vault?.keyring == null || deps.recordingsDir === undefined) return jsonError(c, 404, { error: 'not found', reason: 'recordings are not kept encrypted by this server' });
    // a key file gets a new key here; keys from the environment were given a new last key before the restart
    const added = vault.keyring.file !== null ? vault.keyring.addKey().id : null;
    const report = await rotateRecordingKeys({ dir: deps.recordingsDir, vault });
    const retired = body.value.retire && report.failed.length === 0 ? vault.keyring.retireOld() : [];
    auditFrom(deps, c, { action: 'recording.keys.rotate', detail: { keyId: report.keyId, added, rewrapped: report.rewrapped, failed: report.failed.length, retired } });
    return c.json({ ...report, retired });
  });

  app.put('/api/v1/cdrs/:id/legal-hold', session, async (c) => {
    const params = validate(c, CallIdParams, c.req.param());
    if (!params.ok) return params.response;
    const body = await readBody(c, LegalHoldWrite);
    if (!body.ok) return body.response;
    if (deps.retention === undefined) return jsonError(c, 404, { error: 'not found' });
    const by = c.get('auth').user.username;
    if (!(await deps.retention.repository.setLegalHold({ id: params.value.id, hold: { reason: body.value.reason, by } }))) return jsonError(c, 404, { error: 'call record not found' });
    auditFrom(deps, c, { action: 'recording.legal-hold.set', target: params.value.id, detail: { reason: body.value.reason } });
    return c.json({ callId: params.value.id, legalHold: { reason: body.value.reason, by } });
  });

  app.delete('/api/v1/cdrs/:id/legal-hold', session, async (c) => {
    const params = validate(c, CallIdParams, c.req.param());
    if (!params.ok) return params.response;
    if (deps.retention === undefined) return jsonError(c, 404, { error: 'not found' });
    if (!(await deps.retention.repository.setLegalHold({ id: params.value.id, hold: null }))) return jsonError(c, 404, { error: 'call record not found' });
    auditFrom(deps, c, { action: 'recording.legal-hold.release', target: params.value.id });
    return c.body(null, 204);
  });

  app.put('/api/v1/cdrs/:id/tags', session, async (c) => {
    const params = validate(c, CallIdParams, c.req.param());
    if (!params.ok) return params.response;
    const body = await readBody(c, TagsWrite);
    if (!body.ok) return body.response;
    if (deps.retention === undefined) return jsonError(c, 404, { error: 'not found' });
    const tags = [...new Set(body.value.tags)];
    if (!(await deps.retention.repository.setTags({ id: params.value.id, tags }))) return jsonError(c, 404, { error: 'call record not found' });
    auditFrom(deps, c, { action: 'cdr.tags', target: params.value.id, detail: { tags } });
    return c.json({ callId: params.value.id, tags });
  });

  app.delete('/api/v1/cdrs/:id/recording', session, async (c) => {
    const params = validate(c, CallIdParams, c.req.param());
    if (!params.ok) return params.response;
    if (deps.retention === undefined) return jsonError(c, 404, { error: 'not found' });
    const source = remoteAddress(c);
    const done = await deps.retention.service.deleteRecording({ id: params.value.id, actor: c.get('auth').user.username, ...(source !== undefined ? { source } : {}) });
    if (!done.ok) {
      if (done.status === 409) auditFrom(deps, c, { action: 'recording.delete.refused', target: params.value.id, detail: { reason: done.reason } });
      return jsonError(c, done.status, { error: done.status === 409 ? 'recording may not be deleted' : 'not found', reason: done.reason });
    }
    return c.json({ callId: params.value.id, purgedAt: done.value.purgedAt });
  });
}
