// The agent's blind transfer from its workspace (issue 16): the caller on the agent's queue call goes
// to an extension or a number (through the dial plan, as POST /api/v1/calls/{id}/transfer does) and
// the agent is released. Its own route, like hold, because an agent holds acd.agent-state but not
// calls.control: it transfers its own call only (ownAgent()), never another agent's.
import type { Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress } from '../http-errors.js';
import { TransferRequest } from '../schemas-calls.js';
import { ownAgent } from './acd-desk.js';

export function mountAcdAgentTransferRoute(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const acd = deps.acd;
  if (acd === undefined) return;
  app.post('/api/v1/acd/agents/:id/transfer', requireSession(deps), async (c) => {
    const agent = acd.acd.agents.get(c.req.param('id'));
    if (!agent) return jsonError(c, 404, { error: 'agent not found' });
    const denied = ownAgent(c, agent);
    if (denied) return denied;
    const body = await readBody(c, TransferRequest);
    if (!body.ok) return body.response;
    const callId = acd.acd.agentCallOf(agent.config.extension);
    if (callId === undefined || deps.liveCalls === undefined) return jsonError(c, 409, { error: 'refused', reason: 'the agent is not on a queue call' });
    const started = deps.liveCalls.transfer(callId, body.value.target);
    if (!started.ok) return jsonError(c, 409, { error: 'refused', reason: started.reason });
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action: 'acd.agent.transfer', target: agent.config.id, ...(source !== undefined ? { source } : {}), detail: { callId, to: body.value.target } });
    return c.json({ agentId: agent.config.id, callId, target: body.value.target }, 202);
  });
}
