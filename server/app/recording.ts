// The recording vault from the configuration: master keys from HAILING_RECORDING_MASTER_KEYS or
// the key file (made on first start, mode 0600), and the cipher profile. Keys are never logged.
import path from 'node:path';
import type { Config } from '../config/index.js';
import { MasterKeyring, RecordingVault } from '../recording/index.js';

export const recordingKeyFileOf = (config: Pick<Config, 'dataDir' | 'recordingKeyFile'>): string =>
  path.resolve(config.recordingKeyFile ?? path.join(config.dataDir, 'keys', 'recording-master.keys'));

export function createRecordingVault(config: Pick<Config, 'dataDir' | 'recordingKeyFile' | 'recordingMasterKeys' | 'recordingEncryption'>): RecordingVault {
  // the keyring is loaded even with encryption off: files sealed before it was turned off still play
  const keyring = MasterKeyring.load({ file: recordingKeyFileOf(config), ...(config.recordingMasterKeys !== undefined ? { env: config.recordingMasterKeys } : {}) });
  return new RecordingVault({ encryption: config.recordingEncryption, keyring });
}
