// The voicemail routes in the OpenAPI route table (openapi.ts), beside their schemas.
import { z } from 'zod';
import * as s from './schemas.js';
import * as v from './schemas-voicemail.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const adminOnly = err('Role may not change mailboxes');
const supervisors = err('Role may not read voicemail (admins and supervisors)');
const tag = 'voicemail';
const params = s.ExtensionParams;
const msg = v.VoicemailMessageParams;

export const VOICEMAIL_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/voicemail/mailboxes', summary: 'Every mailbox with its counts (new, old)', tag, auth: true, responses: { 200: { description: 'Mailboxes', schema: v.MailboxList }, 401: unauthorized } },
  { method: 'get', path: '/api/v1/extensions/{number}/mailbox', summary: "An extension's mailbox: settings, whether a PIN and a greeting are set, counts", tag, auth: true, params, responses: { 200: { description: 'The mailbox', schema: v.Mailbox }, 400: invalid, 401: unauthorized, 404: err('No mailbox') } },
  {
    method: 'put',
    path: '/api/v1/extensions/{number}/mailbox',
    summary: 'Create or change the mailbox; `pin` sets or resets the PIN (stored as a hash, audited without it). Missed calls (busy, no answer, no forward) then go to it',
    tag,
    auth: true,
    params,
    body: v.MailboxWrite,
    responses: { 200: { description: 'The mailbox', schema: v.Mailbox }, 400: invalid, 401: unauthorized, 403: adminOnly, 404: err('No such extension') },
  },
  {
    method: 'put',
    path: '/api/v1/extensions/{number}/mailbox/greeting',
    summary: 'Upload a greeting (`kind`: unavailable, the default; busy; temporary): a WAV file (audio/wav body, at most 2 MiB) the player can play; sealed at rest like a recording',
    tag,
    auth: true,
    params,
    query: v.GreetingQuery,
    body: z.string().meta({ format: 'binary', description: 'a WAV file' }),
    bodyContentType: 'audio/wav',
    responses: { 200: { description: 'The mailbox', schema: v.Mailbox }, 400: err('Not a playable WAV file, or an unknown kind'), 401: unauthorized, 403: adminOnly, 404: err('No mailbox'), 413: err('Too large'), 415: err('Not audio/wav') },
  },
  { method: 'delete', path: '/api/v1/extensions/{number}/mailbox/greeting', summary: 'Remove a greeting (`kind`, default unavailable): callers hear the next one that applies, then the spoken default', tag, auth: true, params, query: v.GreetingQuery, responses: { 204: { description: 'Removed' }, 400: invalid, 401: unauthorized, 403: adminOnly } },
  { method: 'get', path: '/api/v1/extensions/{number}/mailbox/messages', summary: "The mailbox's messages, oldest first", tag, auth: true, params, responses: { 200: { description: 'Messages', schema: v.VoicemailMessageList }, 401: unauthorized, 403: supervisors, 404: err('No mailbox') } },
  {
    method: 'get',
    path: '/api/v1/voicemail/messages/{id}/audio',
    summary: "A message's audio, decrypted as it streams (audio/wav attachment); audited",
    tag,
    auth: true,
    params: msg,
    responses: { 200: { description: 'The audio', contentTypes: ['audio/wav'] }, 401: unauthorized, 403: supervisors, 404: err('No such message, or its file is gone'), 409: err('Encrypted with a master key this server does not hold') },
  },
  { method: 'patch', path: '/api/v1/voicemail/messages/{id}', summary: 'Mark a message read or new again (the message lamp follows)', tag, auth: true, params: msg, body: v.VoicemailMessagePatch, responses: { 200: { description: 'The message', schema: v.VoicemailMessage }, 400: invalid, 401: unauthorized, 403: supervisors, 404: err('No such message') } },
  { method: 'delete', path: '/api/v1/voicemail/messages/{id}', summary: 'Delete a message and its audio (audited)', tag, auth: true, params: msg, responses: { 204: { description: 'Deleted' }, 401: unauthorized, 403: supervisors, 404: err('No such message'), 409: err('Kept: the call that left it is on legal hold, or (WORM) its retention has not ended') } },
  { method: 'get', path: '/api/v1/presence/lines', summary: 'Extensions on a call now and how (RFC 4235 dialog states: early with the caller, confirmed), as BLF subscribers see them', tag: 'presence', auth: true, responses: { 200: { description: 'Line states', schema: v.LineStateList }, 401: unauthorized } },
];
