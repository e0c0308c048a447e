// Which permission each API route needs, keyed by hono's method and path pattern. The authorizer
// (server/api/authorize.ts) looks the matched route up here before any handler runs; a route that is
// not listed needs 'unclassified', which only the admin role holds, so a route added without an entry
// is closed to everyone else until someone decides. test: server/api/roles-matrix.test.ts walks
// hono's own route list for every role.
import type { Permission } from './roles.js';

/**
 * - 'public': no session (sign-in, health, the OpenAPI document)
 * - 'account': any signed-in user, even one that must first change a one-time password or enrol MFA
 * - 'signed-in': any signed-in user with a complete sign-in
 */
export type RouteAccess = Permission | 'public' | 'account' | 'signed-in';

export const ROUTE_PERMISSIONS: Readonly<Record<string, RouteAccess>> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  // its own rule: loopback, the metrics token, or a session (routes/ops.ts)
  'GET /metrics': 'public',
  'GET /api/v1/openapi.json': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/login/mfa': 'public',
  'GET /api/v1/auth/session': 'account',
  'POST /api/v1/auth/password': 'account',
  'POST /api/v1/auth/logout': 'account',
  'POST /api/v1/auth/mfa/totp/enrol': 'account',
  'POST /api/v1/auth/mfa/totp/confirm': 'account',
  'POST /api/v1/auth/mfa/recovery-codes': 'signed-in',
  'GET /api/v1/auth/tokens': 'signed-in',
  'POST /api/v1/auth/tokens': 'signed-in',
  'DELETE /api/v1/auth/tokens/:id': 'signed-in',

  'GET /api/v1/users': 'users.read',
  'POST /api/v1/users': 'users.write',
  'GET /api/v1/users/:id': 'users.read',
  'PATCH /api/v1/users/:id': 'users.write',
  'DELETE /api/v1/users/:id': 'users.write',
  'POST /api/v1/users/:id/password': 'users.write',
  'DELETE /api/v1/users/:id/mfa': 'users.write',
  'GET /api/v1/security/policy': 'policy.read',
  'PUT /api/v1/security/policy': 'policy.write',

  'GET /api/v1/registrations': 'registrations.read',
  'GET /api/v1/extensions': 'extensions.read',
  'POST /api/v1/extensions': 'extensions.write',
  'GET /api/v1/extensions/:number': 'extensions.read',
  'PATCH /api/v1/extensions/:number': 'extensions.write',
  'DELETE /api/v1/extensions/:number': 'extensions.write',
  'GET /api/v1/extensions/:number/call-handling': 'call-handling.read',
  'PUT /api/v1/extensions/:number/call-handling': 'call-handling.write',
  'GET /api/v1/extensions/:number/pickup-group': 'extensions.read',
  'PUT /api/v1/extensions/:number/pickup-group': 'extensions.write',

  'GET /api/v1/cdrs': 'cdrs.read',
  'GET /api/v1/cdrs.csv': 'cdrs.read',
  'GET /api/v1/cdrs/:id': 'cdrs.read',
  'GET /api/v1/cdrs/:id/trunk-attempts': 'cdrs.read',
  'POST /api/v1/cdrs/:id/reveal': 'pii.reveal',
  'GET /api/v1/cdrs/:id/recording': 'recordings.listen',
  'DELETE /api/v1/cdrs/:id/recording': 'recordings.delete',
  'PUT /api/v1/cdrs/:id/legal-hold': 'legal-hold.write',
  'DELETE /api/v1/cdrs/:id/legal-hold': 'legal-hold.write',
  'PUT /api/v1/cdrs/:id/tags': 'tags.write',
  'POST /api/v1/calls/:id/recording/pause': 'recordings.control',
  'POST /api/v1/calls/:id/recording/resume': 'recordings.control',
  'GET /api/v1/recordings/keys': 'recordings.keys',
  'POST /api/v1/recordings/keys/rotate': 'recordings.keys',

  'GET /api/v1/retention': 'retention.read',
  'POST /api/v1/retention/policies': 'retention.write',
  'PUT /api/v1/retention/policies/:id': 'retention.write',
  'DELETE /api/v1/retention/policies/:id': 'retention.write',
  'POST /api/v1/retention/purge': 'retention.write',

  'GET /api/v1/audit': 'audit.read',
  'GET /api/v1/audit/verify': 'audit.read',
  'GET /api/v1/audit/export': 'audit.read',
  'GET /api/v1/audit/signing-key': 'audit.read',

  'GET /api/v1/dialplan': 'dialplan.read',
  'GET /api/v1/dialplan/resolve': 'dialplan.read',
  'POST /api/v1/dialplan': 'dialplan.write',
  'GET /api/v1/dialplan/:id': 'dialplan.read',
  'PUT /api/v1/dialplan/:id': 'dialplan.write',
  'DELETE /api/v1/dialplan/:id': 'dialplan.write',

  'GET /api/v1/calendars': 'calendars.read',
  'POST /api/v1/calendars': 'calendars.write',
  'GET /api/v1/calendars/:id': 'calendars.read',
  'PUT /api/v1/calendars/:id': 'calendars.write',
  'DELETE /api/v1/calendars/:id': 'calendars.write',
  'GET /api/v1/calendars/:id/at': 'calendars.read',
  'POST /api/v1/calendars/:id/import': 'calendars.write',
  'GET /api/v1/calendars/:id/export': 'calendars.read',
  'POST /api/v1/calendars/:id/copy-year': 'calendars.write',

  'GET /api/v1/acd/skills': 'acd.read',
  'POST /api/v1/acd/skills': 'acd.write',
  'DELETE /api/v1/acd/skills/:name': 'acd.write',
  'GET /api/v1/acd/queues': 'acd.read',
  'POST /api/v1/acd/queues': 'acd.write',
  'GET /api/v1/acd/queues/:id': 'acd.read',
  'PUT /api/v1/acd/queues/:id': 'acd.write',
  'DELETE /api/v1/acd/queues/:id': 'acd.write',
  'GET /api/v1/acd/agents': 'acd.read',
  'POST /api/v1/acd/agents': 'acd.write',
  'GET /api/v1/acd/agents/:id': 'acd.read',
  'PUT /api/v1/acd/agents/:id': 'acd.write',
  'DELETE /api/v1/acd/agents/:id': 'acd.write',
  'POST /api/v1/acd/agents/:id/state': 'acd.agent-state',
  'POST /api/v1/acd/agents/:id/heartbeat': 'acd.agent-state',
  'GET /api/v1/acd/agents/:id/monitor': 'acd.supervise',
  'POST /api/v1/acd/interactions/:id/callback': 'acd.supervise',
  'POST /api/v1/acd/interactions/:id/move': 'acd.supervise',
  'GET /api/v1/acd/memberships': 'acd.read',
  'POST /api/v1/acd/memberships': 'acd.supervise',
  'DELETE /api/v1/acd/memberships/:agentId/:queueId': 'acd.supervise',
  'GET /api/v1/acd/live': 'acd.read',
  'GET /api/v1/acd/interactions': 'acd.read',
  'POST /api/v1/acd/interactions/:id/priority': 'acd.supervise',
  'GET /api/v1/acd/intervals': 'acd.read',

  'GET /api/v1/trunks': 'trunks.read',
  'POST /api/v1/trunks': 'trunks.write',
  'GET /api/v1/trunks/:id': 'trunks.read',
  'PUT /api/v1/trunks/:id': 'trunks.write',
  'DELETE /api/v1/trunks/:id': 'trunks.write',
  'GET /api/v1/dids': 'trunks.read',
  'POST /api/v1/dids': 'trunks.write',
  'PUT /api/v1/dids/:id': 'trunks.write',
  'DELETE /api/v1/dids/:id': 'trunks.write',
  'GET /api/v1/routes': 'trunks.read',
  'POST /api/v1/routes': 'trunks.write',
  'PUT /api/v1/routes/:id': 'trunks.write',
  'DELETE /api/v1/routes/:id': 'trunks.write',

  'GET /api/v1/speech/models': 'speech.read',
  'POST /api/v1/speech/models/verify': 'speech.write',
  'POST /api/v1/speech/models/:name/install': 'speech.write',
  'DELETE /api/v1/speech/models/:name': 'speech.write',
  'GET /api/v1/speech/voices': 'speech.read',

  // the stream itself: what each client hears is filtered by topic (roles.ts EVENT_TOPICS)
  'GET /api/v1/events': 'signed-in',
  'GET /api/v1/system/status': 'system.read',
};

/** What a route needs: its entry, or 'unclassified' (admins only) when it has none. */
export function routeAccess(method: string, path: string): RouteAccess {
  return ROUTE_PERMISSIONS[`${method.toUpperCase()} ${path}`] ?? 'unclassified';
}
