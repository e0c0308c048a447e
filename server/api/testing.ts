// Test support: the API app over a real temporary libsql file, with real repositories and audit log.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelInstaller } from '../speech/index.js';
import { VoicemailService } from '../voicemail/index.js';
import { RecordingVault } from '../recording/index.js';
import { openTempDatabase } from '../store/testing.js';
import {
  VoicemailRepository,
  AcdRepository,
  AdminUserRepository,
  AuditRepository,
  BatchWriter,
  CallRecordRepository,
  CallHandlingRepository,
  DialPlanRepository,
  CalendarRepository,
  IvrFlowRepository,
  ExtensionRepository,
  SessionRepository,
  TrunkRepository,
  ProvisioningRepository,
  type Database,
} from '../store/index.js';
import { testProvisioning } from '../provisioning/testing.js';
import { AuditLog } from '../security/audit.js';
import { SecretBox } from '../security/secret-box.js';
import { createDialPlanService } from '../calls/index.js';
import { createCalendarLookup } from '../calendars/index.js';
import { createMetrics, type Metrics } from '../app/metrics.js';
import { createApiApp } from './app.js';
import { AcdService } from '../acd/service.js';
import { FakeDriver, testPins } from '../acd/testing.js';
import { FakeClock, silentLogger } from '../sip/index.js';
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
  const calendars = new CalendarRepository({ db: database.db, now });
  // the ACD over the same database, idle (no calls reach it here); tests that drive it bring their own
  const acd = overrides.acd ?? (await AcdService.open({ repository: new AcdRepository({ db: database.db, now }), clock: new FakeClock(clock.now), random: () => 0, logger: silentLogger, queueLogPath: null, driver: new FakeDriver(), pins: testPins() }));
  const trunkRepository = new TrunkRepository({ db: database.db, now, secrets: new SecretBox({ key: randomBytes(32) }) });
  const flows = new IvrFlowRepository({ db: database.db, now });
  const provisioning = await testProvisioning({ store: new ProvisioningRepository({ db: database.db, writer, logger: quietApiLogger, now }) });
  const deps: ApiDeps = {
    repositories: {
      adminUsers: users,
      sessions: new SessionRepository({ db: database.db, now }),
      extensions,
    },
    callHandling: new CallHandlingRepository({ db: database.db, now }),
    dialPlan: {
      repository: dialPlanRepository,
      service: createDialPlanService({
        rows: () => dialPlanRepository.list(),
        profile: (n) => extensions.profile(n),
        conferenceNumbers: { min: 3000, max: 3099 },
        calendars: createCalendarLookup({ get: (id) => calendars.get(id) }),
        now,
        routeExists: async (id) => (await trunkRepository.routes()).some((r) => r.id === id),
        flowExists: async (id) => (await flows.get(id)) !== undefined,
      }),
    },
    calendars,
    // the table alone: no trunk runs in API tests (status null)
    trunks: { repository: trunkRepository, manager: { status: () => [], reload: async () => {}, unknownDids: 0 } },
    // no models in its manifest: the routes are served (and documented), nothing can be installed
    devices: { service: provisioning.service, extensionExists: async (n) => (await extensions.get(n)) !== undefined, baseUrl: () => 'http://pbx.test:8090' },
    speech: { models: new ModelInstaller({ dir: join(tmpdir(), `hailing-api-models-${process.pid}`), manifest: { models: [] }, now }), voices: () => [] },
    // mailboxes over the same database; no media engine (no call records a message here)
    voicemail: new VoicemailService({
      repository: new VoicemailRepository({ db: database.db, now }),
      engine: { startRecording: () => { throw new Error('no media engine in API tests'); } },
      vault: new RecordingVault({ encryption: 'off', keyring: null }),
      dir: join(tmpdir(), `hailing-api-voicemail-${process.pid}`),
      clock: new FakeClock(clock.now),
      logger: silentLogger,
    }),
    presence: { lines: () => [] },
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
    acd,
    // the simulator's http verb reaches whatever the test serves on loopback
    ivr: { flows, services: { now, fetch: globalThis.fetch } },
    auditLog: auditRepo,
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
      if (overrides.acd === undefined) await acd.close();
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

/** A logged-in API client: method, path and an optional JSON body in, status and parsed body out. */
export async function apiClient(h: ApiHarness, role: 'admin' | 'supervisor' = 'admin') {
  const token = await loginAs(h, `user-${role}`, 'correct horse', role);
  return async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = body === undefined ? { method, headers: { authorization: `Bearer ${token}` } } : jsonRequest(method, body, { authorization: `Bearer ${token}` });
    const res = await h.app.request(path, init);
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
}

/** extensions with a fixed password, straight into the repository */
export async function withApiExtensions(h: ApiHarness, numbers: readonly string[]): Promise<void> {
  for (const number of numbers) await h.deps.repositories.extensions.create({ number, password: 'Sup3r-secret-pw', realm: 'pbx.test', displayName: null });
}
