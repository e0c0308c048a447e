// /api/v1/audit: verify the audit log's hash chain end to end (the first row that does not verify,
// after an edit or deletion in the database file) and export a range signed with the server's
// Ed25519 key (server/security/audit-signing.ts). Who may: the route table (server/users/route-permissions.ts).
// Also the PII reveal: the unmasked call record, as an explicit, audited action.
import type { Hono } from 'hono';
import { signAuditExport } from '../../security/audit-signing.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, validate } from '../http-errors.js';
import { AuditExportQuery, CallIdParams, RevealRequest } from '../schemas-compliance.js';
import { callRecordJson } from '../schemas-cdr.js';
import { auditFrom } from './recording-control.js';

export function mountAuditRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const session = requireSession(deps);
  const missing = { error: 'not found', reason: 'the audit chain is not available on this server' };

  app.get('/api/v1/audit/verify', session, async (c) => {
    if (deps.auditChain === undefined) return jsonError(c, 404, missing);
    const report = await deps.auditChain.verify();
    auditFrom(deps, c, { action: 'audit.verify', detail: { ok: report.ok, checked: report.checked, ...(report.firstBrokenId !== undefined ? { firstBrokenId: report.firstBrokenId } : {}) } });
    return c.json(report);
  });

  app.get('/api/v1/audit/export', session, async (c) => {
    const query = validate(c, AuditExportQuery, c.req.query());
    if (!query.ok) return query.response;
    if (deps.auditChain === undefined) return jsonError(c, 404, missing);
    const { since, until, limit } = query.value;
    const rows = await deps.auditChain.range({ limit, ...(since ? { since: Date.parse(since) } : {}), ...(until ? { until: Date.parse(until) } : {}) });
    const exported = signAuditExport({ key: deps.auditChain.signingKey, rows, range: { since: since ?? null, until: until ?? null }, exportedAt: (deps.now ?? Date.now)() });
    auditFrom(deps, c, { action: 'audit.export', detail: { rows: rows.length, since: since ?? null, until: until ?? null } });
    return c.json(exported, 200, { 'Content-Disposition': 'attachment; filename="audit-export.json"' });
  });

  app.get('/api/v1/audit/signing-key', session, (c) => {
    if (deps.auditChain === undefined) return jsonError(c, 404, missing);
    const k = deps.auditChain.signingKey;
    return c.json({ algorithm: 'Ed25519', keyId: k.keyId, publicKey: k.publicKeyPem });
  });

  app.post('/api/v1/cdrs/:id/reveal', session, async (c) => {
    const params = validate(c, CallIdParams, c.req.param());
    if (!params.ok) return params.response;
    const body = await readBody(c, RevealRequest);
    if (!body.ok) return body.response;
    const record = await deps.callRecords.get(params.value.id);
    if (!record) return jsonError(c, 404, { error: 'call record not found' });
    auditFrom(deps, c, { action: 'pii.reveal', target: params.value.id, detail: { reason: body.value.reason } });
    return c.json(callRecordJson(record));
  });
}
