// The account, audit and system routes in the OpenAPI route table (openapi.ts).
import * as s from './schemas.js';
import * as y from './schemas-system.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed or malformed JSON', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const mustChange = err('The one-time password must be changed first (body has mustChangePassword: true), or the role may not');

export const ACCOUNT_ROUTES: readonly ApiRouteSpec[] = [
  {
    method: 'get',
    path: '/api/v1/auth/session',
    summary: 'The signed-in user and session (allowed while a one-time password awaits its change)',
    tag: 'auth',
    auth: true,
    responses: { 200: { description: 'The session', schema: s.SessionInfo }, 401: unauthorized },
  },
  {
    method: 'post',
    path: '/api/v1/auth/password',
    summary:
      'Change the signed-in user\'s password. Required after signing in with the generated one-time admin password: until then ' +
      'every other route answers 403. Revokes every session of the user and issues a new one (cookie and token).',
    tag: 'auth',
    auth: true,
    body: s.PasswordChange,
    responses: {
      200: { description: 'Changed; a new session', schema: s.SessionResponse },
      400: { description: 'Wrong current password or a refused new one: the reason and the field it is about', schema: s.FieldErrorBody },
      401: unauthorized,
      429: err('Too many wrong passwords: the login lockout (Retry-After)'),
      503: err('Too many password checks at once (Retry-After)'),
    },
  },
];

export const SYSTEM_ROUTES: readonly ApiRouteSpec[] = [
  {
    method: 'get',
    path: '/api/v1/audit',
    summary: 'The audit log, newest first (admins)',
    tag: 'audit',
    auth: true,
    query: y.AuditQuery,
    responses: { 200: { description: 'A page of entries', schema: y.AuditList }, 400: invalid, 401: unauthorized, 403: mustChange },
  },
  {
    method: 'get',
    path: '/api/v1/system/status',
    summary: 'Listeners, media workers, counts and a metrics summary (admins and supervisors)',
    tag: 'ops',
    auth: true,
    responses: { 200: { description: 'Status', schema: y.SystemStatus }, 401: unauthorized, 403: mustChange },
  },
];
