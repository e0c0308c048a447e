// /api/v1/conferences: the conference rooms open now (dial plan 'conference' destinations), who is
// in each since when and muted or not; mute/unmute a member in the room's mixer, or remove it by
// ending its call. Each action is audited; the member's call end is on the events stream.
import type { Context, Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, validate } from '../http-errors.js';
import { ConferenceMemberParams, MuteRequest } from '../schemas-calls.js';
import { auditFrom } from './recording-control.js';

export function mountConferenceRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const session = requireSession(deps);
  const absent = (c: Context<ApiEnv>) => jsonError(c, 404, { error: 'not found', reason: 'calls are not handled by this server' });
  const notIn = (c: Context<ApiEnv>, room: string, callId: string) => jsonError(c, 404, { error: 'member not found', reason: `call ${callId} is not in room ${room}` });
  const isMember = (room: string, callId: string) => deps.conferences?.list().some((r) => r.room === room && r.members.some((m) => m.callId === callId)) ?? false;

  app.get('/api/v1/conferences', session, (c) => {
    if (deps.conferences === undefined) return absent(c);
    return c.json({ items: deps.conferences.list().map((r) => ({ room: r.room, locked: r.locked, members: r.members.map((m) => ({ ...m, joinedAt: new Date(m.joinedAt).toISOString() })) })) });
  });

  app.post('/api/v1/conferences/:room/members/:callId/mute', session, async (c) => {
    const p = validate(c, ConferenceMemberParams, c.req.param());
    if (!p.ok) return p.response;
    const body = await readBody(c, MuteRequest);
    if (!body.ok) return body.response;
    if (deps.conferences === undefined) return absent(c);
    const { room, callId } = p.value;
    if (!deps.conferences.mute(room, callId, body.value.muted)) return notIn(c, room, callId);
    const action = body.value.muted ? 'mute' : 'unmute';
    auditFrom(deps, c, { action: `conference.${action}`, target: callId, detail: { room } });
    return c.json({ room, callId, action });
  });

  app.post('/api/v1/conferences/:room/members/:callId/kick', session, async (c) => {
    const p = validate(c, ConferenceMemberParams, c.req.param());
    if (!p.ok) return p.response;
    if (deps.conferences === undefined || deps.liveCalls === undefined) return absent(c);
    const { room, callId } = p.value;
    if (!isMember(room, callId)) return notIn(c, room, callId);
    // the seat is the call's (handlers/conference.ts): ending the call gives it up
    const done = await deps.liveCalls.hangup(callId);
    if (!done.ok) return jsonError(c, done.status, { error: done.status === 404 ? 'call not found' : 'not possible now', reason: done.reason });
    auditFrom(deps, c, { action: 'conference.kick', target: callId, detail: { room } });
    return c.json({ room, callId, action: 'kick' as const });
  });
}
