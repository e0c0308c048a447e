// Master key rotation: every sealed recording's file key is re-wrapped by the current master key;
// the audio is not touched. Per file, the new wrapping goes into the free key slot and reaches the
// disk (fdatasync) before the old slot is cleared, so a crash at any point leaves each file with at
// least one slot the keyring opens. Recordings being written keep working: only the header's slots
// are written, never the records or the authenticated header prefix.
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { SEALED_HEADER_BYTES, SEALED_SLOT_BYTES, parseSealedHeader, writeSealedSlot } from '../../media/index.js';
import { wrapFileKey } from './key-wrap.js';
import type { RecordingVault } from './vault.js';

export interface RotationReport {
  /** the master key every sealed file is now wrapped by */
  readonly keyId: string;
  readonly sealedFiles: number;
  readonly rewrapped: number;
  readonly alreadyCurrent: number;
  /** files the keyring cannot open (a master key missing): relative paths */
  readonly failed: readonly string[];
  /** plain files (recorded with encryption off): left as they are */
  readonly plainFiles: number;
}

async function* files(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(full);
    else if (e.isFile()) yield full;
  }
}

const SLOT_AT = (slot: 0 | 1): number => 32 + slot * SEALED_SLOT_BYTES;

/** Re-wraps one file; 'current' when already wrapped by the current key, null when not sealed. */
export async function rewrapFile(o: { readonly file: string; readonly vault: RecordingVault }): Promise<'rewrapped' | 'current' | 'failed' | null> {
  const keyring = o.vault.keyring;
  if (keyring === null) return 'failed';
  const handle = await open(o.file, 'r+');
  try {
    const head = Buffer.alloc(SEALED_HEADER_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const header = bytesRead === head.length ? parseSealedHeader(head) : null;
    if (header === null) return null;
    const opened = o.vault.fileKey(header);
    if (opened === null) return 'failed';
    const current = keyring.current;
    if (opened.keyId === current.id) return 'current';
    const free: 0 | 1 = opened.slot === 0 ? 1 : 0;
    writeSealedSlot(head, free, wrapFileKey({ profile: header.profile, master: current, fileKey: opened.key }));
    await handle.write(head, SLOT_AT(free), SEALED_SLOT_BYTES, SLOT_AT(free));
    await handle.datasync();
    writeSealedSlot(head, opened.slot, null);
    await handle.write(head, SLOT_AT(opened.slot), SEALED_SLOT_BYTES, SLOT_AT(opened.slot));
    await handle.datasync();
    return 'rewrapped';
  } finally {
    await handle.close();
  }
}

/** Re-wraps every sealed recording under `dir` with the vault's current master key. */
export async function rotateRecordingKeys(o: { readonly dir: string; readonly vault: RecordingVault }): Promise<RotationReport> {
  const keyring = o.vault.keyring;
  if (keyring === null) throw new Error('recording encryption is off: no master keys to rotate');
  let sealedFiles = 0;
  let rewrapped = 0;
  let alreadyCurrent = 0;
  let plainFiles = 0;
  const failed: string[] = [];
  for await (const file of files(o.dir)) {
    const outcome = await rewrapFile({ file, vault: o.vault });
    if (outcome === null) {
      plainFiles++;
      continue;
    }
    sealedFiles++;
    if (outcome === 'rewrapped') rewrapped++;
    else if (outcome === 'current') alreadyCurrent++;
    else failed.push(path.relative(o.dir, file));
  }
  return { keyId: keyring.current.id, sealedFiles, rewrapped, alreadyCurrent, failed, plainFiles };
}
