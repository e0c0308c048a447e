// The store's public surface for server/app and server/api.
export { openDatabase, type Database, type Db, type OpenDatabaseOptions } from './database.js';
export { findMigrationsFolder, runMigrations } from './migrate.js';
export { BatchWriter, BatchQueueFullError, BatchWriterClosedError, type BatchWriterOptions } from './batch-writer.js';
export { digestHa1, hashPassword, verifyPassword, sha256Hex, type DigestAlgorithm } from './credentials.js';
export type { StoreLogger } from './logger.js';
export { toStatement } from './statement.js';
export { AdminUserRepository, type AdminUser, type AdminUserInput } from './repositories/admin-users.js';
export { UserSecurityRepository, API_TOKEN_PREFIX, type ApiToken } from './repositories/user-security.js';
export { SessionRepository, sessionIdOf, type AdminSession } from './repositories/sessions.js';
export {
  ExtensionRepository,
  type Extension,
  type ExtensionCredentials,
  type ExtensionProfile,
  type ExtensionUpdate,
} from './repositories/extensions.js';
export {
  CallRecordRepository,
  type CallLegInput,
  type CallLegView,
  type CallRecordFilter,
  type CallRecordInput,
  type CallRecordView,
  type CallRetentionView,
} from './repositories/call-records.js';
export { CallHandlingRepository, noCallHandling, type CallHandlingSettings } from './repositories/call-handling.js';
export { CalendarRepository, type CalendarInput, type StoredCalendar } from './repositories/calendars.js';
export { IvrFlowRepository, type StoredFlow, type StoredFlowVersion, type StoredFlowRun } from './repositories/ivr.js';
export { DialPlanRepository, type DialPlanEntryInput, type DialPlanEntryRow } from './repositories/dial-plan.js';
export { RetentionRepository, PURGED, type RetentionPolicy, type RetentionPolicyInput, type PurgeCandidate } from './repositories/retention.js';
export { TrunkRepository, type SecretSealer, type TrunkInput, type DidInput, type RouteInput, type TrunkRow, type DidRow, type OutboundRouteRow, type TrunkAttemptRow, type TrunkAttemptInput } from './repositories/trunks.js';
export { HeartbeatRepository, type HeartbeatRepositoryOptions } from './repositories/heartbeats.js';
export { BindingRepository, type StoredBinding, type StoredTransportProtocol } from './repositories/bindings.js';
export { BanRepository, type StoredBan } from './repositories/bans.js';
export {
  AuditRepository,
  checkAuditChain,
  AUDIT_PURGE_ACTION,
  verifyAuditChain,
  canonicalAuditRow,
  auditRowHash,
  AUDIT_GENESIS_HASH,
  type AuditEntry,
  type AuditEntryInput,
  type AuditFilter,
  type AuditChainReport,
} from './repositories/audit.js';
export { adminRoles, type AdminRole } from './schema/admin-users.js';
export { callPermissions, defaultCallPermissions, type CallPermission } from './schema/extensions.js';
export {
  callDirections,
  callDispositions,
  callLegFacts,
  callLegFields,
  callRecordFacts,
  callRecordFields,
  callRetentionFacts,
  callRetentionFields,
  recordingFormats,
  type CallDirection,
  type CallDisposition,
  type CallHangupSide,
  type CallLegRole,
  type CallRouting,
  type RecordingFormat,
  type RecordingPause,
} from './schema/call-records.js';
export { type FieldFacts, type FieldKind, type FieldSpec, type FieldSpecs, type JsonCodec } from './schema/record-fields.js';
export { AcdRepository, type AcdAgentInput, type AcdAgentRow, type AcdInteractionRow, type AcdIntervalRow, type AcdMembershipRow, type AcdQueueInput, type AcdQueueRow } from './repositories/acd.js';
export { VoicemailRepository, type MailboxSettings } from './repositories/voicemail.js';
export { MailOutboxRepository } from './repositories/mail-outbox.js';
export type { MailOutboxRow } from './schema/mail-outbox.js';
export { TranscriptsRepository, type NewTranscriptSegment } from './repositories/transcripts.js';
export type { TranscriptionJobRow, TranscriptSegmentRow, TranscriptionJobState } from './schema/transcripts.js';
export type { MailboxRow, VoicemailMessageRow, GreetingKind } from './schema/voicemail.js';
export { GREETING_KINDS, GREETING_COLUMN } from './schema/voicemail.js';
export { ProvisioningRepository, type ProvisioningDeviceInput, type PendingSighting } from './repositories/provisioning.js';
export type { ProvisioningDeviceRow, ProvisioningPendingRow, ProvisioningTemplateRow } from './schema/provisioning.js';
export { KeywordRepository, type KeywordHitQuery, type KeywordListInput, type NewKeywordHit } from './repositories/keywords.js';
export type { KeywordHitRow, KeywordListRow } from './schema/keywords.js';
export { ConferenceRoomRepository, type ConferenceRoomInput } from './repositories/conference-rooms.js';
export type { ConferenceRoomRow } from './schema/conference-rooms.js';
