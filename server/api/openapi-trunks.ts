// The trunk, DID and outbound route routes in the OpenAPI route table (openapi.ts).
import * as s from './schemas.js';
import * as t from './schemas-trunks.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed or malformed JSON', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const forbidden = err('Role may not change trunks');
const refused = (what: string): ResponseSpec => ({ description: `Validation failed, or refused with the reason (${what})`, schema: s.ErrorBody });
const crud = (o: { path: string; tag: string; what: string; write: ApiRouteSpec['body']; view: ApiRouteSpec['body']; list: ApiRouteSpec['body']; refusal: string }): ApiRouteSpec[] => [
  { method: 'get', path: o.path, summary: `Every ${o.what}`, tag: o.tag, auth: true, responses: { 200: { description: 'The list', schema: o.list! }, 401: unauthorized } },
  { method: 'post', path: o.path, summary: `Add a ${o.what}`, tag: o.tag, auth: true, body: o.write!, responses: { 201: { description: 'Created', schema: o.view! }, 400: refused(o.refusal), 401: unauthorized, 403: forbidden } },
  { method: 'put', path: `${o.path}/{id}`, summary: `Replace a ${o.what}`, tag: o.tag, auth: true, params: t.IdParams, body: o.write!, responses: { 200: { description: 'Replaced', schema: o.view! }, 400: refused(o.refusal), 401: unauthorized, 403: forbidden, 404: err('Not found') } },
  { method: 'delete', path: `${o.path}/{id}`, summary: `Delete a ${o.what}`, tag: o.tag, auth: true, params: t.IdParams, responses: { 204: { description: 'Deleted' }, 400: refused('in use'), 401: unauthorized, 403: forbidden, 404: err('Not found') } },
];

export const TRUNK_ROUTES: readonly ApiRouteSpec[] = [
  ...crud({ path: '/api/v1/trunks', tag: 'trunks', what: 'carrier trunk (with its live status: registered, last OPTIONS round trip, calls in progress; the secret is never returned)', write: t.TrunkWrite, view: t.TrunkView, list: t.TrunkList, refusal: 'malformed host, an ip trunk without addresses, a name in use' }),
  { method: 'get', path: '/api/v1/trunks/{id}', summary: 'One trunk with its live status', tag: 'trunks', auth: true, params: t.IdParams, responses: { 200: { description: 'The trunk', schema: t.TrunkView }, 400: invalid, 401: unauthorized, 404: err('No such trunk') } },
  ...crud({ path: '/api/v1/dids', tag: 'trunks', what: 'inbound number (or range) and the dial plan steps its calls run', write: t.DidWrite, view: t.DidView, list: t.DidList, refusal: 'overlapping DIDs, unknown trunk or destination' }),
  ...crud({ path: '/api/v1/routes', tag: 'trunks', what: 'outbound route (patterns with strip/prepend, trunks in order, the permission class)', write: t.RouteWrite, view: t.RouteView, list: t.RouteList, refusal: 'a pattern that cannot match, unknown trunk' }),
  { method: 'get', path: '/api/v1/cdrs/{id}/trunk-attempts', summary: "A call's attempts on trunks, in order", tag: 'cdrs', auth: true, params: s.CdrParams, responses: { 200: { description: 'The attempts', schema: t.TrunkAttemptList }, 401: unauthorized } },
];
