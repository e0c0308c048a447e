// The agent workspace's side of /api/v1/acd (issue 16): GET /acd/me (the signed-in user's agent,
// its queues and state, the call offered or in progress with its screen-pop, the wrap-up due, and
// where the in-page softphone registers), the softphone's own SIP password, an agent choosing its queues, and the wrap-up with code
// and notes written to the call record. An agent-role user acts on its own agent only: the agent
// whose extension is linked to the user (docs/access-control.md); supervisors on any (ownAgent()).
import type { Context, Hono } from 'hono';
import type { Agent } from '../../acd/agent.js';
import type { Interaction } from '../../acd/interaction.js';
import type { AcdService } from '../../acd/service.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress } from '../http-errors.js';
import { AcdHoldBody, AcdQueueChoice, AcdWrapUpBody } from '../schemas-acd-desk.js';
import { seesUnmasked } from '../pii-access.js';
import { maskPii } from '../../security/pii.js';

const RECENT_CALLS = 5;

/** the ACD agent of the signed-in user: the first of its linked extensions that an agent has */
export function agentOfUser(acd: AcdService, extensions: readonly string[]): Agent | undefined {
  for (const ext of extensions) for (const a of acd.acd.agents.values()) if (a.config.extension === ext) return a;
  return undefined;
}

/**
 * Whether the caller may act on this agent: holders of acd.supervise on any; others (the agent
 * role) only on the agent whose extension is linked to them. Answers the 403 itself, else null.
 */
export function ownAgent(c: Context<ApiEnv>, agent: Agent): Response | null {
  const { permissions, user } = c.get('auth');
  if (permissions.has('acd.supervise') || user.extensions.includes(agent.config.extension)) return null;
  return jsonError(c, 403, { error: 'forbidden', reason: 'not your agent: an agent acts on the agent of its own linked extension only' });
}

export function mountAcdDeskRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const acd = deps.acd;
  if (acd === undefined) return;
  const session = requireSession(deps);
  const P = '/api/v1/acd';

  /**
   * what the agent sees of a caller: number, queue, IVR context, and the caller's last calls. The
   * last calls are found by the real number; the numbers shown are masked without pii.unmasked, the
   * agent's own call included (no rule exempts it: docs/data-at-rest.md, PII masking).
   */
  const screenPop = async (i: Interaction, mask: boolean) => {
    const recent = (await deps.callRecords.list({ number: i.caller, limit: RECENT_CALLS + 1, offset: 0 })).items.filter((r) => r.id !== i.callId).slice(0, RECENT_CALLS);
    const number = mask ? maskPii : (n: string) => n;
    const now = acd.acd.clock.now();
    return {
      interactionId: i.id,
      callId: i.callId,
      queueId: i.queueId,
      queueName: acd.acd.queues.get(i.queueId)?.config.name ?? i.queueId,
      caller: number(i.caller),
      priority: i.priority,
      enteredAt: new Date(i.enteredAt).toISOString(),
      waitMs: (i.answeredAt ?? now) - i.enteredAt,
      ivr: i.attached,
      recentCalls: recent.map((r) => ({
        id: r.id,
        startedAt: new Date(r.startedAt).toISOString(),
        callee: number(r.callee),
        disposition: r.disposition,
        durationS: r.durationS,
        wrapUpCode: r.retention?.wrapUpCode ?? null,
      })),
    };
  };

  app.get(`${P}/me`, session, async (c) => {
    const { user } = c.get('auth');
    const agent = agentOfUser(acd, user.extensions);
    if (!agent) return jsonError(c, 404, { error: 'no agent', reason: 'no ACD agent has an extension linked to your user' });
    const id = agent.config.id;
    const mine = acd.acd.agentQueues.get(id) ?? new Set<string>();
    const interactions = [...acd.acd.interactions.values()];
    const offered = interactions.find((i) => i.offer?.ringing.has(id) === true);
    const current = interactions.find((i) => agent.work.has(i.id) && i.phase === 'connected');
    const w = agent.wrapUp;
    const wrapped = w ? acd.acd.interactions.get(w.interactionId) : undefined;
    const mask = !seesUnmasked(c.get('auth'));
    return c.json({
      agent: {
        id,
        name: agent.config.name,
        extension: agent.config.extension,
        state: agent.state,
        since: new Date(agent.since).toISOString(),
        breakReason: agent.breakReason,
        next: agent.next?.state ?? null,
        browser: acd.heartbeats.watching(id),
      },
      extensions: [...user.extensions],
      queues: [...acd.acd.queues.values()].map((q) => ({ id: q.config.id, name: q.config.name, member: mine.has(q.config.id), wrapUp: q.config.wrapUp })),
      offer: offered ? await screenPop(offered, mask) : null,
      current: current ? await screenPop(current, mask) : null,
      wrapUp: w ? { interactionId: w.interactionId, callId: wrapped?.callId ?? null, caller: wrapped === undefined ? null : mask ? maskPii(wrapped.caller) : wrapped.caller, mode: w.mode, codes: [...w.codes], until: w.until === null ? null : new Date(w.until).toISOString() } : null,
      softphone: deps.softphone?.() ?? null,
      heartbeatS: Math.max(5, Math.floor(acd.heartbeats.timeoutMs / 3000)),
    });
  });

  // the softphone's own SIP password for the agent's extension: shown in this answer only, never logged
  app.post(`${P}/me/softphone`, session, (c) => {
    const agent = agentOfUser(acd, c.get('auth').user.extensions);
    if (!agent) return jsonError(c, 404, { error: 'no agent', reason: 'no ACD agent has an extension linked to your user' });
    const endpoint = deps.softphone?.() ?? null;
    if (!deps.softphoneCredentials || endpoint === null) return jsonError(c, 404, { error: 'no softphone', reason: 'this server has no SIP WebSocket listener' });
    const issued = deps.softphoneCredentials.issue(agent.config.extension);
    deps.audit.record({ actor: c.get('auth').user.username, action: 'acd.softphone.credential', target: agent.config.extension, ...sourceOf(c), detail: { expiresAt: new Date(issued.expiresAt).toISOString() } });
    c.header('Cache-Control', 'no-store');
    return c.json({ username: issued.username, password: issued.password, sipDomain: endpoint.sipDomain, expiresAt: new Date(issued.expiresAt).toISOString() }, 201);
  });

  // the agent chooses the queues it takes calls from: memberships added (penalty 0) and removed
  app.put(`${P}/agents/:id/queues`, session, async (c) => {
    const agent = acd.acd.agents.get(c.req.param('id'));
    if (!agent) return jsonError(c, 404, { error: 'agent not found' });
    const denied = ownAgent(c, agent);
    if (denied) return denied;
    const body = await readBody(c, AcdQueueChoice);
    if (!body.ok) return body.response;
    const wanted = new Set(body.value.queues);
    for (const q of wanted) if (!acd.acd.queues.has(q)) return jsonError(c, 400, { error: 'refused', field: 'queues', reason: `unknown queue ${q}` });
    const id = agent.config.id;
    const before = new Set(acd.acd.agentQueues.get(id) ?? []);
    for (const q of before) if (!wanted.has(q)) await acd.deleteMembership({ agentId: id, queueId: q });
    for (const q of wanted) if (!before.has(q)) await acd.addMembership({ agentId: id, queueId: q, penalty: 0, weight: 1, position: 0 });
    deps.audit.record({ actor: c.get('auth').user.username, action: 'acd.agent.queues', target: id, ...sourceOf(c), detail: { from: [...before].sort(), to: [...wanted].sort() } });
    return c.json({ agentId: id, queues: [...(acd.acd.agentQueues.get(id) ?? [])].sort() });
  });

  // hold and resume the agent's queue call at the server: the caller hears music on hold (the
  // browser's own hold re-INVITE on a call Hailing offered it is not answered yet; docs/console.md)
  app.post(`${P}/agents/:id/hold`, session, async (c) => {
    const agent = acd.acd.agents.get(c.req.param('id'));
    if (!agent) return jsonError(c, 404, { error: 'agent not found' });
    const denied = ownAgent(c, agent);
    if (denied) return denied;
    const body = await readBody(c, AcdHoldBody);
    if (!body.ok) return body.response;
    const callId = acd.acd.agentCallOf(agent.config.extension);
    if (callId === undefined || deps.liveCalls === undefined) return jsonError(c, 409, { error: 'refused', reason: 'the agent is not on a queue call' });
    const done = body.value.on ? await deps.liveCalls.hold(callId) : await deps.liveCalls.resume(callId);
    if (!done.ok) return jsonError(c, 409, { error: 'refused', reason: done.reason });
    deps.audit.record({ actor: c.get('auth').user.username, action: body.value.on ? 'acd.agent.hold' : 'acd.agent.resume', target: agent.config.id, ...sourceOf(c), detail: { callId } });
    return c.json({ agentId: agent.config.id, callId, held: body.value.on });
  });

  // wrap-up done: the code ends the ACD's wrap-up (and goes on the interaction record); code and
  // notes go on the call record too, where reports and GET /api/v1/cdrs/{id} find them
  app.post(`${P}/agents/:id/wrap-up`, session, async (c) => {
    const agent = acd.acd.agents.get(c.req.param('id'));
    if (!agent) return jsonError(c, 404, { error: 'agent not found' });
    const denied = ownAgent(c, agent);
    if (denied) return denied;
    const body = await readBody(c, AcdWrapUpBody);
    if (!body.ok) return body.response;
    const w = agent.wrapUp;
    if (!w) return jsonError(c, 409, { error: 'refused', reason: 'not in wrap-up' });
    const callId = acd.acd.interactions.get(w.interactionId)?.callId ?? null;
    const code = body.value.code ?? null;
    const r = acd.agentAction(agent.config.id, { action: 'wrap-up-done', code });
    if (!r.ok) return jsonError(c, 400, { error: 'refused', field: 'code', reason: r.reason });
    const stored = callId !== null && deps.retention !== undefined ? await deps.retention.repository.setWrapUp({ id: callId, code, notes: body.value.notes ?? null, agentId: agent.config.id }) : false;
    // the notes are the customer's business: the audit row names the code only
    deps.audit.record({ actor: c.get('auth').user.username, action: 'acd.agent.wrap-up', target: agent.config.id, ...sourceOf(c), detail: { callId, code } });
    return c.json({ agentId: agent.config.id, interactionId: w.interactionId, callId, code, onCallRecord: stored });
  });
}

function sourceOf(c: Context<ApiEnv>): { source?: string } {
  const source = remoteAddress(c);
  return source !== undefined ? { source } : {};
}
