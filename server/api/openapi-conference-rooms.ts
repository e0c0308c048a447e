// The conference room settings routes in the OpenAPI route table (openapi.ts).
import * as s from './schemas.js';
import * as k from './schemas-conference-rooms.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const unauthorized = err('Missing, invalid or expired session');
const invalid: ResponseSpec = { description: 'Validation failed: the issue names the field (a PIN not 4–12 digits, the same PIN twice, waiting for a moderator without a moderator PIN)', schema: s.ValidationErrorBody };
const noRoom = err('That room has no settings');
const tag = 'calls';
const params = k.ConferenceRoomParams;

export const CONFERENCE_ROOM_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/conference-rooms', summary: 'Conference rooms with settings (PINs are never shown: hasPin says whether one is set)', tag, auth: true, responses: { 200: { description: 'The rooms', schema: k.ConferenceRoomSettingsList }, 401: unauthorized } },
  { method: 'post', path: '/api/v1/conference-rooms', summary: 'Give a room settings: participant PIN, moderator PIN, wait for moderator', tag, auth: true, body: k.ConferenceRoomCreate, responses: { 201: { description: 'Created', schema: k.ConferenceRoomSettingsView }, 400: invalid, 401: unauthorized, 409: err('That room has settings already') } },
  { method: 'get', path: '/api/v1/conference-rooms/{room}', summary: "One room's settings", tag, auth: true, params, responses: { 200: { description: 'The room', schema: k.ConferenceRoomSettingsView }, 400: invalid, 401: unauthorized, 404: noRoom } },
  { method: 'put', path: '/api/v1/conference-rooms/{room}', summary: "Change a room's settings (a PIN absent stays as it is; null removes it)", tag, auth: true, params, body: k.ConferenceRoomSpec, responses: { 200: { description: 'Changed', schema: k.ConferenceRoomSettingsView }, 400: invalid, 401: unauthorized, 404: noRoom } },
  { method: 'delete', path: '/api/v1/conference-rooms/{room}', summary: 'Remove a room\'s settings: the room is open to anyone again', tag, auth: true, params, responses: { 204: { description: 'Removed' }, 400: invalid, 401: unauthorized, 404: noRoom } },
];
