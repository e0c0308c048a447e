// The HTTP API's public surface for server/app.
export { createAccessControl, createApiApp } from './app.js';
export { startHttpServer, type HttpServerHandle, type StartHttpServerOptions } from './server.js';
export { ensureAdmin, type EnsureAdminOptions, type EnsureAdminResult } from './bootstrap.js';
export { buildOpenApiDocument, API_ROUTES, type ApiRouteSpec } from './openapi.js';
export { SESSION_COOKIE } from './auth.js';
export { createCallEventsEndpoint, EVENTS_PATH, type CallEventsEndpoint, type CallEventsEndpointOptions, type UpgradeEndpoint } from './events.js';
export type {
  ApiDeps,
  ApiEnv,
  ApiLogger,
  AuditRecorder,
  AuthContext,
  CallEventJson,
  CallEventSource,
  RegistrationEventJson,
  StreamEventJson,
  TranscriptEventJson,
  SystemStatusView,
  CallRecordSource,
  MetricsSource,
  RegistrationView,
} from './types.js';
