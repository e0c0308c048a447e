// The account, audit and system routes in the OpenAPI route table (openapi.ts).
import * as s from './schemas.js';
import * as y from './schemas-system.js';
import * as g from './schemas-integrations.js';
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

const configured = err('Not configured (the reason names the setting)');

/** the directory and mail relay from the environment, and their checks (routes/integrations.ts) */
export const INTEGRATION_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/directory', summary: 'LDAP/AD and OIDC sign-in settings (no password or client secret)', tag: 'users', auth: true, responses: { 200: { description: 'Settings', schema: g.DirectorySettings }, 401: unauthorized, 403: mustChange } },
  {
    method: 'post',
    path: '/api/v1/directory/lookup',
    summary: 'Look a user up in LDAP/AD with the service account: its entry, groups and the roles they map to (audited)',
    tag: 'users',
    auth: true,
    body: g.DirectoryLookupRequest,
    responses: { 200: { description: 'What the directory answered', schema: g.DirectoryLookupResult }, 400: invalid, 401: unauthorized, 403: mustChange, 404: configured },
  },
  { method: 'post', path: '/api/v1/directory/oidc-check', summary: 'Ask the OIDC provider for its discovery document (audited)', tag: 'users', auth: true, responses: { 200: { description: 'The provider answered or why not', schema: g.OidcCheckResult }, 401: unauthorized, 403: mustChange, 404: configured } },
  { method: 'get', path: '/api/v1/system/mail', summary: 'The SMTP relay voicemail e-mail goes through (no password)', tag: 'ops', auth: true, responses: { 200: { description: 'Settings', schema: g.MailSettings }, 401: unauthorized, 403: mustChange } },
  {
    method: 'post',
    path: '/api/v1/system/mail/test',
    summary: 'Send a test e-mail through the relay (audited)',
    tag: 'ops',
    auth: true,
    body: g.MailTestRequest,
    responses: { 200: { description: 'The relay accepted it or why not', schema: g.MailTestResult }, 400: invalid, 401: unauthorized, 403: mustChange, 404: configured },
  },
];
