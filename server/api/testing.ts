// Test support: the API app over a real temporary libsql file, with real repositories and audit log.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  KeywordRepository,
  ConferenceRoomRepository,
  IvrFlowRepository,
  ExtensionRepository,
  SessionRepository,
  TrunkRepository,
  UserSecurityRepository,
  ProvisioningRepository,
  type AdminRole,
  type Database,
} from '../store/index.js';
import { base32Decode, hotp, totpStep } from '../users/index.js';
import { createAccessControl } from './app.js';
import { testProvisioning } from '../provisioning/testing.js';
import { AuditLog } from '../security/audit.js';
import { SecretBox } from '../security/secret-box.js';
import { ConferenceSettings, createDialPlanService } from '../calls/index.js';
import { createCalendarLookup } from '../calendars/index.js';
import { CallKeywords } from '../transcription/keywords.js';
import { readVocabulary } from '../speech/keyword-spelling.js';
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

const DIGITS_TOKENS = fileURLToPath(new URL('../../test/fixtures/speech/digits-transducer/tokens.txt', import.meta.url));

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
  /** TOTP secrets loginAs enrolled, and the last time step each used, by username */
  totp: Map<string, { secret: string; lastStep: number }>;
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
  const repositories = {
    adminUsers: users,
    sessions: new SessionRepository({ db: database.db, now }),
    extensions,
    userSecurity: new UserSecurityRepository({ db: database.db, now }),
  };
  const deps: ApiDeps = {
    repositories,
    // shared with the events endpoint a test starts (events.test.ts), as server/app shares it
    access: createAccessControl({ repositories, now, ...(overrides.securityProfile ? { securityProfile: overrides.securityProfile } : {}) }),
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
    // phrases are checked against the digit fixture's tokens.txt, as on a server whose live model is it
    keywords: new CallKeywords({ repository: new KeywordRepository({ db: database.db, now }), vocabulary: readVocabulary(DIGITS_TOKENS), model: 'digits-transducer', configured: {}, logger: silentLogger }),
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
    conferenceRooms: new ConferenceSettings({ repository: new ConferenceRoomRepository({ db: database.db, now }) }),
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
    totp: new Map(),
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

/** A TOTP code for the user enrolled by loginAs: the next time step it has not used (RFC 6238 §5.2). */
export function totpCodeFor(h: ApiHarness, username: string): string {
  const t = h.totp.get(username);
  if (!t) throw new Error(`${username} has no TOTP enrolled by the test`);
  const step = Math.max(totpStep({ timeMs: h.clock.now }), t.lastStep + 1);
  t.lastStep = step;
  return hotp({ key: base32Decode(t.secret) ?? Buffer.alloc(0), counter: step });
}

async function post(h: ApiHarness, path: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await h.app.request(path, jsonRequest('POST', body, token === undefined ? {} : { authorization: `Bearer ${token}` }));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Signs a user in through the API as a person would: password, then the TOTP step when enrolled;
 * a role that must use MFA and has not enrolled yet enrols here (the code computed from the secret
 * the server returned). Returns the bearer token.
 */
export async function signIn(h: ApiHarness, username: string, password: string): Promise<string> {
  const first = await post(h, '/api/v1/auth/login', { username, password });
  if (first.status !== 200) throw new Error(`login failed: ${first.status} ${JSON.stringify(first.body)}`);
  if (first.body['mfaRequired'] === true) {
    const second = await post(h, '/api/v1/auth/login/mfa', { mfaToken: first.body['mfaToken'], code: totpCodeFor(h, username) });
    if (second.status !== 200) throw new Error(`TOTP step failed: ${second.status} ${JSON.stringify(second.body)}`);
    return second.body['token'] as string;
  }
  const token = first.body['token'] as string;
  if (first.body['mfaEnrolmentRequired'] === true) {
    const enrol = await post(h, '/api/v1/auth/mfa/totp/enrol', {}, token);
    if (enrol.status !== 200) throw new Error(`TOTP enrolment failed: ${enrol.status} ${JSON.stringify(enrol.body)}`);
    h.totp.set(username, { secret: enrol.body['secret'] as string, lastStep: -1 });
    const confirm = await post(h, '/api/v1/auth/mfa/totp/confirm', { code: totpCodeFor(h, username) }, token);
    if (confirm.status !== 200) throw new Error(`TOTP confirmation failed: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  }
  return token;
}

/** Creates a user with the role (or roles) and signs in through the API; returns the bearer token. */
export async function loginAs(h: ApiHarness, username = 'root', password = 'correct horse', role: AdminRole | readonly AdminRole[] = 'admin'): Promise<string> {
  await h.users.create({ username, password, roles: typeof role === 'string' ? [role] : role });
  return signIn(h, username, password);
}

/** A logged-in API client: method, path and an optional JSON body in, status and parsed body out. */
export async function apiClient(h: ApiHarness, role: AdminRole = 'admin') {
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
