// The live call control routes in the OpenAPI route table (openapi.ts), beside their schemas.
import * as s from './schemas.js';
import * as k from './schemas-calls.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const tag = 'calls';
const params = k.LiveCallParams;
const done = (description: string): Readonly<Record<number, ResponseSpec>> => ({ 200: { description, schema: k.CallAction }, 400: invalid, 401: unauthorized, 404: err('No call in progress with that id'), 409: err('The call cannot do that now (its state says why)') });

export const CALL_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/calls', summary: 'Calls in progress', tag, auth: true, responses: { 200: { description: 'Calls', schema: k.LiveCallList }, 401: unauthorized } },
  { method: 'post', path: '/api/v1/calls/{id}/hangup', summary: 'End the call (BYE to both parties; 487 to a caller still ringing)', tag, auth: true, params, responses: done('Ended') },
  { method: 'post', path: '/api/v1/calls/{id}/hold', summary: 'Hold the call: both parties hear music on hold; neither is re-INVITEd', tag, auth: true, params, responses: done('Held (a hold event follows)') },
  { method: 'post', path: '/api/v1/calls/{id}/resume', summary: 'Resume a call held by the API', tag, auth: true, params, responses: done('Resumed') },
  {
    method: 'post',
    path: '/api/v1/calls/{id}/transfer',
    summary: 'Blind transfer: the callee is released (BYE), the caller hears ringback and goes to the target through the dial plan; progress as transfer events',
    tag,
    auth: true,
    params,
    body: k.TransferRequest,
    responses: { 202: { description: 'Transfer started', schema: k.TransferAccepted }, 400: invalid, 401: unauthorized, 404: err('No call in progress with that id'), 409: err('The call is not answered and talking to a callee') },
  },
  {
    method: 'post',
    path: '/api/v1/calls/{id}/join',
    summary: 'Attended transfer: the party this call and `call` have in common is released (BYE on both) and the two other parties talk, as a REFER with Replaces from that party does',
    tag,
    auth: true,
    params,
    body: k.JoinRequest,
    responses: done('Joined'),
  },
  { method: 'post', path: '/api/v1/calls/{id}/dtmf', summary: 'Send DTMF to a party (RFC 4733, or in-band when the party did not negotiate telephone-event)', tag, auth: true, params, body: k.DtmfRequest, responses: done('Sent') },
  { method: 'post', path: '/api/v1/calls/{id}/recording/start', summary: 'Record the conversation from now (recording must be set up)', tag, auth: true, params, responses: done('Recording') },
  { method: 'post', path: '/api/v1/calls/{id}/recording/stop', summary: "Stop the call's recording before the call ends", tag, auth: true, params, responses: done('Stopped') },
];

const memberParams = k.ConferenceMemberParams;
const memberDone = (description: string): Readonly<Record<number, ResponseSpec>> => ({ 200: { description, schema: k.ConferenceAction }, 400: invalid, 401: unauthorized, 404: err('No open room with that number, or that call is not in it') });

export const CONFERENCE_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/conferences', summary: 'Conference rooms open now with their members (number, joined at, muted)', tag, auth: true, responses: { 200: { description: 'Rooms', schema: k.ConferenceList }, 401: unauthorized } },
  { method: 'post', path: '/api/v1/conferences/{room}/members/{callId}/mute', summary: 'Mute or unmute a member: a muted member is heard by nobody and still hears the room', tag, auth: true, params: memberParams, body: k.MuteRequest, responses: memberDone('Muted or unmuted') },
  { method: 'post', path: '/api/v1/conferences/{room}/members/{callId}/kick', summary: "Remove a member: its call is ended (BYE to its phone)", tag, auth: true, params: memberParams, responses: memberDone('Removed') },
];
