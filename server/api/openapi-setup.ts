// The first-run setup routes in the OpenAPI route table (openapi.ts), beside their schemas.
import * as s from './schemas.js';
import * as k from './schemas-setup.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const tag = 'setup';
const absent = err('This server has no first-run setup (no SIP side)');

export const SETUP_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/setup', summary: 'First-run setup: done or not, the SIP domain and public address with where to set them, listeners, extension count', tag, auth: true, responses: { 200: { description: 'Setup state', schema: k.SetupState }, 401: unauthorized, 404: absent } },
  { method: 'post', path: '/api/v1/setup/reachability', summary: 'Hailing sends a SIP OPTIONS to its own public address and UDP port and says whether it came back to this process, and why not', tag, auth: true, responses: { 200: { description: 'Reached or not, with the reason', schema: k.Reachability }, 401: unauthorized, 404: absent } },
  {
    method: 'post',
    path: '/api/v1/setup/extensions',
    summary: 'Create `count` extensions numbered up from `start`, each with a generated password returned once',
    tag,
    auth: true,
    body: k.SetupExtensions,
    responses: { 201: { description: 'Created, with their passwords', schema: k.CreatedExtensions }, 400: invalid, 401: unauthorized, 404: absent, 409: { description: 'A number in the range exists (field: start)', schema: s.FieldErrorBody } },
  },
  { method: 'post', path: '/api/v1/setup/complete', summary: 'Mark the setup completed or dismissed: sign-in no longer opens it', tag, auth: true, body: k.SetupComplete, responses: { 200: { description: 'Stored', schema: k.SetupState }, 400: invalid, 401: unauthorized, 404: absent } },
];
