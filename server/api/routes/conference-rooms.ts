// /api/v1/conference-rooms: the settings of conference rooms (ConfBridge's pin, marked and
// wait_marked): a participant PIN, a moderator PIN and wait-for-moderator. A room with no
// settings is open to anyone who dials it. PINs are hashed on the way in and never come back;
// every change is audited without them.
import type { Context, Hono } from 'hono';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, readBody, remoteAddress, validate } from '../http-errors.js';
import { ConferenceRoomCreate, ConferenceRoomParams, ConferenceRoomSpec } from '../schemas-conference-rooms.js';
import type { SettingsResult } from '../../calls/index.js';

export function mountConferenceRoomRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  const settings = deps.conferenceRooms;
  if (settings === undefined) return;
  const session = requireSession(deps);
  const audit = (c: Context<ApiEnv>, action: string, room: string, detail: Record<string, unknown>) => {
    const source = remoteAddress(c);
    deps.audit.record({ actor: c.get('auth').user.username, action, target: room, ...(source !== undefined ? { source } : {}), detail });
  };
  /** what was changed, without the PINs themselves */
  const changed = (body: { participantPin?: string | null | undefined; moderatorPin?: string | null | undefined; waitForModerator?: boolean | undefined }) => ({
    ...(body.participantPin !== undefined ? { participantPin: body.participantPin === null ? 'removed' : 'set' } : {}),
    ...(body.moderatorPin !== undefined ? { moderatorPin: body.moderatorPin === null ? 'removed' : 'set' } : {}),
    ...(body.waitForModerator !== undefined ? { waitForModerator: body.waitForModerator } : {}),
  });
  const answer = (c: Context<ApiEnv>, r: SettingsResult, created: boolean) => {
    if (r.ok) return c.json(r.view, created ? 201 : 200);
    // a cross-field refusal names its field as a schema refusal does
    if (r.status === 400) return jsonError(c, 400, { error: 'validation failed', issues: [{ path: r.field ?? '', message: r.reason }] });
    return jsonError(c, r.status, { error: r.status === 404 ? 'conference room not found' : 'conference room exists', reason: r.reason });
  };

  app.get('/api/v1/conference-rooms', session, async (c) => c.json({ items: await settings.list() }));

  app.post('/api/v1/conference-rooms', session, async (c) => {
    const body = await readBody(c, ConferenceRoomCreate);
    if (!body.ok) return body.response;
    const { room, ...spec } = body.value;
    const r = await settings.create(room, spec);
    if (r.ok) audit(c, 'conference-room.create', room, changed(spec));
    return answer(c, r, true);
  });

  app.get('/api/v1/conference-rooms/:room', session, async (c) => {
    const p = validate(c, ConferenceRoomParams, c.req.param());
    if (!p.ok) return p.response;
    const room = await settings.get(p.value.room);
    return room ? c.json(room) : jsonError(c, 404, { error: 'conference room not found', reason: `room ${p.value.room} has no settings` });
  });

  app.put('/api/v1/conference-rooms/:room', session, async (c) => {
    const p = validate(c, ConferenceRoomParams, c.req.param());
    if (!p.ok) return p.response;
    const body = await readBody(c, ConferenceRoomSpec);
    if (!body.ok) return body.response;
    const r = await settings.update(p.value.room, body.value);
    if (r.ok) audit(c, 'conference-room.update', p.value.room, changed(body.value));
    return answer(c, r, false);
  });

  app.delete('/api/v1/conference-rooms/:room', session, async (c) => {
    const p = validate(c, ConferenceRoomParams, c.req.param());
    if (!p.ok) return p.response;
    if (!(await settings.remove(p.value.room))) return jsonError(c, 404, { error: 'conference room not found', reason: `room ${p.value.room} has no settings` });
    audit(c, 'conference-room.delete', p.value.room, {});
    return c.body(null, 204);
  });
}
