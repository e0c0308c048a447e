// The music-on-hold routes in the OpenAPI route table (openapi.ts), beside their schemas.
import * as s from './schemas.js';
import * as m from './schemas-moh.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const forbidden = err('Only administrators change music on hold');
const tag = 'moh';

export const MOH_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/moh/classes/{class}/files', summary: 'The files of a music-on-hold class, in playing order', tag, auth: true, params: m.MohClassParams, responses: { 200: { description: 'Files', schema: m.MohFileList }, 400: invalid, 401: unauthorized, 404: err('Music on hold is not served') } },
  {
    method: 'put',
    path: '/api/v1/moh/classes/{class}/files/{name}',
    summary: 'Upload a WAV file (the body, audio/wav; any rate, channels, PCM/float/G.711), converted once to mono 16-bit 8 kHz; replaces a file of that name',
    tag,
    auth: true,
    params: m.MohFileParams,
    bodyContentType: 'audio/wav',
    responses: { 201: { description: 'Added', schema: m.MohUploaded }, 400: invalid, 401: unauthorized, 403: forbidden, 413: err('Too large, or the class would play over 30 minutes'), 415: err('Not a WAV file the engine reads') },
  },
  { method: 'delete', path: '/api/v1/moh/classes/{class}/files/{name}', summary: 'Remove a file from the class (an empty class plays silence)', tag, auth: true, params: m.MohFileParams, responses: { 204: { description: 'Removed' }, 400: invalid, 401: unauthorized, 403: forbidden, 404: err('No such file') } },
];
