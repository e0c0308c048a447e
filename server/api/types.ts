// What the HTTP API needs from the rest of the server; server/app builds it.
import type { LdapDirectory } from '../users/ldap-directory.js';
import type { OidcSignOn } from '../users/oidc-sign-on.js';
import type { FlowServices } from '../ivr/engine.js';
import type { ModelInstaller } from '../speech/index.js';
import type { MailQueue, VoicemailMailer, VoicemailService } from '../voicemail/index.js';
import type {
  AdminUserRepository,
  CallDisposition,
  CallRecordFilter,
  CallRecordView,
  CallHandlingRepository,
  DialPlanRepository,
  CalendarRepository,
  IvrFlowRepository,
  TrunkRepository,
  ExtensionRepository,
  SessionRepository,
  UserSecurityRepository,
} from '../store/index.js';
import type { PolicyProfile } from '../users/index.js';
import type { AccessControl, Principal } from './access.js';
import type { ConferenceSettings, DialPlanService, LiveCallView } from '../calls/index.js';
import type { RecordingVault, RetentionService } from '../recording/index.js';
import type { AuditChainReport, KeywordRepository, RetentionRepository, TranscriptsRepository } from '../store/index.js';
import type { AuditExportRow, AuditSigningKey } from '../security/audit-signing.js';
import type { AcdService } from '../acd/service.js';
import type { FloorScope } from '../acd/scope.js';
import type { AuditEntry, AuditFilter } from '../store/index.js';
import type { z } from 'zod';
import type { SystemStatus } from './schemas-system.js';

export type SystemStatusView = z.output<typeof SystemStatus>;
import type { ConcurrencyGateOptions } from '../security/concurrency-gate.js';
import type { LoginPolicy } from '../security/login-guard.js';
import type { TrunkStatus } from '../trunks/runtime.js';
import type { ProvisioningService } from '../provisioning/index.js';

/** Desk-phone provisioning: devices, pending MACs, templates, re-sync (server/provisioning). */
export interface DeviceApi {
  readonly service: ProvisioningService;
  extensionExists(number: string): Promise<boolean>;
  /** scheme://host:port of the provisioning listener, when it runs */
  baseUrl(): string | undefined;
}
import type { MohLibrary } from '../moh/library.js';

/** Trunks, DIDs and routes: the table and the running trunks (server/trunks' TrunkManager). */
export interface TrunkApi {
  readonly repository: TrunkRepository;
  readonly manager: { status(): TrunkStatus[]; reload(): Promise<void>; readonly unknownDids: number };
}

export interface ApiLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** One registered contact as the API shows it. */
export interface RegistrationView {
  readonly aor: string;
  readonly contact: string;
  readonly transport: string;
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly userAgent?: string;
  /** ISO 8601 */
  readonly expiresAt: string;
  /** seconds left */
  readonly expiresIn: number;
}

export interface AuditRecorder {
  record(entry: {
    actor: string;
    action: string;
    target?: string;
    source?: string;
    detail?: Record<string, unknown>;
  }): void;
  /** resolves when every row recorded so far is written (GET /audit reads its own writes) */
  settled?(): Promise<void>;
}

export interface MetricsSource {
  readonly registry: { metrics(): Promise<string>; readonly contentType: string };
  readonly authFailures?: { inc(): void };
}

/** The call records the CDR routes read: CallRecordRepository's shape, so tests can fake it. */
export interface CallRecordSource {
  list(filter: CallRecordFilter): Promise<{ items: CallRecordView[]; total: number }>;
  get(id: string): Promise<CallRecordView | undefined>;
  /** which of these calls touched a scoped supervisor's queues, agents or extensions (call-scope.ts) */
  touching(ids: readonly string[], touching: NonNullable<CallRecordFilter['touching']>): Promise<Set<string>>;
}

/** One call event as GET /api/v1/events streams it (a JSON text frame each). */
export interface CallEventJson {
  readonly type: 'newcall' | 'ringing' | 'answered' | 'hangup' | 'dtmf' | 'alert' | 'hold' | 'resume' | 'unbridged' | 'transfer';
  readonly callId: string;
  /** ISO 8601 */
  readonly at: string;
  readonly caller: string;
  readonly callee: string;
  /** on hangup */
  readonly disposition?: CallDisposition;
  /** on hangup */
  readonly hangupCause?: string;
  /** the leg that rang or answered */
  readonly legId?: string;
  /** on dtmf: which party pressed, the digit, how long, and how it came */
  readonly leg?: 'caller' | 'callee';
  readonly digit?: string;
  /** on dtmf: the digit was keyed while the call's recording was paused (card payments) and is withheld */
  readonly redacted?: true;
  readonly durationMs?: number;
  readonly method?: 'rfc4733' | 'inband' | 'info';
  /** on hold and resume: who holds (a party from its phone, or Hailing: the API, a bridged call's hold); on transfer: who asked */
  readonly by?: 'caller' | 'callee' | 'hailing' | 'api';
  /** on unbridged: why the bridge ended */
  readonly reason?: string;
  /** on transfer: the number the caller goes to, how far it got, and a failure's SIP status */
  readonly target?: string;
  readonly result?: 'started' | 'completed' | 'failed';
  readonly status?: number;
  /** on alert: what tripped (the toll-fraud guard's limit) and its figures */
  readonly alert?: string;
  readonly detail?: Record<string, unknown>;
}

/** A phone registered, refreshed, unregistered or expired: the AOR and how many contacts it has now. */
export interface RegistrationEventJson {
  readonly type: 'registration';
  /** ISO 8601 */
  readonly at: string;
  readonly aor: string;
  readonly contacts: number;
}

/**
 * Live transcription (docs/speech.md): what a party of a call said, recognised as the call goes on.
 * A partial is the utterance so far (re-decoded as it grows); the final is the whole utterance and
 * is stored as a live segment of the call's transcript. Topic 'transcripts' (recordings.listen);
 * the text is masked as stored transcripts are for roles without pii.unmasked. A keyword is one of
 * the call's keywords (its keyword lists, HAILING_LIVE_KEYWORDS) spotted on a leg: text is the phrase
 * as the list has it, list the list's name, startMs = endMs = where its first token was heard; it is
 * stored (GET /api/v1/cdrs/{id}/keyword-hits).
 */
export interface TranscriptEventJson {
  readonly type: 'transcript.partial' | 'transcript.final' | 'transcript.keyword';
  readonly callId: string;
  /** ISO 8601 */
  readonly at: string;
  /** the call's parties (a scoped supervisor hears only calls touching its queues or agents) */
  readonly caller: string;
  readonly callee: string;
  readonly leg: 'caller' | 'callee';
  /** ms from the call's start (its INVITE) */
  readonly startMs: number;
  readonly endMs: number;
  readonly text: string;
  /** transcript.keyword: the keyword list's name ('HAILING_LIVE_KEYWORDS' for the environment's) */
  readonly list?: string;
}

/** Every event GET /api/v1/events streams. */
export type StreamEventJson = CallEventJson | RegistrationEventJson | TranscriptEventJson;

/** Live events, adapted by server/app from the B2BUA's observer and the registrar. */
export interface CallEventSource {
  /** returns the unsubscribe function */
  subscribe(listener: (event: StreamEventJson) => void): () => void;
}

/** One ACD event on the same stream: 'acd.snapshot' when a client connects, then 'acd.queue' and 'acd.agent' deltas. */
export interface AcdEventJson {
  readonly type: `acd.${string}`;
  readonly at: string;
}

/** The ACD floor as the event stream carries it (AcdService). */
export interface AcdEventSource {
  snapshot(): AcdEventJson;
  subscribe(listener: (event: AcdEventJson) => void): () => void;
  /** the event as a supervisor with this scope may see it; undefined: not sent to them */
  scoped(event: AcdEventJson, scope: FloorScope | undefined): AcdEventJson | undefined;
  /** whether a call event's call touches the scope now (server/acd/scope.ts liveCallInScope) */
  callInScope(scope: FloorScope, call: { readonly id: string; readonly caller: string; readonly callee: string }): boolean;
}

type Controlled = { readonly ok: true } | { readonly ok: false; readonly status: 404 | 409; readonly reason: string };

/** Live call control as the API drives it: server/calls' LiveCalls. */
export interface SetupApi {
  readonly sipDomain: string;
  readonly publicAddress: string;
  listening(): readonly { readonly protocol: string; readonly port: number }[];
  /** SIP OPTIONS to our own public address and UDP port */
  reach(): Promise<{ reached: boolean; target: string; status: number | null; rttMs: number | null; reason: string; warnings: string[] }>;
}

export interface ConferenceControl {
  list(): {
    readonly room: string;
    readonly locked: boolean;
    readonly members: { readonly callId: string; readonly number: string; readonly name: string | null; readonly joinedAt: number; readonly muted: boolean; readonly moderator: boolean; readonly waiting: boolean }[];
  }[];
  /** false when the room is not open or the call is not in it */
  mute(room: string, callId: string, muted: boolean): boolean;
}

export interface LiveCallControl {
  list(): LiveCallView[];
  hangup(id: string): Promise<Controlled>;
  hold(id: string): Promise<Controlled>;
  resume(id: string): Promise<Controlled>;
  transfer(id: string, target: string): Controlled;
  /** attended transfer: the party both calls have in common leaves, the other two talk */
  join(id: string, other: string): Promise<Controlled>;
  dtmf(id: string, o: { readonly digits: string; readonly to: 'caller' | 'callee'; readonly durationMs?: number }): Controlled;
  startRecording(id: string): Promise<Controlled>;
  stopRecording(id: string): Controlled;
}

export interface ApiDeps {
  readonly repositories: {
    readonly adminUsers: AdminUserRepository;
    readonly sessions: SessionRepository;
    readonly extensions: ExtensionRepository;
    /** recovery codes, API tokens, the policy profile setting */
    readonly userSecurity: UserSecurityRepository;
  };
  /** the security profile until one is chosen through the API (default 'default') */
  readonly securityProfile?: PolicyProfile;
  /** shared with the event stream's upgrade (server/app); built from the repositories when absent */
  readonly access?: AccessControl;
  readonly logger: ApiLogger;
  readonly metrics: MetricsSource;
  readonly audit: AuditRecorder;
  /** digest realm new extension passwords are hashed for */
  readonly realm: string;
  readonly sessionTtlMs: number;
  readonly registrations: { list(): Promise<RegistrationView[]> | RegistrationView[] };
  readonly callRecords: CallRecordSource;
  /** post-call transcripts (server/transcription); without it the transcript routes answer 404 */
  readonly transcripts?: Pick<TranscriptsRepository, 'job' | 'segments' | 'search'>;
  /**
   * <dataDir>/recordings: GET /api/v1/cdrs/:id/recording serves only files that resolve inside it;
   * without it every recording download answers 404
   */
  readonly recordingsDir?: string;
  /** encryption at rest: playback decrypts through it, key rotation re-wraps with it; absent: files are served as they are */
  readonly recordingVault?: RecordingVault;
  /** live call control: recording pause/resume (card payments); absent: those routes answer 404 */
  readonly calls?: { pauseRecording(callId: string, paused: boolean): boolean };
  /** retention policies, purge, legal hold, early delete; absent: those routes answer 404 */
  readonly retention?: { readonly service: RetentionService; readonly repository: RetentionRepository };
  /** audit chain verification and signed export; absent: those routes answer 404 */
  readonly auditChain?: {
    verify(): Promise<AuditChainReport>;
    range(o: { since?: number; until?: number; limit: number }): Promise<AuditExportRow[]>;
    readonly signingKey: AuditSigningKey;
  };
  /** /api/v1/dialplan: the table and the resolver; without it those routes answer 404 */
  readonly dialPlan?: { readonly repository: DialPlanRepository; readonly service: DialPlanService };
  /**
   * /api/v1/keyword-lists and the keyword hits (server/transcription/keywords.ts): refusal() spells a
   * phrase against the live model's tokens (null: it can be spelled, or no model to check against)
   */
  readonly keywords?: { readonly repository: KeywordRepository; refusal(phrase: string): string | null; readonly spotting: boolean };
  /** /api/v1/calendars: business calendars; without it those routes answer 404 */
  readonly calendars?: CalendarRepository;
  /** /api/v1/trunks, /api/v1/dids, /api/v1/routes; without it those routes answer 404 */
  readonly trunks?: TrunkApi;
  /** /api/v1/devices, /api/v1/provisioning/templates; without it those routes answer 404 */
  readonly devices?: DeviceApi;
  /** /api/v1/speech: the model installer and TTS voices; without it those routes answer 404 */
  readonly speech?: { readonly models: ModelInstaller; voices(): Array<{ voice: string; engine: string }> };
  /** /api/v1/calls: calls in progress and their control (server/calls' LiveCalls); without it those routes answer 404 */
  readonly liveCalls?: LiveCallControl;
  /** /api/v1/setup: the first-run setup (server/app/setup-reach.ts); without it those routes answer 404 and no setup is pending */
  readonly setup?: SetupApi;
  /** /api/v1/conferences: the rooms open now (server/calls' Rooms); kicking goes through liveCalls' hangup */
  readonly conferences?: ConferenceControl;
  /** /api/v1/conference-rooms: room settings, PINs hashed (server/calls/conference-settings.ts); without it those routes answer 404 */
  readonly conferenceRooms?: Pick<ConferenceSettings, 'list' | 'get' | 'create' | 'update' | 'remove'>;
  /** /api/v1/moh: music-on-hold files (server/moh's MohLibrary); without it those routes answer 404 */
  readonly moh?: Pick<MohLibrary, 'list' | 'add' | 'remove'>;
  /** /api/v1/extensions/{number}/call-handling (DND, forwarding); without it those routes answer 404 */
  readonly callHandling?: CallHandlingRepository;
  /** GET /api/v1/presence/lines: extensions on a call now (BLF state); without it that route answers 404 */
  readonly presence?: { lines(): { extension: string; state: 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated'; remote: string }[] };
  /** /api/v1/voicemail and /api/v1/extensions/{number}/mailbox; without it those routes answer 404 */
  readonly voicemail?: VoicemailService;
  /** /api/v1/acd: queues, agents, the live floor; without it those routes answer 404 */
  readonly acd?: AcdService;
  /** /api/v1/ivr: IVR flows, their versions, the simulator and metrics; without it those routes answer 404 */
  readonly ivr?: { readonly flows: IvrFlowRepository; readonly services: FlowServices };
  /** GET /api/v1/events streams these; without it the stream stays open and silent */
  readonly callEvents?: CallEventSource;
  readonly ready: () => boolean;
  /**
   * GET /metrics: always allowed from loopback; from elsewhere it needs
   * `Authorization: Bearer <metricsToken>` (when set) or an admin-API session.
   */
  readonly metricsToken?: string;
  /** the console is served over HTTPS: `Secure` session cookie and Strict-Transport-Security */
  readonly secureCookies?: boolean;
  /** login lockout and back-off (server/security/login-guard.ts); defaults when absent */
  readonly loginPolicy?: LoginPolicy;
  /** password verifications at once and waiting (argon2id holds 64 MiB each); default 2 and 8 */
  readonly passwordHashing?: ConcurrencyGateOptions;
  /** LDAP/AD sign-in (server/users/ldap-directory.ts); absent: local accounts only */
  readonly directory?: Pick<LdapDirectory, 'authenticate' | 'lookup' | 'settings'>;
  /** OpenID Connect single sign-on (server/users/oidc-sign-on.ts); absent: the SSO routes answer 404 */
  readonly oidc?: Pick<OidcSignOn, 'start' | 'finish' | 'settings' | 'check'>;
  /** the SMTP relay voicemail e-mail goes through (server/voicemail/mail.ts); absent: none configured */
  readonly mail?: Pick<VoicemailMailer, 'settings' | 'sendTest'>;
  /** notification e-mails waiting for the relay or failed for good (the System screen's mail relay card) */
  readonly mailQueue?: Pick<MailQueue, 'counts'>;
  /** checks a password against its stored hash; default argon2id (server/store), replaced in tests */
  readonly verifyPassword?: (hash: string, password: string) => Promise<boolean>;
  /** GET /api/v1/audit reads it; without it that route answers 404 */
  readonly auditLog?: { list(filter: AuditFilter): Promise<AuditEntry[]> };
  /** GET /api/v1/system/status; without it that route answers 404 */
  readonly system?: { status(): Promise<SystemStatusView> | SystemStatusView };
  /** where the console's softphone registers: the SIP domain and the SIP WebSocket listeners; absent: no softphone */
  readonly softphone?: () => SoftphoneEndpoint | null;
  /** issues the softphone's own SIP password for the agent's extension (POST /api/v1/acd/me/softphone); absent: that route answers 404 */
  readonly softphoneCredentials?: { issue(extension: string): { username: string; password: string; expiresAt: number } };
  /** web/dist: the console served at `/`; without it only the API answers */
  readonly consoleDir?: string;
  /** ms since epoch; default Date.now */
  readonly now?: () => number;
}

/** the SIP-over-WebSocket listeners (RFC 7118) a browser softphone reaches, and the SIP domain it registers in */
export interface SoftphoneEndpoint {
  readonly sipDomain: string;
  readonly webSockets: readonly { readonly transport: 'ws' | 'wss'; readonly port: number }[];
}

/** the caller, as the authorizer resolved it (access.ts) */
export type AuthContext = Principal;

export interface ApiEnv {
  Variables: { auth: AuthContext };
}
