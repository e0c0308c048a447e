// The on-device speech routes in the OpenAPI route table (openapi.ts), beside their schemas.
import * as s from './schemas.js';
import * as k from './schemas-speech.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const forbidden = err('Role may not change models');
const tag = 'speech';
const params = k.ModelParams;

export const SPEECH_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/speech/models', summary: 'Supported models, what is installed, and installs in progress (bytes, rate, ETA)', tag, auth: true, responses: { 200: { description: 'Models', schema: k.SpeechModelList }, 401: unauthorized } },
  {
    method: 'post',
    path: '/api/v1/speech/models/{name}/install',
    summary: 'Install a model: download (resumable) or a local archive; checksum verified, nothing half-installed. Progress in GET /api/v1/speech/models',
    tag,
    auth: true,
    params,
    body: k.InstallBody,
    responses: { 202: { description: 'Install started', schema: k.SpeechModel }, 400: invalid, 401: unauthorized, 403: forbidden, 404: err('No such model in the manifest'), 409: err('An install of this model is running') },
  },
  {
    method: 'put',
    path: '/api/v1/speech/models/{name}/archive',
    summary: 'Upload the model archive (the body, application/octet-stream, at most 2 GiB; streamed to the models folder) and install from it as from a local archive; the upload is deleted after. Progress and refusal in GET /api/v1/speech/models',
    tag,
    auth: true,
    params,
    bodyContentType: 'application/octet-stream',
    responses: { 202: { description: 'Uploaded; install started', schema: k.SpeechModel }, 400: err('No body'), 401: unauthorized, 403: forbidden, 404: err('No such model in the manifest'), 409: err('An install of this model is running'), 413: err('Larger than 2 GiB'), 415: err('Not sent as application/octet-stream') },
  },
  { method: 'delete', path: '/api/v1/speech/models/{name}', summary: 'Remove an installed model (its pinned checksum is kept)', tag, auth: true, params, responses: { 204: { description: 'Removed' }, 401: unauthorized, 403: forbidden, 404: err('Not in the manifest, or not installed') } },
  { method: 'post', path: '/api/v1/speech/models/verify', summary: "Check every installed model's files and ONNX metadata again", tag, auth: true, responses: { 200: { description: 'One line per model', schema: k.VerifyResult }, 401: unauthorized, 403: forbidden } },
  { method: 'get', path: '/api/v1/speech/voices', summary: 'TTS voices for dial plan "say" steps', tag, auth: true, responses: { 200: { description: 'Voices', schema: k.VoiceList }, 401: unauthorized } },
];
