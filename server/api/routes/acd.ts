// /api/v1/acd: skills, queues, agents and memberships (written through to the store and the
// running ACD), agent state changes and log-in/out, the live floor, re-prioritising a waiting
// caller, interaction records and 15-minute interval figures. Bad configuration (unknown skill or
// strategy, a negative timeout, an agent in a queue twice) is refused with 400 and the reason.
import type { Context, Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import * as a from '../schemas-acd.js';
import { agentInScope, queueInScope } from '../../acd/scope.js';
import { floorScopeOf } from '../floor-scope.js';
import { maskAcdEvent, maskParties, seesUnmasked } from '../pii-access.js';
import { ownAgent } from './acd-desk.js';

function audit(deps: ApiDeps, c: Context<ApiEnv>, action: string, target: string, detail?: Record<string, unknown>) {
  const source = remoteAddress(c);
  deps.audit.record({ actor: c.get('auth').user.username, action, target, ...(source !== undefined ? { source } : {}), ...(detail ? { detail } : {}) });
}

export function mountAcdRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const acd = deps.acd;
  if (acd === undefined) return;
  const session = requireSession(deps);
  const refused = (c: Context<ApiEnv>, reason: string, field?: string) => (reason === 'not found' ? jsonError(c, 404, { error: 'not found' }) : jsonError(c, 400, { error: 'refused', reason, ...(field !== undefined ? { field } : {}) }));
  const P = '/api/v1/acd';
  // a supervisor's queues and teams (issue 14): lists are narrowed to them, anything else is 403
  const floor = (c: Context<ApiEnv>) => floorScopeOf(c.get('auth'));
  const outside = (c: Context<ApiEnv>, what: string) => jsonError(c, 403, { error: 'forbidden', reason: `${what} is not one you oversee` });
  const queueOk = (c: Context<ApiEnv>, id: string) => queueInScope(floor(c), id);
  const agentOk = (c: Context<ApiEnv>, id: string) => agentInScope(acd.acd, floor(c), id);

  app.get(`${P}/skills`, session, async (c) => c.json({ items: [...acd.skills].sort().map((name) => ({ name, description: null })) }));
  app.post(`${P}/skills`, session, async (c) => {
    const body = await readBody(c, a.SkillWrite);
    if (!body.ok) return body.response;
    await acd.putSkill(body.value);
    audit(deps, c, 'acd.skill.put', body.value.name);
    return c.json(body.value, 201);
  });
  app.delete(`${P}/skills/:name`, session, async (c) => {
    const p = validate(c, a.AcdSkillParams, c.req.param());
    if (!p.ok) return p.response;
    const r = await acd.deleteSkill(p.value.name);
    if (!r.ok) return refused(c, r.reason, r.field);
    audit(deps, c, 'acd.skill.delete', p.value.name);
    return c.body(null, 204);
  });

  app.get(`${P}/queues`, session, (c) => c.json({ items: [...acd.acd.queues.values()].filter((q) => queueOk(c, q.config.id)).map((q) => q.config) }));
  const putQueue = async (c: Context<ApiEnv>, id?: string) => {
    const body = await readBody(c, a.QueueWrite);
    if (!body.ok) return body.response;
    if (id !== undefined && body.value.id !== id) return refused(c, 'the id in the body differs from the path');
    const r = await acd.putQueue(body.value);
    if (!r.ok) return refused(c, r.reason, r.field);
    audit(deps, c, 'acd.queue.put', body.value.id);
    return c.json(acd.acd.queues.get(body.value.id)!.config, id === undefined ? 201 : 200);
  };
  app.post(`${P}/queues`, session, (c) => putQueue(c));
  app.put(`${P}/queues/:id`, session, (c) => putQueue(c, c.req.param('id')));
  app.get(`${P}/queues/:id`, session, (c) => {
    const q = acd.acd.queues.get(c.req.param('id'));
    if (q && !queueOk(c, q.config.id)) return outside(c, `queue ${q.config.id}`);
    return q ? c.json(q.config) : jsonError(c, 404, { error: 'queue not found' });
  });
  app.delete(`${P}/queues/:id`, session, async (c) => {
    const r = await acd.deleteQueue(c.req.param('id'));
    if (!r.ok) return refused(c, r.reason, r.field);
    audit(deps, c, 'acd.queue.delete', c.req.param('id'));
    return c.body(null, 204);
  });

  const agentView = (id: string) => {
    const { pinHash: _pinHash, ...rest } = acd.acd.agents.get(id)!.config;
    return rest;
  };
  app.get(`${P}/agents`, session, (c) => c.json({ items: [...acd.acd.agents.keys()].filter((id) => agentOk(c, id)).map(agentView) }));
  const putAgent = async (c: Context<ApiEnv>, id?: string) => {
    const body = await readBody(c, a.AgentWrite);
    if (!body.ok) return body.response;
    if (id !== undefined && body.value.id !== id) return refused(c, 'the id in the body differs from the path');
    const r = await acd.putAgent(body.value);
    if (!r.ok) return refused(c, r.reason, r.field);
    audit(deps, c, 'acd.agent.put', body.value.id);
    return c.json(agentView(body.value.id), id === undefined ? 201 : 200);
  };
  app.post(`${P}/agents`, session, (c) => putAgent(c));
  app.put(`${P}/agents/:id`, session, (c) => putAgent(c, c.req.param('id')));
  app.get(`${P}/agents/:id`, session, (c) => {
    const id = c.req.param('id');
    if (!acd.acd.agents.has(id)) return jsonError(c, 404, { error: 'agent not found' });
    return agentOk(c, id) ? c.json(agentView(id)) : outside(c, `agent ${id}`);
  });
  app.delete(`${P}/agents/:id`, session, async (c) => {
    const r = await acd.deleteAgent(c.req.param('id'));
    if (!r.ok) return refused(c, r.reason, r.field);
    audit(deps, c, 'acd.agent.delete', c.req.param('id'));
    return c.body(null, 204);
  });
  // log-in/out, breaks and wrap-up: supervisors may set any agent's state, an agent its own
  app.post(`${P}/agents/:id/state`, session, async (c) => {
    const id = c.req.param('id');
    const agent = acd.acd.agents.get(id);
    if (!agent) return jsonError(c, 404, { error: 'agent not found' });
    const denied = ownAgent(c, agent) ?? (agentOk(c, id) ? undefined : outside(c, `agent ${id}`));
    if (denied) return denied;
    const body = await readBody(c, a.AgentAction);
    if (!body.ok) return body.response;
    const r = acd.agentAction(id, body.value);
    if (!r.ok) return jsonError(c, 409, { error: 'refused', reason: r.reason });
    audit(deps, c, `acd.agent.${body.value.action}`, id);
    return c.json(agentView(id));
  });

  // a browser agent's console says it is still there (a missed run of them logs the agent out)
  app.post(`${P}/agents/:id/heartbeat`, session, (c) => {
    const id = c.req.param('id');
    const agent = acd.acd.agents.get(id);
    if (!agent) return jsonError(c, 404, { error: 'agent not found' });
    const denied = ownAgent(c, agent);
    if (denied) return denied;
    if (!acd.heartbeats.beat(id)) return jsonError(c, 409, { error: 'refused', reason: 'not logged in from a browser' });
    return c.body(null, 204);
  });

  app.get(`${P}/memberships`, session, (c) => c.json({ items: acd.memberships().filter((m) => queueOk(c, m.queueId)) }));
  app.post(`${P}/memberships`, session, async (c) => {
    const body = await readBody(c, a.MembershipWrite);
    if (!body.ok) return body.response;
    if (!queueOk(c, body.value.queueId)) return outside(c, `queue ${body.value.queueId}`);
    const r = await acd.addMembership(body.value);
    if (!r.ok) return refused(c, r.reason, r.field);
    audit(deps, c, 'acd.membership.add', `${body.value.agentId}@${body.value.queueId}`);
    return c.json(body.value, 201);
  });
  app.delete(`${P}/memberships/:agentId/:queueId`, session, async (c) => {
    const p = validate(c, a.AcdMembershipParams, c.req.param());
    if (!p.ok) return p.response;
    if (!queueOk(c, p.value.queueId)) return outside(c, `queue ${p.value.queueId}`);
    const r = await acd.deleteMembership(p.value);
    if (!r.ok) return refused(c, r.reason, r.field);
    audit(deps, c, 'acd.membership.delete', `${p.value.agentId}@${p.value.queueId}`);
    return c.body(null, 204);
  });

  app.get(`${P}/live`, session, (c) => {
    const live = acd.scoped(acd.snapshot(), floor(c));
    return c.json(live === undefined || seesUnmasked(c.get('auth')) ? live : maskAcdEvent(live));
  });
  /** a waiting caller's queue is outside the supervisor's: 403 (an unknown id goes on to its 404) */
  const waitingOutside = (c: Context<ApiEnv>) => {
    const queueId = acd.acd.interactions.get(c.req.param('id') ?? '')?.queueId;
    return queueId !== undefined && !queueOk(c, queueId) ? outside(c, `queue ${queueId}`) : undefined;
  };
  app.post(`${P}/interactions/:id/priority`, session, async (c) => {
    const body = await readBody(c, a.AcdPriorityBody);
    if (!body.ok) return body.response;
    const denied = waitingOutside(c);
    if (denied) return denied;
    if (!acd.acd.reprioritise({ interactionId: c.req.param('id'), priority: body.value.priority })) return jsonError(c, 404, { error: 'no such caller waiting' });
    audit(deps, c, 'acd.interaction.priority', c.req.param('id'), { priority: body.value.priority });
    return c.json({ id: c.req.param('id'), priority: body.value.priority, position: acd.acd.position(c.req.param('id')) });
  });
  // the caller (by the agent's or an IVR's request) is called back and keeps the place
  app.post(`${P}/interactions/:id/callback`, session, async (c) => {
    const body = await readBody(c, a.AcdCallbackBody);
    if (!body.ok) return body.response;
    const denied = waitingOutside(c);
    if (denied) return denied;
    const id = c.req.param('id');
    const i = acd.acd.interactions.get(id);
    if (!i || (i.phase !== 'waiting' && i.phase !== 'offered')) return jsonError(c, 404, { error: 'no such caller waiting' });
    if (!acd.acd.requestCallback({ interactionId: id, number: body.value.number ?? i.caller, maxAttempts: body.value.maxAttempts })) return jsonError(c, 409, { error: 'refused', reason: i.callback ? 'a callback is already requested' : 'callbacks cannot be dialled here' });
    audit(deps, c, 'acd.interaction.callback', id);
    return c.json({ id, position: acd.acd.position(id) });
  });
  // supervisors: move a waiting caller to another queue
  app.post(`${P}/interactions/:id/move`, session, async (c) => {
    const body = await readBody(c, a.AcdMoveBody);
    if (!body.ok) return body.response;
    const denied = waitingOutside(c) ?? (queueOk(c, body.value.queueId) ? undefined : outside(c, `queue ${body.value.queueId}`));
    if (denied) return denied;
    const id = c.req.param('id');
    const from = acd.acd.interactions.get(id)?.queueId;
    const r = acd.acd.move({ interactionId: id, queueId: body.value.queueId });
    if (!r.ok) return r.reason === 'no such caller waiting' ? jsonError(c, 404, { error: r.reason }) : refused(c, r.reason);
    audit(deps, c, 'acd.interaction.move', id, { from, to: body.value.queueId });
    return c.json({ id, from: from!, to: body.value.queueId });
  });
  // supervisors: listen, whisper and barge are the monitor feature codes on the agent's extension
  app.get(`${P}/agents/:id/monitor`, session, (c) => {
    const agent = acd.acd.agents.get(c.req.param('id'));
    if (!agent) return jsonError(c, 404, { error: 'agent not found' });
    if (!agentOk(c, agent.config.id)) return outside(c, `agent ${agent.config.id}`);
    const ext = agent.config.extension;
    return c.json({ agentId: agent.config.id, callId: acd.acd.agentCallOf(ext) ?? null, codes: { listen: `*222${ext}`, whisper: `*223${ext}`, barge: `*224${ext}` } });
  });
  app.get(`${P}/interactions`, session, async (c) => {
    const q = validate(c, a.AcdInteractionQuery, c.req.query());
    if (!q.ok) return q.response;
    if (q.value.queueId && !queueOk(c, q.value.queueId)) return outside(c, `queue ${q.value.queueId}`);
    const items = await acd.interactions({ limit: q.value.limit, ...(q.value.callId ? { callId: q.value.callId } : {}), ...(q.value.queueId ? { queueId: q.value.queueId } : {}) });
    const mine = items.filter((i) => queueOk(c, i.queueId));
    return c.json({ items: seesUnmasked(c.get('auth')) ? mine : mine.map(maskParties) });
  });
  app.get(`${P}/intervals`, session, async (c) => {
    const q = validate(c, a.AcdIntervalQuery, c.req.query());
    if (!q.ok) return q.response;
    if (q.value.queueId && !queueOk(c, q.value.queueId)) return outside(c, `queue ${q.value.queueId}`);
    const all = await acd.intervals({ ...(q.value.queueId ? { queueId: q.value.queueId } : {}), ...(q.value.from ? { from: Date.parse(q.value.from) } : {}), ...(q.value.to ? { to: Date.parse(q.value.to) } : {}) });
    const rows = all.filter((r) => queueOk(c, r.queueId));
    return c.json({ items: rows.map((r) => ({ ...r, start: new Date(r.start).toISOString() })) });
  });
}
