// The keyword list and keyword hit routes in the OpenAPI route table (openapi.ts).
import * as s from './schemas.js';
import * as k from './schemas-keywords.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const unauthorized = err('Missing, invalid or expired session');
const invalid: ResponseSpec = { description: "Validation failed, or a phrase the live model cannot spell (the issue's path names the phrase)", schema: s.ValidationErrorBody };
const noList = err('No such keyword list');

export const KEYWORD_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/keyword-lists', summary: 'Keyword lists, and whether a model that spots them is loaded', tag: 'speech', auth: true, responses: { 200: { description: 'The lists', schema: k.KeywordLists }, 401: unauthorized } },
  { method: 'post', path: '/api/v1/keyword-lists', summary: 'Create a keyword list (phrases spelled against the live model when one is loaded)', tag: 'speech', auth: true, body: k.KeywordListSpec, responses: { 201: { description: 'Created', schema: k.KeywordList }, 400: invalid, 401: unauthorized, 409: err('A list has that name') } },
  { method: 'get', path: '/api/v1/keyword-lists/{id}', summary: 'One keyword list', tag: 'speech', auth: true, params: k.KeywordListParams, responses: { 200: { description: 'The list', schema: k.KeywordList }, 400: invalid, 401: unauthorized, 404: noList } },
  { method: 'put', path: '/api/v1/keyword-lists/{id}', summary: 'Replace a keyword list', tag: 'speech', auth: true, params: k.KeywordListParams, body: k.KeywordListSpec, responses: { 200: { description: 'Replaced', schema: k.KeywordList }, 400: invalid, 401: unauthorized, 404: noList, 409: err('A list has that name') } },
  { method: 'delete', path: '/api/v1/keyword-lists/{id}', summary: 'Delete a keyword list (its stored hits stay, with its name)', tag: 'speech', auth: true, params: k.KeywordListParams, responses: { 204: { description: 'Deleted' }, 400: invalid, 401: unauthorized, 404: noList } },
  { method: 'get', path: '/api/v1/cdrs/{id}/keyword-hits', summary: "The keywords spotted on a call, in the order heard", tag: 'cdrs', auth: true, params: s.CdrParams, responses: { 200: { description: 'The hits', schema: k.CallKeywordHits }, 400: invalid, 401: unauthorized, 404: err('No such call record') } },
  { method: 'get', path: '/api/v1/keyword-hits', summary: 'Calls that hit a keyword in a period, newest first', tag: 'cdrs', auth: true, query: k.KeywordHitQuery, responses: { 200: { description: 'The hits found', schema: k.KeywordHitSearchResult }, 400: invalid, 401: unauthorized } },
];
