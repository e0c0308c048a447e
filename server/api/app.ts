// The hono application: routes, JSON 404, and an error boundary that logs and never leaks stacks.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ApiDeps, ApiEnv } from './types.js';
import { mountAuthRoutes } from './auth.js';
import { authorize } from './authorize.js';
import { scopeCallRoutes } from './call-scope.js';
import { AccessControl, type Principal } from './access.js';
import { PolicyStore } from '../users/index.js';
import { mountUserRoutes } from './routes/users.js';
import { mountTokenRoutes } from './routes/tokens.js';
import { securityHeaders } from './security-headers.js';
import { mountExtensionRoutes } from './routes/extensions.js';
import { mountOpsRoutes } from './routes/ops.js';
import { mountCdrRoutes } from './routes/cdrs.js';
import { mountEventRoutes } from './routes/events.js';
import { mountRecordingRoutes } from './routes/recordings.js';
import { mountDialPlanRoutes } from './routes/dialplan.js';
import { mountCalendarRoutes } from './routes/calendars.js';
import { mountIvrRoutes } from './routes/ivr.js';
import { mountCallHandlingRoutes } from './routes/call-handling.js';
import { mountRecordingControlRoutes } from './routes/recording-control.js';
import { mountRetentionRoutes } from './routes/retention.js';
import { mountAuditRoutes } from './routes/audit.js';
import { mountAcdRoutes } from './routes/acd.js';
import { mountConsole } from './console.js';
import { mountAcdDeskRoutes } from './routes/acd-desk.js';
import { mountAcdAgentTransferRoute } from './routes/acd-agent-transfer.js';
import { mountSystemRoutes } from './routes/system.js';
import { mountIntegrationRoutes } from './routes/integrations.js';
import { mountTrunkRoutes } from './routes/trunks.js';
import { mountTranscriptRoutes } from './routes/transcripts.js';
import { mountKeywordRoutes } from './routes/keywords.js';
import { mountDeviceRoutes } from './routes/devices.js';
import { mountSpeechRoutes, SPEECH_ARCHIVE_ROUTE } from './routes/speech.js';
import { mountVoicemailRoutes } from './routes/voicemail.js';
import { mountPresenceRoutes } from './routes/presence.js';
import { MOH_PATH_PREFIX, mountMohRoutes } from './routes/moh.js';
import { mountCallRoutes } from './routes/calls.js';
import { mountConferenceRoutes } from './routes/conferences.js';
import { mountConferenceRoomRoutes } from './routes/conference-rooms.js';
import { mountSetupRoutes } from './routes/setup.js';

const MAX_BODY_BYTES = 64 * 1024;
/** Refresh last_seen/expiry at most this often per session, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export function createAccessControl(deps: Pick<ApiDeps, 'securityProfile' | 'now'> & { repositories: Pick<ApiDeps['repositories'], 'sessions' | 'userSecurity'> }): AccessControl {
  const policy = new PolicyStore({ settings: deps.repositories.userSecurity, ...(deps.securityProfile ? { defaultProfile: deps.securityProfile } : {}) });
  return new AccessControl({ sessions: deps.repositories.sessions, security: deps.repositories.userSecurity, policy, now: deps.now ?? Date.now });
}

/** sliding expiry: at most once a minute per session, never past the policy's idle timeout */
function sessionToucher(deps: ApiDeps, access: AccessControl): (p: Principal) => Promise<void> {
  const now = deps.now ?? Date.now;
  return async (p) => {
    if (now() - p.session.lastSeenAt < TOUCH_INTERVAL_MS) return;
    const policy = await access.policy.current();
    await deps.repositories.sessions.touch(p.session.id, Math.min(deps.sessionTtlMs, policy.session.idleTimeoutMs));
  };
}
const GREETING_ROUTE = /^\/api\/v1\/extensions\/[0-9]{2,15}\/mailbox\/greeting$/;

export function createApiApp(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: 'payload too large', reason: `body exceeds ${MAX_BODY_BYTES} bytes` }, 413),
  });
  // uploads set their own, larger limits on their routes: voicemail greetings (MAX_GREETING_BYTES),
  // music-on-hold files (routes/moh.ts), speech model archives (routes/speech.ts, streamed to disk)
  app.use('/api/*', (c, next) => (c.req.method === 'PUT' && (GREETING_ROUTE.test(c.req.path) || c.req.path.startsWith(MOH_PATH_PREFIX) || SPEECH_ARCHIVE_ROUTE.test(c.req.path)) ? next() : limit(c, next)));
  app.use('*', securityHeaders({ https: deps.secureCookies ?? false }));
  const access = deps.access ?? createAccessControl(deps);
  app.use('*', authorize({ access, touch: sessionToucher(deps, access) }));
  app.use('/api/v1/*', scopeCallRoutes(deps));

  mountOpsRoutes(app, deps);
  mountAuthRoutes(app, deps, access);
  mountUserRoutes(app, deps, access);
  mountTokenRoutes(app, deps);
  mountExtensionRoutes(app, deps);
  mountCdrRoutes(app, deps);
  mountRecordingRoutes(app, deps);
  mountRecordingControlRoutes(app, deps);
  mountRetentionRoutes(app, deps);
  mountAuditRoutes(app, deps);
  mountDialPlanRoutes(app, deps);
  mountCalendarRoutes(app, deps);
  mountCallHandlingRoutes(app, deps);
  mountAcdRoutes(app, deps);
  mountAcdDeskRoutes(app, deps);
  mountAcdAgentTransferRoute(app, deps);
  mountIvrRoutes(app, deps);
  mountTrunkRoutes(app, deps);
  mountTranscriptRoutes(app, deps);
  mountKeywordRoutes(app, deps);
  mountDeviceRoutes(app, deps);
  mountSpeechRoutes(app, deps);
  mountVoicemailRoutes(app, deps);
  mountPresenceRoutes(app, deps);
  mountMohRoutes(app, deps);
  mountCallRoutes(app, deps);
  mountConferenceRoutes(app, deps);
  mountConferenceRoomRoutes(app, deps);
  mountSetupRoutes(app, deps);
  mountEventRoutes(app, deps);
  mountSystemRoutes(app, deps);
  mountIntegrationRoutes(app, deps);
  if (deps.consoleDir !== undefined) mountConsole(app, { dir: deps.consoleDir, ...(deps.softphone ? { softphone: deps.softphone } : {}) });

  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException && err.status < 500) {
      return c.json({ error: err.message || 'bad request' }, err.status);
    }
    deps.logger.error({ err, method: c.req.method, path: c.req.path }, 'api request failed');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
