// The IVR flow routes in the OpenAPI route table (openapi.ts), beside their schemas.
import { z } from 'zod';
import * as s from './schemas.js';
import * as k from './schemas-ivr.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed or malformed JSON', schema: s.ValidationErrorBody };
const refused: ResponseSpec = { description: 'The flow is refused: each problem with its RFC 6901 JSON pointer (schema, missing node or queue, unreachable node, loop without input)', schema: k.FlowRefused };
const unauthorized = err('Missing, invalid or expired session');
const forbidden = err('Role may not change flows');
const missing = err('No such flow');
const tag = 'ivr';
const params = k.FlowParams;

export const IVR_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/ivr/schema', summary: 'The JSON Schema (draft 2020-12) of a flow document', tag, auth: true, responses: { 200: { description: 'JSON Schema', schema: z.record(z.string(), z.unknown()) }, 401: unauthorized } },
  {
    method: 'post',
    path: '/api/v1/ivr/validate',
    summary: 'Check a flow document without saving it: every problem with its JSON pointer',
    tag,
    auth: true,
    body: k.FlowValidate,
    responses: { 200: { description: 'The verdict', schema: k.FlowValidation }, 400: invalid, 401: unauthorized },
  },
  { method: 'get', path: '/api/v1/ivr/flows', summary: 'IVR flows', tag, auth: true, responses: { 200: { description: 'Flows', schema: k.FlowList }, 401: unauthorized } },
  {
    method: 'post',
    path: '/api/v1/ivr/flows',
    summary: 'Add a flow (its version 1)',
    tag,
    auth: true,
    body: k.FlowWrite,
    responses: { 201: { description: 'Created', schema: k.Flow }, 400: refused, 401: unauthorized, 403: forbidden, 409: err('The name is taken') },
  },
  { method: 'get', path: '/api/v1/ivr/flows/{id}', summary: 'A flow and its current document', tag, auth: true, params, responses: { 200: { description: 'The flow', schema: k.FlowWithDocument }, 400: invalid, 401: unauthorized, 404: missing } },
  {
    method: 'put',
    path: '/api/v1/ivr/flows/{id}',
    summary: 'Edit a flow: a new version, current for new calls (calls in progress keep theirs)',
    tag,
    auth: true,
    params,
    body: k.FlowUpdate,
    responses: { 200: { description: 'The new version is current', schema: k.Flow }, 400: refused, 401: unauthorized, 403: forbidden, 404: missing },
  },
  {
    method: 'delete',
    path: '/api/v1/ivr/flows/{id}',
    summary: 'Delete a flow no dial plan entry runs',
    tag,
    auth: true,
    params,
    responses: { 204: { description: 'Deleted' }, 400: invalid, 401: unauthorized, 403: forbidden, 404: missing, 409: err('Dial plan entries run it') },
  },
  { method: 'get', path: '/api/v1/ivr/flows/{id}/versions', summary: "A flow's versions, newest first", tag, auth: true, params, responses: { 200: { description: 'Versions', schema: k.FlowVersionList }, 400: invalid, 401: unauthorized, 404: missing } },
  {
    method: 'get',
    path: '/api/v1/ivr/flows/{id}/versions/{version}',
    summary: 'One version with its document',
    tag,
    auth: true,
    params: k.FlowVersionParams,
    responses: { 200: { description: 'The version', schema: k.FlowVersion }, 400: invalid, 401: unauthorized, 404: err('No such flow or version') },
  },
  {
    method: 'post',
    path: '/api/v1/ivr/flows/{id}/rollback',
    summary: 'Make an older version current again',
    tag,
    auth: true,
    params,
    body: k.FlowRollback,
    responses: { 200: { description: 'Rolled back', schema: k.Flow }, 400: invalid, 401: unauthorized, 403: forbidden, 404: err('No such flow or version') },
  },
  {
    method: 'post',
    path: '/api/v1/ivr/flows/{id}/simulate',
    summary: 'Walk a flow with typed answers (keys, text, timeouts), no call: the step-by-step trace',
    tag,
    auth: true,
    params,
    body: k.FlowSimulate,
    responses: { 200: { description: 'The outcome, context and trace', schema: k.Simulation }, 400: invalid, 401: unauthorized, 404: err('No such flow or version'), 409: err('The stored version no longer reads') },
  },
  {
    method: 'get',
    path: '/api/v1/ivr/flows/{id}/metrics',
    summary: 'Self-service figures: entered, contained, transferred, abandoned, failures by node',
    tag,
    auth: true,
    params,
    query: k.MetricsQuery,
    responses: { 200: { description: 'Figures', schema: k.FlowMetrics }, 400: invalid, 401: unauthorized, 404: missing },
  },
  { method: 'get', path: '/api/v1/ivr/runs/{callId}', summary: "A call's flow run: outcome, path and trace", tag, auth: true, params: k.RunParams, responses: { 200: { description: 'The run', schema: k.FlowRun }, 400: invalid, 401: unauthorized, 404: err('No flow ran on this call') } },
];
