// The composition root: builds every module with its dependencies (CONVENTIONS.md §6) and owns the
// start and stop order. Start: database → call records (close INTERRUPTED ones) → media → registrar
// (restores bindings) → SIP → HTTP.
// Stop: HTTP → calls (BYE, records) → SIP, within HAILING_SHUTDOWN_TIMEOUT_MS (then every SIP
// connection still open is destroyed) → media → registrar → batching writer (flushes every queued
// row) → database.
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/index.js';
import {
  AdminUserRepository,
  AuditRepository,
  BatchWriter,
  CallRecordRepository,
  BanRepository,
  BindingRepository,
  CallHandlingRepository,
  DialPlanRepository,
  CalendarRepository,
  IvrFlowRepository,
  ExtensionRepository,
  HeartbeatRepository,
  RetentionRepository,
  checkAuditChain,
  SessionRepository,
  UserSecurityRepository,
  TrunkRepository,
  ProvisioningRepository,
  ConferenceRoomRepository,
  openDatabase,
} from '../store/index.js';
import { createVoicemailSide } from './voicemail.js';
import { createAccessControl, createApiApp, createCallEventsEndpoint, ensureAdmin, startHttpServer, type HttpServerHandle, type RegistrationView, type StreamEventJson } from '../api/index.js';
import { AuditLog } from '../security/audit.js';
import type { SecurityEvent } from '../registrar/ports.js';
import type { Binding } from '../registrar/ports.js';
import { systemClock, type Clock } from '../sip/clock.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createSipSide } from './sip.js';
import { createCallSide, recordingsDirOf } from './calls.js';
import { createTranscriptionSide } from './transcription.js';
import { ConferenceSettings, type Call, type CallRecord } from '../calls/index.js';
import { createTrunkSide } from './trunks.js';
import { localTtsEngines, loadManifest, ModelInstaller, onnxModelCheck, TtsPrompts } from '../speech/index.js';
import { drainWithDeadline } from './drain.js';
import { createRecordingVault } from './recording.js';
import { RetentionService } from '../recording/index.js';
import { loadOrCreateAuditSigningKey } from '../security/audit-signing.js';
import { SecretBox } from '../security/secret-box.js';
import { loadOrCreateSecret } from './secrets.js';
import { startRetentionJob } from './retention.js';
import path from 'node:path';
import { openAcd } from './acd.js';
import { createIvrSide } from './ivr.js';
import { createCalendarLookup } from '../calendars/index.js';
import { consoleDir } from './console-dir.js';
import { SoftphoneCredentials } from '../acd/softphone-credentials.js';
import { createSystemStatus, streamEvents } from './system-status.js';
import { availableParallelism } from 'node:os';
import { createPresence } from './presence.js';
import { createProvisioningSide, type ProvisioningSideOptions } from './provisioning.js';
import { ldapDirectoryOf } from '../users/ldap-directory.js';
import { oidcSignOnOf } from '../users/oidc-sign-on.js';
import { selfReachability } from './setup-reach.js';

/** how long a softphone password issued to a signed-in agent lasts (a working day and some) */
const SOFTPHONE_CREDENTIAL_TTL_MS = 12 * 3_600_000;

export interface AppOptions {
  readonly config: Config;
  readonly clock?: Clock;
  /** where the one-time admin password is shown (never through the logger, which is redacted and shipped) */
  readonly announce?: (text: string) => void;
}

export interface App {
  start(): Promise<{ httpUrl: string }>;
  stop(): Promise<void>;
}

function registrationView(b: Binding, now: number): RegistrationView {
  return {
    aor: b.aor,
    contact: b.contact,
    transport: b.flow.protocol,
    sourceAddress: b.source.address,
    sourcePort: b.source.port,
    ...(b.userAgent ? { userAgent: b.userAgent } : {}),
    expiresAt: new Date(b.expiresAt).toISOString(),
    expiresIn: Math.max(0, Math.round((b.expiresAt - now) / 1000)),
  };
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock();
  const logger = createLogger({ level: config.logLevel });
  mkdirSync(config.dataDir, { recursive: true });

  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, logger });
  const writer = new BatchWriter({ client: database.client, logger });
  const db = database.db;
  const repositories = {
    adminUsers: new AdminUserRepository({ db }),
    sessions: new SessionRepository({ db }),
    extensions: new ExtensionRepository({ db }),
    userSecurity: new UserSecurityRepository({ db }),
  };
  const dialPlanRepository = new DialPlanRepository({ db });
  const calendarRepository = new CalendarRepository({ db });
  const callHandling = new CallHandlingRepository({ db });
  const bindings = new BindingRepository({ db, writer, logger });
  const banStore = new BanRepository({ db, writer, logger });
  const auditRepository = await AuditRepository.open({ db, writer, now: () => clock.now() });
  const audit = new AuditLog({ sink: auditRepository, logger });
  const metrics = createMetrics();

  const security = {
    record(event: SecurityEvent) {
      if (event.kind === 'ban') {
        metrics.securityBans.inc();
        metrics.securityBannedSources.inc();
      } else if (event.kind === 'unban') metrics.securityBannedSources.dec();
      else if (event.kind === 'rate-limit') metrics.securityRateLimited.inc();
      logger.warn({ security: event.kind, source: event.source, ...event.detail }, 'security event');
      audit.record({ actor: 'system', action: `security.${event.kind}`, source: event.source, detail: event.detail });
    },
  };

  // provisioned desk phones register with passwords of their own for their extension (docs/provisioning.md)
  let sipForProvisioning: ReturnType<ProvisioningSideOptions['sip']> = undefined;
  const provisioning = createProvisioningSide({
    config,
    logger,
    clock,
    repository: new ProvisioningRepository({ db, writer, logger }),
    audit,
    displayName: async (number) => (await repositories.extensions.profile(number))?.displayName ?? null,
    sip: () => sipForProvisioning,
  });
  // the agent workspace's softphone registers with a password issued to the signed-in agent (docs/acd.md)
  const softphoneCredentials = new SoftphoneCredentials({ clock, realm: config.sipDomain, ttlMs: SOFTPHONE_CREDENTIAL_TTL_MS });
  const credentials = softphoneCredentials.wrap(provisioning.service.withDevicePasswords(repositories.extensions));
  const sip = await createSipSide({
    config,
    logger,
    clock,
    metrics,
    security,
    credentials,
    persistence: bindings,
    banStore,
  });

  sipForProvisioning = { stack: sip.stack, lookup: (aor) => sip.registrar.lookup(aor), tls: sip.tls };
  const records = new CallRecordRepository({ db, writer, logger });
  const vault = createRecordingVault(config);
  const retentionRepository = new RetentionRepository({ db, now: () => clock.now() });
  const retention = new RetentionService({
    repository: retentionRepository,
    dir: recordingsDirOf(config),
    clock,
    audit,
    worm: config.recordingWorm,
    defaultDays: config.recordingRetentionDays,
    logger,
  });
  const auditSigningKey = loadOrCreateAuditSigningKey(path.join(config.dataDir, 'keys', 'audit-signing.pem'));
  const acd = await openAcd({ db, dataDir: config.dataDir, clock, logger, heartbeatTimeoutMs: config.acdAgentHeartbeatTimeoutMs });
  const trunkRepository = new TrunkRepository({ db, writer, logger, secrets: new SecretBox({ key: loadOrCreateSecret(config.dataDir, 'config-secrets') }) });
  const resealed = await trunkRepository.sealStoredSecrets();
  if (resealed > 0) logger.info({ trunks: resealed }, 'trunk secrets stored in clear by an older version are now sealed');
  const trunks = createTrunkSide({ config, logger, clock, stack: sip.stack, listening: () => sip.transport.listening(), repository: trunkRepository, audit });
  const tts = new TtsPrompts({ dir: resolve(config.dataDir, 'tts-cache'), engines: localTtsEngines() });
  const models = new ModelInstaller({ dir: config.modelsDir, manifest: loadManifest(), now: () => clock.now(), checkModel: onnxModelCheck });
  // an install cut short by a crash left a staging folder: nothing in it is used
  void models.cleanStaging().catch(() => undefined);
  // mailboxes record through the call side's media engine, which exists once the call side does
  const { voicemail, mailer, mailQueue } = createVoicemailSide({
    config,
    db,
    clock,
    logger,
    audit,
    vault,
    deleteRefusal: (callId) => retention.deleteRefusal(callId),
    startRecording: (r) => calls.media.startRecording(r),
  });
  const flowRepository = new IvrFlowRepository({ db, now: () => clock.now() });
  const conferenceSettings = new ConferenceSettings({ repository: new ConferenceRoomRepository({ db, now: () => clock.now() }) });
  const calendarLookup = createCalendarLookup({ get: (id) => calendarRepository.get(id) });
  const transcription = createTranscriptionSide({
    config,
    db,
    logger,
    vault,
    recordingsDir: recordingsDirOf(config),
    records,
    now: () => clock.now(),
    // PCI DSS: nothing said while the recording is paused or in a sensitive IVR step is published or stored
    withheld: (callId) => calls.control.recordingPaused(callId) || ivr.inSensitiveStep(callId),
  });
  const ivr = createIvrSide({
    speechInput: transcription.streams,
    config,
    clock,
    logger,
    flows: flowRepository,
    calendarOpen: async ({ id, instant }) => (await calendarLookup.at({ id, instant }))?.open ?? null,
    // the dial plan is built with the call side, below; a transfer runs long after
    resolve: async ({ from, to }) => (await calls.dialPlan.resolve(from, to)).steps,
    // steps marked sensitive pause the call's recording (the call side is built below; used during calls only)
    recording: { paused: (callId) => calls.control.recordingPaused(callId), pause: (callId, paused) => calls.control.pauseRecording(callId, paused) },
    onSensitiveToggle: (e) => audit.record({ actor: 'ivr', action: e.paused ? 'recording.pause' : 'recording.resume', target: e.callId, detail: { via: 'ivr', node: e.node } }),
  });
  const calls = createCallSide({
    ...(transcription.live
      ? {
          onConversation: (call: Call) => {
            const live = transcription.live;
            void live?.callAnswered({ id: call.id, caller: call.caller.number, callee: call.callee, startedAt: call.snapshot().startedAt, parties: call.parties, onClose: (l) => void call.on('close', () => l()) });
          },
        }
      : {}),
    ...(transcription.service ? { onRecordingDone: (r: CallRecord) => void transcription.service?.enqueue(r.id).catch((err: unknown) => logger.error({ call: r.id, err: String(err) }, 'transcription not queued')) } : {}),
    onRecordingKeypad: (e) => audit.record({ actor: `extension ${e.by}`, action: e.paused ? 'recording.pause' : 'recording.resume', target: e.callId, detail: { via: 'keypad' } }),
    voicemail,
    acd: acd.handlers,
    ivr: { handlers: ivr.handlers, flowExists: ivr.flowExists, inSensitiveStep: ivr.inSensitiveStep },
    config,
    tts,
    conferencePolicies: conferenceSettings,
    logger,
    clock,
    metrics,
    stack: sip.stack,
    listening: () => sip.transport.listening(),
    authenticator: sip.authenticator,
    registrar: sip.registrar,
    extensions: repositories.extensions,
    credentials,
    dialPlan: dialPlanRepository,
    calendars: calendarRepository,
    callHandling,
    records,
    heartbeats: new HeartbeatRepository({ db, writer }),
    onAuthFailure: sip.auth.failed,
    onAuthSuccess: sip.auth.succeeded,
    vault,
    trunks: {
      outbound: trunks.dialer,
      inbound: trunks.manager,
      routeExists: async (id) => (await trunks.manager.route(id)) !== undefined,
    },
  });
  // the events stream carries the trunk side's alerts (toll-fraud trips) beside the call events
  const callEvents = {
    subscribe(listener: (event: StreamEventJson) => void) {
      const offs = [calls.callEvents.subscribe(listener), trunks.onAlert(listener), provisioning.onAlert(listener)];
      if (transcription.live) offs.push(transcription.live.subscribe(listener));
      return () => offs.forEach((off) => off());
    },
  };
  // SIP PnP (RFC 6080): SUBSCRIBE Event ua-profile, before the B2BUA
  sip.stack.use(provisioning.service.pnp());
  sip.stack.use(sip.watchCredentials(calls.control.handler));
  // BLF and MWI subscriptions (RFC 6665), after the B2BUA: it takes only INVITEs and its dialogs' requests
  const presence = createPresence({ config, logger, clock, sip, extensions: repositories.extensions, lines: calls.control.lines, counts: (m) => voicemail.counts(m), resolve: (from, to) => calls.dialPlan.resolve(from, to) });
  voicemail.onChange((mailbox) => presence.mailboxChanged(mailbox));

  let ready = false;
  let http: HttpServerHandle | undefined;
  const events = streamEvents({ calls: callEvents, registrar: sip.registrar, clock });
  const system = createSystemStatus({
    config,
    clock,
    registry: metrics.registry,
    startedAt: clock.now(),
    mediaWorkers: config.mediaWorkers || Math.max(1, availableParallelism()),
    listening: () => sip.transport.listening(),
    httpPort: () => http?.port,
    registrations: () => sip.registrar.bindings().length,
    activeCalls: async () => (await metrics.callsActive.get()).values[0]?.value ?? 0,
  });
  // one access control for the API and the event stream's upgrade: the same sessions, tokens and policy
  const access = createAccessControl({ repositories, securityProfile: config.securityProfile });
  const api = createApiApp({
    repositories,
    callRecords: records,
    transcripts: transcription.repository,
    keywords: transcription.keywords,
    callEvents: events,
    auditLog: auditRepository,
    system,
    dialPlan: { repository: dialPlanRepository, service: calls.dialPlan },
    calendars: calendarRepository,
    callHandling,
    acd: acd.service,
    ivr: { flows: flowRepository, services: ivr.services },
    trunks: { repository: trunkRepository, manager: trunks.manager },
    devices: { service: provisioning.service, extensionExists: async (n) => (await repositories.extensions.get(n)) !== undefined, baseUrl: provisioning.baseUrl },
    speech: { models, voices: () => tts.voices() },
    voicemail,
    presence: { lines: () => presence.dialogs.snapshot() },
    logger,
    metrics,
    audit,
    realm: config.sipDomain,
    sessionTtlMs: config.sessionTtlMs,
    securityProfile: config.securityProfile,
    access,
    secureCookies: config.httpBehindTls,
    loginPolicy: {
      maxFailures: config.loginMaxFailures,
      sourceMaxFailures: config.loginSourceMaxFailures,
      lockoutMs: config.loginLockoutMs,
    },
    passwordHashing: { maxActive: config.loginMaxConcurrentHashes },
    ...(config.ldapUrl !== undefined ? { directory: ldapDirectoryOf(config) } : {}),
    ...(config.oidcIssuer !== undefined ? { oidc: oidcSignOnOf(config) } : {}),
    ...(mailer ? { mail: mailer } : {}),
    ...(mailQueue ? { mailQueue } : {}),
    registrations: { list: () => sip.registrar.bindings().map((b) => registrationView(b, clock.now())) },
    recordingsDir: recordingsDirOf(config),
    recordingVault: vault,
    retention: { service: retention, repository: retentionRepository },
    auditChain: { verify: () => checkAuditChain(db), range: (o) => auditRepository.range(o), signingKey: auditSigningKey },
    calls: calls.control,
    moh: calls.moh,
    liveCalls: calls.control.live,
    conferences: calls.control.rooms,
    conferenceRooms: conferenceSettings,
    setup: {
      sipDomain: config.sipDomain,
      publicAddress: config.publicAddress,
      listening: () => sip.transport.listening(),
      reach: selfReachability({ stack: sip.stack, publicAddress: config.publicAddress, sipDomain: config.sipDomain, udpPort: () => sip.transport.listening().find((l) => l.protocol === 'udp')?.port, now: () => clock.now() }),
    },
    consoleDir: consoleDir(),
    softphoneCredentials,
    // the agent workspace's softphone: SIP over the WebSocket listeners (RFC 7118)
    softphone: () => {
      const webSockets = sip.transport.listening().flatMap((l) => (l.protocol === 'ws' || l.protocol === 'wss' ? [{ transport: l.protocol, port: l.port }] : []));
      return webSockets.length === 0 ? null : { sipDomain: config.sipDomain, webSockets };
    },
    ready: () => ready,
  });

  let retentionJob: { stop(): void } | undefined;
  let stopping: Promise<void> | undefined;

  return {
    async start() {
      const admin = await ensureAdmin({
        repo: repositories.adminUsers,
        username: config.adminUser,
        password: config.adminPassword,
        separated: (await access.policy.current()).separationOfDuties,
        logger,
      });
      if (admin.created) audit.record({ actor: 'system', action: 'admin.bootstrap', target: admin.username });
      await calls.start();
      await voicemail.start();
      // mails a previous run could not send are tried again (the due ones at once)
      await mailQueue?.start();
      await transcription.start();
      retentionJob = startRetentionJob({ clock, intervalMs: config.retentionPurgeIntervalMs, recordings: retention, voicemail: voicemail.retention, audit: auditRepository, auditRetentionDays: config.auditRetentionDays, logger });
      await sip.registrar.start();
      // bans still running when the process stopped hold again before SIP listens (audited as restored)
      const restored = sip.bans.restore(await banStore.loadActive(clock.now()));
      if (restored > 0) logger.info({ restored }, 'bans restored');
      await sip.stack.start();
      await trunks.start();
      await provisioning.start();
      const endpoint = createCallEventsEndpoint({ access, callEvents: events, acdEvents: acd.service, logger });
      http = await startHttpServer({ app: api, port: config.httpPort, address: config.bindAddress, logger, upgrade: endpoint });
      ready = true;
      const host = config.bindAddress === '0.0.0.0' || config.bindAddress === '::' ? config.publicAddress : config.bindAddress;
      const httpUrl = `http://${host.includes(':') ? `[${host}]` : host}:${http.port}`;
      if (admin.oneTimePassword)
        options.announce?.(
          `\nFirst start: created admin account "${admin.username}" with one-time password:\n\n    ${admin.oneTimePassword}\n\n` +
            'It is shown only now. Sign in at the console (the URL below) and choose your own password.\n',
        );
      logger.info({ httpUrl, sipDomain: config.sipDomain, listening: sip.transport.listening() }, 'hailing ready');
      return { httpUrl };
    },
    stop() {
      stopping ??= (async () => {
        ready = false;
        await drainWithDeadline({
          clock,
          logger,
          deadlineMs: config.shutdownTimeoutMs,
          drain: async () => {
            await http?.close();
            await provisioning.stop();
            await calls.stop();
            // subscribers learn their subscriptions ended (terminated;reason=deactivated) while SIP runs
            await presence.close();
            mailQueue?.stop();
            mailer?.close();
            await acd.service.close();
            // registrations are removed (Expires: 0) while SIP still runs
            await trunks.stop();
            await sip.stack.close();
          },
          // the stack may not have been reached; closing the transport destroys every connection
          // and accepted socket (the call records still go through the writer below)
          force: () => sip.transport.close(),
        });
        retentionJob?.stop();
        // a purge under way finishes its page of deletions and audit rows before the writer closes
        await retention.settled();
        await calls.closeMedia();
        await transcription.stop();
        await sip.registrar.close();
        await audit.settled();
        await writer.close();
        await database.close();
        logger.info('hailing stopped');
        logger.flush?.();
      })();
      return stopping;
    },
  };
}
