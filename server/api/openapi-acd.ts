// The ACD routes in the OpenAPI route table (openapi.ts), beside their schemas.
import { z } from 'zod';
import * as s from './schemas.js';
import * as a from './schemas-acd.js';
import * as d from './schemas-acd-desk.js';
import { TransferRequest } from './schemas-calls.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const unauthorized = err('Missing, invalid or expired session');
const forbidden = err('Role may not change the ACD configuration');
const refused: ResponseSpec = {
  description: 'Validation failed (unknown strategy, negative timeout, ...) or refused with the reason (unknown skill, unknown queue, agent already in the queue) and the field it is about',
  schema: s.ErrorBody.extend({ field: z.string().optional().meta({ description: 'the request field the reason is about, when it is one' }) }),
};
const notYours = err('An agent acts on its own agent only (the one of its linked extension)');
const tag = 'acd';
const QueueParams = z.object({ id: z.string() });
const crud = (o: { path: string; what: string; write: z.ZodType; one: z.ZodType; list: z.ZodType }): ApiRouteSpec[] => [
  { method: 'get', path: o.path, summary: `Every ${o.what}`, tag, auth: true, responses: { 200: { description: 'List', schema: o.list }, 401: unauthorized } },
  { method: 'post', path: o.path, summary: `Add a ${o.what}`, tag, auth: true, body: o.write, responses: { 201: { description: 'Created', schema: o.one }, 400: refused, 401: unauthorized, 403: forbidden } },
  { method: 'get', path: `${o.path}/{id}`, summary: `One ${o.what}`, tag, auth: true, params: QueueParams, responses: { 200: { description: o.what, schema: o.one }, 401: unauthorized, 404: err('Not found') } },
  { method: 'put', path: `${o.path}/{id}`, summary: `Replace a ${o.what}`, tag, auth: true, params: QueueParams, body: o.write, responses: { 200: { description: 'Replaced', schema: o.one }, 400: refused, 401: unauthorized, 403: forbidden } },
  { method: 'delete', path: `${o.path}/{id}`, summary: `Remove a ${o.what}`, tag, auth: true, params: QueueParams, responses: { 204: { description: 'Removed' }, 400: refused, 401: unauthorized, 403: forbidden, 404: err('Not found') } },
];

export const ACD_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/acd/skills', summary: 'Skills agents and queues may name', tag, auth: true, responses: { 200: { description: 'Skills', schema: a.AcdSkillList }, 401: unauthorized } },
  { method: 'post', path: '/api/v1/acd/skills', summary: 'Add a skill', tag, auth: true, body: a.SkillWrite, responses: { 201: { description: 'Added', schema: a.SkillWrite }, 400: refused, 401: unauthorized, 403: forbidden } },
  { method: 'delete', path: '/api/v1/acd/skills/{name}', summary: 'Remove a skill no queue requires', tag, auth: true, params: a.AcdSkillParams, responses: { 204: { description: 'Removed' }, 400: refused, 401: unauthorized, 404: err('Not found') } },
  ...crud({ path: '/api/v1/acd/queues', what: 'queue', write: a.QueueWrite, one: a.QueueWrite, list: a.AcdQueueList }),
  ...crud({ path: '/api/v1/acd/agents', what: 'agent', write: a.AgentWrite, one: a.AcdAgent, list: a.AcdAgentList }),
  {
    method: 'post',
    path: '/api/v1/acd/agents/{id}/state',
    summary: 'Log an agent in or out, start or end a break (as the next state while busy), end wrap-up with a code',
    tag,
    auth: true,
    params: QueueParams,
    body: a.AgentAction,
    responses: { 200: { description: 'The agent', schema: a.AcdAgent }, 400: refused, 401: unauthorized, 403: notYours, 404: err('No such agent'), 409: err('Not possible in the agent’s state, with the reason') },
  },
  {
    method: 'post',
    path: '/api/v1/acd/agents/{id}/heartbeat',
    summary: 'A browser agent’s console is still there; without one for HAILING_ACD_AGENT_HEARTBEAT_TIMEOUT_MS the agent is logged out',
    tag,
    auth: true,
    params: QueueParams,
    responses: { 204: { description: 'Noted' }, 401: unauthorized, 403: notYours, 404: err('No such agent'), 409: err('Not logged in from a browser (log in again)') },
  },
  {
    method: 'get',
    path: '/api/v1/acd/me',
    summary: 'The agent workspace: the signed-in user’s agent (by its linked extension), queues, state, the call offered or in progress with its screen-pop (caller, recent calls, IVR context), the wrap-up due and where the softphone registers',
    tag,
    auth: true,
    responses: { 200: { description: 'The workspace', schema: d.AcdMe }, 401: unauthorized, 404: err('No agent has an extension linked to the user') },
  },
  {
    method: 'post',
    path: '/api/v1/acd/me/softphone',
    summary: 'A SIP password of the softphone’s own for the signed-in agent’s extension (the registrar accepts it beside the extension’s password until it expires)',
    tag,
    auth: true,
    responses: { 201: { description: 'Issued (not stored in clear; shown only here)', schema: d.AcdSoftphoneCredential }, 401: unauthorized, 404: err('No agent linked to the user, or no SIP WebSocket listener') },
  },
  {
    method: 'put',
    path: '/api/v1/acd/agents/{id}/queues',
    summary: 'The queues the agent takes calls from (memberships added with penalty 0 and removed to match)',
    tag,
    auth: true,
    params: QueueParams,
    body: d.AcdQueueChoice,
    responses: { 200: { description: 'The agent’s queues now', schema: d.AcdQueueChoiceResult }, 400: refused, 401: unauthorized, 403: notYours, 404: err('No such agent') },
  },
  {
    method: 'post',
    path: '/api/v1/acd/agents/{id}/hold',
    summary: 'Hold or resume the agent’s queue call at the server (the caller hears music on hold)',
    tag,
    auth: true,
    params: QueueParams,
    body: d.AcdHoldBody,
    responses: { 200: { description: 'Done', schema: d.AcdHoldResult }, 400: refused, 401: unauthorized, 403: notYours, 404: err('No such agent'), 409: err('Not on a queue call, or the call cannot do it now') },
  },
  {
    method: 'post',
    path: '/api/v1/acd/agents/{id}/transfer',
    summary: 'Blind-transfer the caller on the agent’s queue call to an extension or number (the agent is released)',
    tag,
    auth: true,
    params: QueueParams,
    body: TransferRequest,
    responses: { 202: { description: 'Transfer started (its end is on the events stream)', schema: d.AcdTransferResult }, 400: refused, 401: unauthorized, 403: notYours, 404: err('No such agent'), 409: err('Not on a queue call, or the call cannot be transferred now') },
  },
  {
    method: 'post',
    path: '/api/v1/acd/agents/{id}/wrap-up',
    summary: 'End the agent’s wrap-up with a code and notes; both go on the interaction’s call record',
    tag,
    auth: true,
    params: QueueParams,
    body: d.AcdWrapUpBody,
    responses: { 200: { description: 'Wrapped up', schema: d.AcdWrapUpResult }, 400: refused, 401: unauthorized, 403: notYours, 404: err('No such agent'), 409: err('Not in wrap-up') },
  },
  { method: 'get', path: '/api/v1/acd/memberships', summary: 'Which agents serve which queues, with penalty, weight and position', tag, auth: true, responses: { 200: { description: 'Memberships', schema: a.AcdMembershipList }, 401: unauthorized } },
  { method: 'post', path: '/api/v1/acd/memberships', summary: 'Put an agent in a queue (once)', tag, auth: true, body: a.MembershipWrite, responses: { 201: { description: 'Added', schema: a.MembershipWrite }, 400: refused, 401: unauthorized, 403: forbidden } },
  { method: 'delete', path: '/api/v1/acd/memberships/{agentId}/{queueId}', summary: 'Take an agent out of a queue', tag, auth: true, params: a.AcdMembershipParams, responses: { 204: { description: 'Removed' }, 401: unauthorized, 403: forbidden, 404: err('Not found') } },
  { method: 'get', path: '/api/v1/acd/live', summary: 'The floor now: queues (callers waiting, longest wait, agents by state, this interval’s figures) and agents', tag, auth: true, responses: { 200: { description: 'Snapshot (the WebSocket stream sends the same, then acd.queue and acd.agent deltas)', schema: a.AcdLive }, 401: unauthorized } },
  {
    method: 'post',
    path: '/api/v1/acd/interactions/{id}/priority',
    summary: 'Re-prioritise a waiting caller',
    tag,
    auth: true,
    params: QueueParams,
    body: a.AcdPriorityBody,
    responses: { 200: { description: 'New priority and position', schema: z.object({ id: z.string(), priority: z.number(), position: z.number() }) }, 400: refused, 401: unauthorized, 404: err('No such caller waiting') },
  },
  {
    method: 'post',
    path: '/api/v1/acd/interactions/{id}/callback',
    summary: 'The waiting caller is called back and keeps the place (agent first, then the customer); the record says callback-completed or callback-failed',
    tag,
    auth: true,
    params: QueueParams,
    body: a.AcdCallbackBody,
    responses: { 200: { description: 'Requested', schema: z.object({ id: z.string(), position: z.number() }) }, 400: refused, 401: unauthorized, 404: err('No such caller waiting'), 409: err('Already requested, or no callback dialer') },
  },
  {
    method: 'post',
    path: '/api/v1/acd/interactions/{id}/move',
    summary: 'Supervisor: move a waiting caller to another queue (the record closes "moved"; the caller joins the other queue)',
    tag,
    auth: true,
    params: QueueParams,
    body: a.AcdMoveBody,
    responses: { 200: { description: 'Moved', schema: a.AcdMoved }, 400: refused, 401: unauthorized, 404: err('No such caller waiting') },
  },
  {
    method: 'get',
    path: '/api/v1/acd/agents/{id}/monitor',
    summary: 'Supervisor: the agent’s queue call now and the codes a supervisor phone dials to listen, whisper or barge',
    tag,
    auth: true,
    params: QueueParams,
    responses: { 200: { description: 'Monitoring', schema: a.AcdMonitor }, 401: unauthorized, 404: err('No such agent') },
  },
  { method: 'get', path: '/api/v1/acd/interactions', summary: 'Queue interaction records (per call id or queue), newest first: wait, offers, answering agent, outcome, wrap-up code, routing decisions', tag, auth: true, query: a.AcdInteractionQuery, responses: { 200: { description: 'Records', schema: a.AcdInteractionList }, 400: refused, 401: unauthorized } },
  { method: 'get', path: '/api/v1/acd/intervals', summary: '15-minute interval figures per queue: service level, ASA, AHT, abandon rate, occupancy', tag, auth: true, query: a.AcdIntervalQuery, responses: { 200: { description: 'Intervals', schema: a.AcdIntervalList }, 400: refused, 401: unauthorized } },
];
