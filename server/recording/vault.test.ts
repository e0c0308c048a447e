// Encryption at rest on the server's side: the master key file is made on first start with mode
// 0600 and read back; keys from the environment; a file key wrapped in either profile unwraps only
// with its master key; a sealed recording plays through the vault to the audio that went in (sox
// measures it); rotation re-wraps every file to a new master key without touching the audio, so
// old files stay playable after the old key is retired, and a file is never left keyless.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SealedFile, type SealProfile } from '../../media/index.js';
import { MasterKeyring } from './master-keys.js';
import { unwrapFileKey, wrapFileKey } from './key-wrap.js';
import { RecordingVault } from './vault.js';
import { rotateRecordingKeys } from './rotation.js';
import { measureRecordingMs } from './measure.js';

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hailing-vault-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A 2 s stereo tone made by sox, sealed as the recorder seals: the header alone, then chunks. */
async function sealedTone(o: { vault: RecordingVault; file: string; hz: number }): Promise<Buffer> {
  const plain = path.join(dir, `${path.basename(o.file)}-${o.hz}.plain.wav`);
  execFileSync('sox', ['-n', '-r', '8000', '-c', '2', '-b', '16', plain, 'synth', '2', 'sine', String(o.hz)]);
  const bytes = readFileSync(plain);
  const seal = o.vault.seal();
  assert.ok(seal);
  const handle = await open(o.file, 'w');
  const sealed = await SealedFile.create({ file: handle, seal, format: 'wav' });
  await sealed.write(bytes, 0, 44, 0);
  for (let at = 44; at < bytes.length; at += 16_000) await sealed.write(bytes, at, Math.min(16_000, bytes.length - at), at);
  await sealed.finish();
  await handle.close();
  return bytes;
}

async function play(vault: RecordingVault, file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  const opened = await vault.openForPlayback({ handle, size: statSync(file).size });
  if (!opened.ok) throw new Error(opened.reason);
  const parts: Buffer[] = [];
  for await (const b of opened.playback.stream()) parts.push(b as Buffer);
  const out = Buffer.concat(parts);
  assert.equal(out.length, opened.playback.size, 'Content-Length is what the stream gives');
  return out;
}

describe('recording master keys', () => {
  it('first start makes the key file with mode 0600; the next start reads the same key', () => {
    const file = path.join(dir, 'keys', 'master.keys');
    const a = MasterKeyring.load({ file });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const b = MasterKeyring.load({ file });
    assert.equal(b.current.id, a.current.id);
    assert.ok(b.current.key.equals(a.current.key));
    assert.ok(!readFileSync(file, 'utf8').includes(a.current.key.toString('hex')));
  });

  it('HAILING_RECORDING_MASTER_KEYS: comma-separated base64 keys, the last one current; a short key is refused', () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const ring = MasterKeyring.load({ env: `${k1.toString('base64')},${k2.toString('base64')}`, file: path.join(dir, 'unused') });
    assert.ok(ring.current.key.equals(k2));
    assert.equal(ring.ids.length, 2);
    assert.throws(() => MasterKeyring.load({ env: randomBytes(16).toString('base64'), file: path.join(dir, 'unused') }), /32 bytes/);
  });

  for (const profile of ['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const) {
    it(`${profile}: a wrapped file key unwraps with its master key only, and not as the other profile`, () => {
      const ring = MasterKeyring.load({ file: path.join(dir, `wrap-${profile}.keys`) });
      const other = MasterKeyring.load({ file: path.join(dir, `other-${profile}.keys`) });
      const fileKey = randomBytes(48);
      const blob = wrapFileKey({ profile, master: ring.current, fileKey });
      assert.ok(unwrapFileKey({ profile, keyring: ring, blob })?.equals(fileKey));
      assert.equal(unwrapFileKey({ profile, keyring: other, blob }), null);
      const otherProfile: SealProfile = profile === 'aes-256-gcm' ? 'sm4-ctr-hmac-sm3' : 'aes-256-gcm';
      assert.equal(unwrapFileKey({ profile: otherProfile, keyring: ring, blob }), null);
    });
  }
});

for (const profile of ['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const) {
  describe(`sealed recordings through the vault (${profile})`, () => {
    it('play back decrypted to the bytes that went in; measured as long as the audio', async () => {
      const vault = new RecordingVault({ encryption: profile, keyring: MasterKeyring.load({ file: path.join(dir, `play-${profile}.keys`) }) });
      const file = path.join(dir, `play-${profile}.wav`);
      const original = await sealedTone({ vault, file, hz: 400 });
      assert.notEqual(readFileSync(file).toString('latin1', 0, 4), 'RIFF');
      assert.ok((await play(vault, file)).equals(original));
      assert.equal(await measureRecordingMs({ path: file, format: 'wav', vault }), 2000);
    });

    it('rotation re-wraps every file to a new master key; after the old key is retired the old files still play, unchanged', async () => {
      const keyFile = path.join(dir, `rotate-${profile}.keys`);
      const vault = new RecordingVault({ encryption: profile, keyring: MasterKeyring.load({ file: keyFile }) });
      const recordings = path.join(dir, `rotate-${profile}`);
      mkdirSync(path.join(recordings, '2026', '12'), { recursive: true });
      const a = path.join(recordings, '2026', '12', 'a.wav');
      const b = path.join(recordings, 'b.wav');
      const originalA = await sealedTone({ vault, file: a, hz: 400 });
      const originalB = await sealedTone({ vault, file: b, hz: 800 });
      writeFileSync(path.join(recordings, 'plain.wav'), originalA); // recorded with encryption off
      const oldId = vault.keyring!.current.id;
      const bodyBefore = readFileSync(a).subarray(512);

      const newKey = vault.keyring!.addKey();
      const report = await rotateRecordingKeys({ dir: recordings, vault });
      assert.deepEqual({ ...report, failed: [...report.failed] }, { keyId: newKey.id, sealedFiles: 2, rewrapped: 2, alreadyCurrent: 0, failed: [], plainFiles: 1 });
      assert.deepEqual(vault.keyring!.retireOld(), [oldId]);

      // a fresh start reads the key file, which holds the new key alone
      const restarted = new RecordingVault({ encryption: profile, keyring: MasterKeyring.load({ file: keyFile }) });
      assert.deepEqual(restarted.keyring!.ids, [newKey.id]);
      assert.ok((await play(restarted, a)).equals(originalA));
      assert.ok((await play(restarted, b)).equals(originalB));
      assert.ok(readFileSync(a).subarray(512).equals(bodyBefore), 'the audio records are not re-encrypted');
      const again = await rotateRecordingKeys({ dir: recordings, vault: restarted });
      assert.equal(again.alreadyCurrent, 2);
    });
  });
}
