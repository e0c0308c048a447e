// Recordings at rest: encryption (master keys, file keys, playback, rotation), retention and legal hold.
export { MasterKeyring, masterKeyId, MASTER_KEY_BYTES, type MasterKey } from './master-keys.js';
export { wrapFileKey, unwrapFileKey, wrappedKeyId } from './key-wrap.js';
export { RecordingVault, type RecordingEncryption, type RecordingPlayback, type PlaybackResult } from './vault.js';
export { rotateRecordingKeys, rewrapFile, type RotationReport } from './rotation.js';
export { measureRecordingMs } from './measure.js';
export { RetentionService, type PurgeReport, type RetentionServiceOptions, type Outcome, type Refusal, type VoicemailRetention } from './retention.js';
