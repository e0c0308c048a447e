// The dial plan routes in the OpenAPI route table (openapi.ts), beside their schemas.
import * as s from './schemas.js';
import * as d from './schemas-dialplan.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed or malformed JSON', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const refused: ResponseSpec = { description: 'Validation failed, or the entry is refused (malformed pattern, unknown destination, loop) with the reason', schema: s.ErrorBody };
const tag = 'dialplan';

export const DIALPLAN_ROUTES: readonly ApiRouteSpec[] = [
  {
    method: 'get',
    path: '/api/v1/dialplan',
    summary: 'The dial plan table, in the order it is tried (the built-in defaults follow it)',
    tag,
    auth: true,
    responses: { 200: { description: 'Entries', schema: d.DialPlanList }, 401: unauthorized },
  },
  {
    method: 'post',
    path: '/api/v1/dialplan',
    summary: 'Add an entry: pattern → steps (extension, ring group, conference, feature code, another number)',
    tag,
    auth: true,
    body: d.DialPlanEntryWrite,
    responses: { 201: { description: 'Created', schema: d.DialPlanEntry }, 400: refused, 401: unauthorized, 403: err('Role may not change the dial plan') },
  },
  {
    method: 'get',
    path: '/api/v1/dialplan/resolve',
    summary: 'What happens when `from` dials `to`: the resolution trace and the steps, without placing a call',
    tag,
    auth: true,
    query: d.DialPlanResolveQuery,
    responses: { 200: { description: 'The resolution', schema: d.DialPlanResolution }, 400: invalid, 401: unauthorized },
  },
  {
    method: 'get',
    path: '/api/v1/dialplan/{id}',
    summary: 'One entry',
    tag,
    auth: true,
    params: d.DialPlanParams,
    responses: { 200: { description: 'The entry', schema: d.DialPlanEntry }, 400: invalid, 401: unauthorized, 404: err('No such entry') },
  },
  {
    method: 'put',
    path: '/api/v1/dialplan/{id}',
    summary: 'Replace an entry',
    tag,
    auth: true,
    params: d.DialPlanParams,
    body: d.DialPlanEntryWrite,
    responses: { 200: { description: 'Replaced', schema: d.DialPlanEntry }, 400: refused, 401: unauthorized, 403: err('Role may not change the dial plan'), 404: err('No such entry') },
  },
  {
    method: 'get',
    path: '/api/v1/extensions/{number}/call-handling',
    summary: "An extension's do-not-disturb and call forwarding",
    tag: 'extensions',
    auth: true,
    params: s.ExtensionParams,
    responses: { 200: { description: 'The settings', schema: d.CallHandling }, 400: invalid, 401: unauthorized, 404: err('No such extension') },
  },
  {
    method: 'put',
    path: '/api/v1/extensions/{number}/call-handling',
    summary: 'Set DND and forwarding (unconditional, busy, no answer)',
    tag: 'extensions',
    auth: true,
    params: s.ExtensionParams,
    body: d.CallHandling,
    responses: { 200: { description: 'The settings', schema: d.CallHandling }, 400: refused, 401: unauthorized, 403: err('Role may not change extensions'), 404: err('No such extension') },
  },
  {
    method: 'get',
    path: '/api/v1/extensions/{number}/pickup-group',
    summary: "An extension's call pickup group (*8)",
    tag: 'extensions',
    auth: true,
    params: s.ExtensionParams,
    responses: { 200: { description: 'The group', schema: d.PickupGroup }, 400: invalid, 401: unauthorized, 404: err('No such extension') },
  },
  {
    method: 'put',
    path: '/api/v1/extensions/{number}/pickup-group',
    summary: 'Put the extension in a call pickup group (or none)',
    tag: 'extensions',
    auth: true,
    params: s.ExtensionParams,
    body: d.PickupGroup,
    responses: { 200: { description: 'The group', schema: d.PickupGroup }, 400: invalid, 401: unauthorized, 403: err('Role may not change extensions'), 404: err('No such extension') },
  },
  {
    method: 'delete',
    path: '/api/v1/dialplan/{id}',
    summary: 'Delete an entry',
    tag,
    auth: true,
    params: d.DialPlanParams,
    responses: { 204: { description: 'Deleted' }, 400: invalid, 401: unauthorized, 403: err('Role may not change the dial plan'), 404: err('No such entry') },
  },
];
