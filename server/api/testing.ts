// Test support: the API app over a real temporary libsql file, with real repositories and audit log.
import { openTempDatabase } from '../store/testing.js';
import {
  AdminUserRepository,
  AuditRepository,
  BatchWriter,
  CallRecordRepository,
  CallHandlingRepository,
  DialPlanRepository,
  ExtensionRepository,
  SessionRepository,
  type Database,
} from '../store/index.js';
import { AuditLog } from '../security/audit.js';
import { createDialPlanService } from '../calls/index.js';
import { createMetrics, type Metrics } from '../app/metrics.js';
import { createApiApp } from './app.js';
import type { ApiDeps, ApiLogger, CallEventJson, CallEventSource, RegistrationView } from './types.js';

export const quietApiLogger: ApiLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A call-event source tests publish into by hand. */
export interface CallEventHub extends CallEventSource {
  publish(event: CallEventJson): void;
  readonly listeners: number;
}

export function createCallEventHub(): CallEventHub {
  const listeners = new Set<(event: CallEventJson) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(event) {
      for (const l of listeners) l(event);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

export interface ApiHarness {
  app: ReturnType<typeof createApiApp>;
  database: Database;
  /** the libsql file, for tests that edit it from another connection */
  databaseFile: string;
  audit: AuditLog;
  auditRepo: AuditRepository;
  writer: BatchWriter;
  metrics: Metrics;
  clock: { now: number };
  state: { ready: boolean; registrations: RegistrationView[] | (() => never) };
  users: AdminUserRepository;
  callRecords: CallRecordRepository;
  callEvents: CallEventHub;
  /** the deps the app was built with */
  deps: ApiDeps;
  cleanup(): Promise<void>;
}

export async function createApiHarness(overrides: Partial<ApiDeps> = {}): Promise<ApiHarness> {
  const tmp = await openTempDatabase();
  const { database } = tmp;
  const clock = { now: 1_800_000_000_000 };
  const now = () => clock.now;
  const writer = new BatchWriter({ client: database.client, logger: quietApiLogger, flushDelayMs: 1 });
  const auditRepo = await AuditRepository.open({ db: database.db, writer, now });
  const audit = new AuditLog({ sink: auditRepo, logger: quietApiLogger });
  const metrics = createMetrics({ defaultMetrics: false });
  const users = new AdminUserRepository({ db: database.db, now });
  const state: ApiHarness['state'] = { ready: false, registrations: [] };
  const callRecords = new CallRecordRepository({ db: database.db, writer, logger: quietApiLogger });
  const callEvents = createCallEventHub();
  const extensions = new ExtensionRepository({ db: database.db, now });
  const dialPlanRepository = new DialPlanRepository({ db: database.db, now });
  const deps: ApiDeps = {
    repositories: {
      adminUsers: users,
      sessions: new SessionRepository({ db: database.db, now }),
      extensions,
    },
    callHandling: new CallHandlingRepository({ db: database.db, now }),
    dialPlan: {
      repository: dialPlanRepository,
      service: createDialPlanService({ rows: () => dialPlanRepository.list(), profile: (n) => extensions.profile(n), conferenceNumbers: { min: 3000, max: 3099 } }),
    },
    logger: quietApiLogger,
    metrics,
    audit,
    realm: 'pbx.test',
    sessionTtlMs: 3_600_000,
    registrations: {
      list: () => (typeof state.registrations === 'function' ? state.registrations() : state.registrations),
    },
    ready: () => state.ready,
    callRecords,
    callEvents,
    now,
    ...overrides,
  };
  const app = createApiApp(deps);
  return {
    app,
    deps,
    callRecords,
    callEvents,
    database,
    databaseFile: `${tmp.dir}/hailing.db`,
    audit,
    auditRepo,
    writer,
    metrics,
    clock,
    state,
    users,
    async cleanup() {
      await audit.settled();
      await writer.close();
      await tmp.cleanup();
    },
  };
}

export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** Creates a user and logs in through the API; returns the bearer token. */
export async function loginAs(h: ApiHarness, username = 'root', password = 'correct horse', role: 'admin' | 'supervisor' | 'agent' = 'admin'): Promise<string> {
  await h.users.create({ username, password, role });
  const res = await h.app.request('/api/v1/auth/login', jsonRequest('POST', { username, password }));
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  const body = (await res.json()) as { token: string };
  return body.token;
}
