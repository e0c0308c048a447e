// The OpenAPI 3.1 document, assembled from the route table below and the zod schemas
// (z.toJSONSchema emits JSON Schema 2020-12, which is OpenAPI 3.1's schema dialect).
import { z } from 'zod';
import * as s from './schemas.js';
import { DIALPLAN_ROUTES } from './openapi-dialplan.js';
import { COMPLIANCE_ROUTES } from './openapi-compliance.js';
import { CALENDAR_ROUTES } from './openapi-calendars.js';
import { ACD_ROUTES } from './openapi-acd.js';
import { IVR_ROUTES } from './openapi-ivr.js';
import { ACCOUNT_ROUTES, INTEGRATION_ROUTES, SYSTEM_ROUTES } from './openapi-console.js';
import { TRUNK_ROUTES } from './openapi-trunks.js';
import { TRANSCRIPT_ROUTES } from './openapi-transcripts.js';
import { KEYWORD_ROUTES } from './openapi-keywords.js';
import { DEVICE_ROUTES } from './openapi-devices.js';
import { SPEECH_ROUTES } from './openapi-speech.js';
import { SETUP_ROUTES } from './openapi-setup.js';
import { USER_ROUTES } from './openapi-users.js';
import { VOICEMAIL_ROUTES } from './openapi-voicemail.js';
import { MOH_ROUTES } from './openapi-moh.js';
import { CALL_ROUTES, CONFERENCE_ROUTES } from './openapi-calls.js';
import { CONFERENCE_ROOM_ROUTES } from './openapi-conference-rooms.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  readonly contentType?: string;
  /** a body that comes in one of several media types (binary downloads) */
  readonly contentTypes?: readonly string[];
}

export interface ApiRouteSpec {
  readonly method: Method;
  /** OpenAPI path syntax: /api/v1/extensions/{number} */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** session (bearer token or cookie) required */
  readonly auth: boolean;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** the body's media type when it is not JSON (a greeting upload: audio/wav) */
  readonly bodyContentType?: string;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed or malformed JSON', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');

export const API_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness', tag: 'ops', auth: false, responses: { 200: { description: 'Alive', schema: s.Health } } },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: 200 once every listener is up, 503 while starting or draining',
    tag: 'ops',
    auth: false,
    responses: { 200: { description: 'Ready', schema: s.Health }, 503: { description: 'Not ready', schema: s.Health } },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics; from loopback without credentials, otherwise metrics bearer token or a session',
    tag: 'ops',
    auth: false,
    responses: { 200: { description: 'Prometheus text exposition', contentType: 'text/plain' }, 401: unauthorized },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    tag: 'meta',
    auth: false,
    responses: { 200: { description: 'OpenAPI 3.1 document', contentType: 'application/json' } },
  },
  {
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Log in; returns a bearer token and sets the hailing_session cookie',
    tag: 'auth',
    auth: false,
    body: s.LoginRequest,
    responses: {
      200: { description: 'Logged in', schema: s.LoginResponse },
      400: invalid,
      401: err('Invalid credentials'),
      429: err('Account or source locked out, or backing off after failures (Retry-After)'),
      503: err('Too many logins being checked at once (Retry-After)'),
    },
  },
  {
    method: 'post',
    path: '/api/v1/auth/logout',
    summary: 'Revoke the current session',
    tag: 'auth',
    auth: true,
    responses: { 204: { description: 'Logged out' }, 401: unauthorized },
  },
  ...ACCOUNT_ROUTES,
  ...USER_ROUTES,
  {
    method: 'get',
    path: '/api/v1/extensions',
    summary: 'List extensions',
    tag: 'extensions',
    auth: true,
    query: s.Pagination,
    responses: { 200: { description: 'A page of extensions', schema: s.ExtensionList }, 400: invalid, 401: unauthorized },
  },
  {
    method: 'post',
    path: '/api/v1/extensions',
    summary: 'Create an extension (the password is stored only as digest HA1)',
    tag: 'extensions',
    auth: true,
    body: s.ExtensionCreate,
    responses: {
      201: { description: 'Created', schema: s.Extension },
      400: invalid,
      401: unauthorized,
      403: err('Role may not change extensions'),
      409: err('Extension exists'),
    },
  },
  {
    method: 'get',
    path: '/api/v1/extensions/{number}',
    summary: 'Get an extension',
    tag: 'extensions',
    auth: true,
    params: s.ExtensionParams,
    responses: { 200: { description: 'The extension', schema: s.Extension }, 400: invalid, 401: unauthorized, 404: err('No such extension') },
  },
  {
    method: 'patch',
    path: '/api/v1/extensions/{number}',
    summary: 'Change password and/or display name',
    tag: 'extensions',
    auth: true,
    params: s.ExtensionParams,
    body: s.ExtensionPatch,
    responses: {
      200: { description: 'Updated', schema: s.Extension },
      400: invalid,
      401: unauthorized,
      403: err('Role may not change extensions'),
      404: err('No such extension'),
    },
  },
  {
    method: 'delete',
    path: '/api/v1/extensions/{number}',
    summary: 'Delete an extension',
    tag: 'extensions',
    auth: true,
    params: s.ExtensionParams,
    responses: {
      204: { description: 'Deleted' },
      400: invalid,
      401: unauthorized,
      403: err('Role may not change extensions'),
      404: err('No such extension'),
    },
  },
  {
    method: 'get',
    path: '/api/v1/cdrs',
    summary: 'Call detail records, newest first; from/to bound the start time (inclusive), number matches caller or callee',
    tag: 'cdrs',
    auth: true,
    query: s.CdrQuery,
    responses: { 200: { description: 'A page of call records with their legs', schema: s.CallRecordList }, 400: invalid, 401: unauthorized },
  },
  {
    method: 'get',
    path: '/api/v1/cdrs.csv',
    summary:
      'Call detail records as CSV (RFC 4180, CRLF, header row) in Asterisk cdr_csv column order: accountcode, src, dst, ' +
      'dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags, ' +
      "uniqueid, userfield (the hangup cause). Times are UTC 'YYYY-MM-DD HH:MM:SS'. Text cells beginning with = + - @, tab " +
      "or CR are prefixed with ' against spreadsheet formula injection. X-Total-Count gives the number of matching records.",
    tag: 'cdrs',
    auth: true,
    query: s.CdrCsvQuery,
    responses: { 200: { description: 'CSV export', contentType: 'text/csv' }, 400: invalid, 401: unauthorized },
  },
  {
    method: 'get',
    path: '/api/v1/cdrs/{id}',
    summary: 'One call record with its legs',
    tag: 'cdrs',
    auth: true,
    params: s.CdrParams,
    responses: { 200: { description: 'The call record', schema: s.CallRecord }, 400: invalid, 401: unauthorized, 404: err('No such call') },
  },
  {
    method: 'get',
    path: '/api/v1/cdrs/{id}/recording',
    summary:
      'The call recording as a download (audio/wav or audio/ogg, Content-Disposition attachment <id>.wav or <id>.ogg), ' +
      'for admins and supervisors; each download is written to the audit log. An encrypted recording is decrypted as it ' +
      'streams. 404 says why when the call has no recording, the file is gone, or its path lies outside the recordings ' +
      'folder; 409 when it is encrypted with a master key this server lacks.',
    tag: 'cdrs',
    auth: true,
    params: s.CdrParams,
    responses: {
      200: { description: 'The recording file', contentTypes: ['audio/wav', 'audio/ogg'] },
      400: invalid,
      401: unauthorized,
      403: err('Role may not download recordings'),
      404: err('No such call, or no recording for it'),
      409: err('Encrypted with a master key this server does not hold'),
    },
  },
  {
    method: 'get',
    path: '/api/v1/events',
    summary:
      'WebSocket (RFC 6455) stream of call events, one JSON text frame per event. Authenticated by the session cookie ' +
      '(same origin only) or Authorization: Bearer; the server pings every 30 s and drops clients that stop reading or ' +
      'whose session ends.',
    tag: 'events',
    auth: true,
    responses: {
      101: { description: 'Switched to WebSocket; each text frame is one call or registration event', schema: z.union([s.CallEvent, s.RegistrationEvent]) },
      401: unauthorized,
      403: err('Cookie-authenticated handshake from another origin, or the one-time password is not changed yet'),
      426: err('Not a WebSocket handshake'),
      503: err('Too many event clients'),
    },
  },
  {
    method: 'get',
    path: '/api/v1/registrations',
    summary: 'Current registrations (location service)',
    tag: 'registrations',
    auth: true,
    responses: { 200: { description: 'Registered contacts', schema: s.RegistrationList }, 401: unauthorized },
  },
  ...DIALPLAN_ROUTES,
  ...COMPLIANCE_ROUTES,
  ...CALENDAR_ROUTES,
  ...ACD_ROUTES,
  ...IVR_ROUTES,
  ...SYSTEM_ROUTES,
  ...INTEGRATION_ROUTES,
  ...TRUNK_ROUTES,
  ...TRANSCRIPT_ROUTES,
  ...KEYWORD_ROUTES,
  ...DEVICE_ROUTES,
  ...SPEECH_ROUTES,
  ...SETUP_ROUTES,
  ...VOICEMAIL_ROUTES,
  ...MOH_ROUTES,
  ...CALL_ROUTES,
  ...CONFERENCE_ROUTES,
  ...CONFERENCE_ROOM_ROUTES,
];

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined): object[] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: prop,
  }));
}

export function buildOpenApiDocument(info: { title?: string; version?: string } = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of API_ROUTES) {
    const responses: Record<string, object> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.schema
          ? { content: { [spec.contentType ?? 'application/json']: { schema: jsonSchema(spec.schema, 'output') } } }
          : spec.contentType
            ? { content: { [spec.contentType]: {} } }
            : spec.contentTypes
              ? { content: Object.fromEntries(spec.contentTypes.map((t) => [t, {}])) }
              : {}),
      };
    }
    const params = [...parameters('path', r.params), ...parameters('query', r.query)];
    (paths[r.path] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      ...(r.auth ? {} : { security: [] }),
      ...(params.length ? { parameters: params } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { [r.bodyContentType ?? 'application/json']: { schema: jsonSchema(r.body, 'input') } } } }
        : r.bodyContentType
          ? { requestBody: { required: true, content: { [r.bodyContentType]: { schema: { type: 'string', contentMediaType: r.bodyContentType } } } } }
          : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title ?? 'Hailing API', version: info.version ?? '0.1.0' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/v1/auth/login' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'hailing_session' },
      },
    },
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
  };
}
