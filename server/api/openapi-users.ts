// Users, roles, MFA, API tokens and the policy profile in the OpenAPI route table (openapi.ts).
import * as s from './schemas.js';
import * as u from './schemas-users.js';
import { MfaLoginRequest, TotpCode } from './routes/mfa.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed or malformed JSON', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const forbidden = err('The role may not (the reason names the permission), or the password or MFA enrolment must come first');
const limited = err('Too many wrong codes: the sign-in lockout (Retry-After)');
const tag = 'users';

export const USER_ROUTES: readonly ApiRouteSpec[] = [
  {
    method: 'get',
    path: '/api/v1/auth/oidc',
    summary: 'Whether single sign-on (OpenID Connect) is configured: the sign-in page shows its button',
    tag: 'auth',
    auth: false,
    responses: { 200: { description: 'enabled', schema: u.OidcStatus } },
  },
  {
    method: 'get',
    path: '/api/v1/auth/oidc/start',
    summary: 'Starts single sign-on: redirects the browser to the provider (code flow with PKCE, state and nonce); `return` is the console path to come back to',
    tag: 'auth',
    auth: false,
    responses: { 302: { description: 'To the provider' }, 404: err('Single sign-on is not configured'), 503: err('The provider did not answer') },
  },
  {
    method: 'get',
    path: '/api/v1/auth/oidc/callback',
    summary: "The provider's redirect back: the user is made or refreshed from its groups and signed in (session cookie), then sent to the console page it started from, with ?mfaToken= for the TOTP step or ?ssoError= and the reason",
    tag: 'auth',
    auth: false,
    responses: { 302: { description: 'To the console' }, 404: err('Single sign-on is not configured') },
  },
  {
    method: 'post',
    path: '/api/v1/auth/login/mfa',
    summary: 'Second sign-in step: the mfaToken from /auth/login with a TOTP code (RFC 6238) or a recovery code; a wrong code counts as a failed sign-in',
    tag: 'auth',
    auth: false,
    body: MfaLoginRequest,
    responses: { 200: { description: 'Signed in', schema: s.SessionResponse }, 400: invalid, 401: err('Wrong code, or the sign-in expired'), 429: limited },
  },
  {
    method: 'post',
    path: '/api/v1/auth/mfa/totp/enrol',
    summary: 'Start TOTP enrolment: a new secret and its otpauth:// URI (for a QR code); allowed while enrolment is required',
    tag: 'auth',
    auth: true,
    responses: { 200: { description: 'Pending secret', schema: u.MfaEnrolment }, 401: unauthorized, 409: err('Already enrolled') },
  },
  {
    method: 'post',
    path: '/api/v1/auth/mfa/totp/confirm',
    summary: 'Finish enrolment with a code from the app: TOTP is on; ten recovery codes, shown once',
    tag: 'auth',
    auth: true,
    body: TotpCode,
    responses: { 200: { description: 'Enrolled', schema: u.RecoveryCodes }, 400: { description: 'Wrong code', schema: s.FieldErrorBody }, 401: unauthorized, 409: err('Not enrolling, or already enrolled'), 429: limited },
  },
  {
    method: 'post',
    path: '/api/v1/auth/mfa/recovery-codes',
    summary: 'New recovery codes (the old ones stop working), confirmed with a current TOTP code',
    tag: 'auth',
    auth: true,
    body: TotpCode,
    responses: { 200: { description: 'New codes, shown once', schema: u.RecoveryCodes }, 400: { description: 'Wrong code', schema: s.FieldErrorBody }, 401: unauthorized, 403: forbidden, 409: err('TOTP is not on'), 429: limited },
  },
  { method: 'get', path: '/api/v1/auth/tokens', summary: 'The signed-in user\'s API tokens (never the secrets)', tag: 'auth', auth: true, responses: { 200: { description: 'Tokens', schema: u.TokenList }, 401: unauthorized, 403: forbidden } },
  {
    method: 'post',
    path: '/api/v1/auth/tokens',
    summary: 'A new API token: named, with a subset of the user\'s permissions, expiring; the secret is in this answer only',
    tag: 'auth',
    auth: true,
    body: u.TokenCreate,
    responses: { 201: { description: 'Created', schema: u.TokenCreated }, 400: invalid, 401: unauthorized, 403: forbidden },
  },
  {
    method: 'delete',
    path: '/api/v1/auth/tokens/{id}',
    summary: 'Revoke an API token',
    tag: 'auth',
    auth: true,
    params: u.TokenParams,
    responses: { 204: { description: 'Revoked' }, 400: invalid, 401: unauthorized, 403: forbidden, 404: err('No such live token') },
  },
  { method: 'get', path: '/api/v1/users', summary: 'Users and their roles (security admins, auditors)', tag, auth: true, responses: { 200: { description: 'Users', schema: u.UserList }, 401: unauthorized, 403: forbidden } },
  {
    method: 'post',
    path: '/api/v1/users',
    summary: 'Create a user (security admins); without a password a one-time password is generated and returned once',
    tag,
    auth: true,
    body: u.UserCreate,
    responses: { 201: { description: 'Created', schema: u.UserCreated }, 400: err('Invalid, or refused: two administrator roles under mlps3 (field roles), an unknown extension (field extensions)'), 401: unauthorized, 403: forbidden, 409: err('Username taken') },
  },
  { method: 'get', path: '/api/v1/users/{id}', summary: 'One user', tag, auth: true, params: u.UserParams, responses: { 200: { description: 'User', schema: u.UserView }, 400: invalid, 401: unauthorized, 403: forbidden, 404: err('No such user') } },
  {
    method: 'patch',
    path: '/api/v1/users/{id}',
    summary: 'Change roles, linked extensions, supervisor scope, name, or disable (ends the user\'s sessions); role changes are audited',
    tag,
    auth: true,
    params: u.UserParams,
    body: u.UserPatch,
    responses: { 200: { description: 'Changed', schema: u.UserView }, 400: err('Invalid, or refused: mlps3 separation (field roles), an unknown extension (field extensions)'), 401: unauthorized, 403: forbidden, 404: err('No such user'), 409: err('The last security admin') },
  },
  { method: 'delete', path: '/api/v1/users/{id}', summary: 'Delete a user', tag, auth: true, params: u.UserParams, responses: { 204: { description: 'Deleted' }, 400: invalid, 401: unauthorized, 403: forbidden, 404: err('No such user'), 409: err('Yourself, or the last security admin') } },
  {
    method: 'post',
    path: '/api/v1/users/{id}/password',
    summary: 'Reset a password: a one-time password, returned once, to be changed at the next sign-in; the user\'s sessions end',
    tag,
    auth: true,
    params: u.UserParams,
    responses: { 200: { description: 'The one-time password', schema: u.OneTimePassword }, 400: invalid, 401: unauthorized, 403: forbidden, 404: err('No such user') },
  },
  { method: 'delete', path: '/api/v1/users/{id}/mfa', summary: 'Reset a user\'s MFA (lost device): TOTP and recovery codes removed, sessions end', tag, auth: true, params: u.UserParams, responses: { 204: { description: 'Reset' }, 400: invalid, 401: unauthorized, 403: forbidden, 404: err('No such user') } },
  { method: 'get', path: '/api/v1/security/policy', summary: 'The active security policy and every profile\'s values', tag, auth: true, responses: { 200: { description: 'Policy', schema: u.PolicyView }, 401: unauthorized, 403: forbidden } },
  {
    method: 'put',
    path: '/api/v1/security/policy',
    summary: 'Choose the policy profile (default, asvs, mlps3); mlps3 is refused while a user holds two administrator roles',
    tag,
    auth: true,
    body: u.PolicyChange,
    responses: { 200: { description: 'Changed', schema: u.PolicyView }, 400: err('Invalid, or refused: separation of duties, naming the user (field profile)'), 401: unauthorized, 403: forbidden },
  },
];
