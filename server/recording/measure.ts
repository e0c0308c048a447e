// How long a recording is, read from the file, sealed or plain: for calls a crash cut off, whose
// recorder never reported a duration. A sealed file is decrypted record by record keeping only its
// start and its last page's worth, then measured as its plaintext would be.
import { open } from 'node:fs/promises';
import { oggOpusDurationMs, recordingDurationMs, wavDurationMs } from '../calls/index.js';
import type { RecordingVault } from './vault.js';

/** the most an Ogg page can take (RFC 3533 §6) */
const MAX_OGG_PAGE = 27 + 255 + 255 * 255;

export async function measureRecordingMs(o: { readonly path: string; readonly format: 'wav' | 'ogg'; readonly vault: RecordingVault }): Promise<number | null> {
  let handle;
  try {
    handle = await open(o.path, 'r');
  } catch {
    return null;
  }
  let opened;
  try {
    opened = await o.vault.openForPlayback({ handle, size: (await handle.stat()).size });
  } catch {
    return null;
  }
  if (!opened.ok) return null;
  if (!opened.playback.sealed) {
    await opened.playback.discard();
    return recordingDurationMs({ path: o.path, format: o.format });
  }
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let total = 0;
  try {
    for await (const chunk of opened.playback.stream()) {
      const b = chunk as Buffer;
      total += b.length;
      if (head.length < MAX_OGG_PAGE) head = Buffer.concat([head, b.subarray(0, MAX_OGG_PAGE - head.length)]);
      tail = Buffer.concat([tail, b]);
      if (tail.length > MAX_OGG_PAGE) tail = tail.subarray(tail.length - MAX_OGG_PAGE);
    }
  } catch {
    return null;
  }
  return o.format === 'wav' ? wavDurationMs(head, total) : oggOpusDurationMs(head, tail);
}
