// The data-at-rest and audit routes (issue 14) in the OpenAPI route table (openapi.ts).
import * as s from './schemas.js';
import * as v from './schemas-compliance.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed or malformed JSON', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const adminOnly = err('Role may not do this (admins only)');
const notFound = err('Not found, or the feature is not configured on this server');

const pause = (action: 'pause' | 'resume'): ApiRouteSpec => ({
  method: 'post',
  path: `/api/v1/calls/{id}/recording/${action}`,
  summary:
    action === 'pause'
      ? 'PCI DSS: pause the recording of a call in progress (silence is written, DTMF digits keyed meanwhile are withheld from events); audited'
      : 'Resume the recording of a call in progress; audited',
  tag: 'recordings',
  auth: true,
  params: v.CallIdParams,
  responses: { 200: { description: 'The recording state', schema: v.RecordingPauseState }, 400: invalid, 401: unauthorized, 404: err('No call in progress with that id is being recorded') },
});

export const COMPLIANCE_ROUTES: readonly ApiRouteSpec[] = [
  pause('pause'),
  pause('resume'),
  {
    method: 'get',
    path: '/api/v1/recordings/keys',
    summary: 'Encryption at rest: the profile and the master key ids (fingerprints; keys are never shown)',
    tag: 'recordings',
    auth: true,
    responses: { 200: { description: 'Key status', schema: v.RecordingKeys }, 401: unauthorized, 403: adminOnly },
  },
  {
    method: 'post',
    path: '/api/v1/recordings/keys/rotate',
    summary:
      'Rotate the recording master key: a new key is added to the key file (with keys from the environment, the last one given) and every ' +
      'sealed recording\'s file key is re-wrapped by it; the audio is not re-encrypted. `retire` drops the old keys once none failed. Audited.',
    tag: 'recordings',
    auth: true,
    body: v.KeyRotationRequest,
    responses: { 200: { description: 'What was re-wrapped', schema: v.KeyRotationReport }, 400: invalid, 401: unauthorized, 403: adminOnly, 404: notFound },
  },
  {
    method: 'delete',
    path: '/api/v1/cdrs/{id}/recording',
    summary: 'Delete a call\'s recording and its personal data now; refused (409, with the reason) on legal hold, and in WORM mode before its retention ends. Audited.',
    tag: 'retention',
    auth: true,
    params: v.CallIdParams,
    responses: { 200: { description: 'Deleted', schema: v.RecordingDeleted }, 400: invalid, 401: unauthorized, 403: adminOnly, 404: notFound, 409: err('Refused: legal hold or WORM retention') },
  },
  {
    method: 'put',
    path: '/api/v1/cdrs/{id}/legal-hold',
    summary: 'Put a call on legal hold: no purge or deletion touches its recording until released. Audited.',
    tag: 'retention',
    auth: true,
    params: v.CallIdParams,
    body: v.LegalHoldWrite,
    responses: { 200: { description: 'On hold', contentType: 'application/json' }, 400: invalid, 401: unauthorized, 403: adminOnly, 404: notFound },
  },
  {
    method: 'delete',
    path: '/api/v1/cdrs/{id}/legal-hold',
    summary: 'Release a legal hold. Audited.',
    tag: 'retention',
    auth: true,
    params: v.CallIdParams,
    responses: { 204: { description: 'Released' }, 400: invalid, 401: unauthorized, 403: adminOnly, 404: notFound },
  },
  {
    method: 'put',
    path: '/api/v1/cdrs/{id}/tags',
    summary: 'Set a call\'s tags (retention policies match them). Audited.',
    tag: 'retention',
    auth: true,
    params: v.CallIdParams,
    body: v.TagsWrite,
    responses: { 200: { description: 'The tags', contentType: 'application/json' }, 400: invalid, 401: unauthorized, 403: adminOnly, 404: notFound },
  },
  {
    method: 'post',
    path: '/api/v1/cdrs/{id}/reveal',
    summary: 'The call record with personal data unmasked, for a role that may reveal it; the reason is written to the audit log',
    tag: 'cdrs',
    auth: true,
    params: v.CallIdParams,
    body: v.RevealRequest,
    responses: { 200: { description: 'The unmasked record', schema: s.CallRecord }, 400: invalid, 401: unauthorized, 403: err('Role may not reveal personal data'), 404: notFound },
  },
  {
    method: 'get',
    path: '/api/v1/retention',
    summary: 'Retention settings (WORM, default days) and policies',
    tag: 'retention',
    auth: true,
    responses: { 200: { description: 'Settings and policies', schema: v.RetentionSettings }, 401: unauthorized, 404: notFound },
  },
  {
    method: 'post',
    path: '/api/v1/retention/policies',
    summary: 'Add a retention policy (direction, disposition, tag → days; the longest matching wins). Audited.',
    tag: 'retention',
    auth: true,
    body: v.RetentionPolicyWrite,
    responses: { 201: { description: 'Created', schema: v.RetentionPolicy }, 400: invalid, 401: unauthorized, 403: adminOnly, 409: err('A policy with that name exists') },
  },
  {
    method: 'put',
    path: '/api/v1/retention/policies/{id}',
    summary: 'Change a retention policy; in WORM mode only lengthening with the same matching is allowed (409 otherwise). Audited.',
    tag: 'retention',
    auth: true,
    params: v.PolicyParams,
    body: v.RetentionPolicyWrite,
    responses: { 200: { description: 'Updated', schema: v.RetentionPolicy }, 400: invalid, 401: unauthorized, 403: adminOnly, 404: notFound, 409: err('Refused in WORM mode') },
  },
  {
    method: 'delete',
    path: '/api/v1/retention/policies/{id}',
    summary: 'Remove a retention policy; refused in WORM mode. Audited.',
    tag: 'retention',
    auth: true,
    params: v.PolicyParams,
    responses: { 204: { description: 'Removed' }, 400: invalid, 401: unauthorized, 403: adminOnly, 404: notFound, 409: err('Refused in WORM mode') },
  },
  {
    method: 'post',
    path: '/api/v1/retention/purge',
    summary: 'Run the retention purge now (it also runs every HAILING_RETENTION_PURGE_INTERVAL_MS); one audit row per deletion',
    tag: 'retention',
    auth: true,
    responses: { 200: { description: 'What the purge did', schema: v.PurgeReport }, 401: unauthorized, 403: adminOnly, 404: notFound },
  },
  {
    method: 'get',
    path: '/api/v1/audit/verify',
    summary: 'Verify the audit log\'s hash chain end to end; names the first row that does not verify (edited, deleted or inserted in the database file)',
    tag: 'audit',
    auth: true,
    responses: { 200: { description: 'The verification', schema: v.AuditVerifyReport }, 401: unauthorized, 403: adminOnly, 404: notFound },
  },
  {
    method: 'get',
    path: '/api/v1/audit/export',
    summary: 'A range of audit rows with their chain hashes, signed with the server\'s Ed25519 key (docs/data-at-rest.md says how to verify). Audited.',
    tag: 'audit',
    auth: true,
    query: v.AuditExportQuery,
    responses: { 200: { description: 'The signed export', schema: v.SignedAuditExport }, 400: invalid, 401: unauthorized, 403: adminOnly, 404: notFound },
  },
  {
    method: 'get',
    path: '/api/v1/audit/signing-key',
    summary: 'The public key audit exports are signed with',
    tag: 'audit',
    auth: true,
    responses: { 200: { description: 'Ed25519 public key (SPKI PEM)', schema: v.AuditSigningKeyBody }, 401: unauthorized, 404: notFound },
  },
];
