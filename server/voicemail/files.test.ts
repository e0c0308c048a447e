import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingVault } from '../recording/index.js';
import { VoicemailFiles } from './files.js';

describe('voicemail files', () => {
  it('the sweep at start removes decrypted copies a crash left in the playback folder, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hailing-vm-files-'));
    try {
      const files = new VoicemailFiles({ dir, vault: new RecordingVault({ encryption: 'off', keyring: null }) });
      // a message (kept) and a plaintext copy from a play that never finished (a crash)
      const message = await files.place('1002', 'm1.wav');
      writeFileSync(message.absolute, 'RIFF message');
      mkdirSync(join(dir, '.playback'), { recursive: true });
      writeFileSync(join(dir, '.playback', 'left-by-a-crash.wav'), 'RIFF plaintext');
      await files.sweepPlaybackCopies();
      assert.equal(existsSync(join(dir, '.playback', 'left-by-a-crash.wav')), false);
      assert.equal(existsSync(message.absolute), true);
      // nothing to sweep is no error
      await files.sweepPlaybackCopies();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
