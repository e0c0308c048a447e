// The transcript routes in the OpenAPI route table (openapi.ts).
import * as s from './schemas.js';
import * as t from './schemas-transcripts.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const unauthorized = err('Missing, invalid or expired session');
const invalid: ResponseSpec = { description: 'Validation failed', schema: s.ValidationErrorBody };

export const TRANSCRIPT_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/cdrs/{id}/transcript', summary: "A call's transcript: its job's state and the segments per speaker, in time order", tag: 'cdrs', auth: true, params: s.CdrParams, responses: { 200: { description: 'The transcript', schema: t.Transcript }, 400: invalid, 401: unauthorized, 404: err('No such call record, or transcription is off') } },
  { method: 'get', path: '/api/v1/transcripts', summary: 'Transcript segments containing the text q, newest first', tag: 'cdrs', auth: true, query: t.TranscriptQuery, responses: { 200: { description: 'The segments found', schema: t.TranscriptSearchResult }, 400: invalid, 401: unauthorized, 404: err('Transcription is off') } },
];
