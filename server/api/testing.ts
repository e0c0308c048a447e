// Test support: the API app over a real temporary libsql file, with real repositories and audit log.
import { openTempDatabase } from '../store/testing.js';
import {
  AdminUserRepository,
  AuditRepository,
  BatchWriter,
  ExtensionRepository,
  SessionRepository,
  type Database,
} from '../store/index.js';
import { AuditLog } from '../security/audit.js';
import { createMetrics, type Metrics } from '../app/metrics.js';
import { createApiApp } from './app.js';
import type { ApiDeps, ApiLogger, RegistrationView } from './types.js';

export const quietApiLogger: ApiLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface ApiHarness {
  app: ReturnType<typeof createApiApp>;
  database: Database;
  audit: AuditLog;
  auditRepo: AuditRepository;
  writer: BatchWriter;
  metrics: Metrics;
  clock: { now: number };
  state: { ready: boolean; registrations: RegistrationView[] | (() => never) };
  users: AdminUserRepository;
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
  const app = createApiApp({
    repositories: {
      adminUsers: users,
      sessions: new SessionRepository({ db: database.db, now }),
      extensions: new ExtensionRepository({ db: database.db, now }),
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
    now,
    ...overrides,
  });
  return {
    app,
    database,
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
