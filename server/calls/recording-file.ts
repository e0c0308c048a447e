// How long a recording file is, read from the file itself: for calls cut off by a crash or kill,
// whose recorder never reported a duration. Both formats are kill-safe by design (the recorder
// rewrites the WAV sizes after each flush and closes an Ogg page at each flush), so what the file
// says is what it holds. Errors as values: a missing, truncated or foreign file gives null.
import { open } from 'node:fs/promises';

/** the most an Ogg page can take: 27 header bytes, 255 lacing values, 255 × 255 bytes (RFC 3533 §6) */
const MAX_OGG_PAGE = 27 + 255 + 255 * 255;

/** Milliseconds of audio in a recording, or null when the file does not say. */
export async function recordingDurationMs(o: { readonly path: string; readonly format: 'wav' | 'ogg' }): Promise<number | null> {
  let file;
  try {
    file = await open(o.path, 'r');
  } catch {
    return null;
  }
  try {
    const size = (await file.stat()).size;
    const headLength = Math.min(size, o.format === 'wav' ? 4096 : MAX_OGG_PAGE);
    const head = Buffer.alloc(headLength);
    await file.read(head, 0, headLength, 0);
    if (o.format === 'wav') return wavDurationMs(head, size);
    const tailLength = Math.min(size, MAX_OGG_PAGE);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    return oggOpusDurationMs(head, tail);
  } catch {
    return null;
  } finally {
    await file.close();
  }
}

/**
 * RIFF/WAVE (Microsoft "Multimedia Programming Interface and Data Specifications 1.0"): the "fmt "
 * chunk's average bytes per second, and the "data" chunk's size, never more than the file holds
 * after the chunk header (a header not yet rewritten by the last flush counts less than is there).
 * `head` is the start of the file, `fileSize` its whole length.
 */
export function wavDurationMs(head: Buffer, fileSize: number): number | null {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return null;
  let byteRate: number | null = null;
  // chunks: 4-byte id, 32-bit little-endian size, the data, a pad byte when the size is odd
  for (let at = 12; at + 8 <= head.length; ) {
    const id = head.toString('latin1', at, at + 4);
    const size = head.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 20 <= head.length) byteRate = head.readUInt32LE(at + 8 + 8);
    if (id === 'data') {
      if (byteRate === null || byteRate === 0) return null;
      const bytes = Math.min(size, Math.max(0, fileSize - (at + 8)));
      return Math.round((bytes * 1000) / byteRate);
    }
    at += 8 + size + (size & 1);
  }
  return null;
}

/**
 * Ogg/Opus: the last page's granule position (RFC 3533 §6) is the count of 48 kHz samples up to
 * that page's last packet, less the OpusHead pre-skip (RFC 7845 §4 and §5.1). `head` is the start
 * of the file (its first page holds OpusHead), `tail` the end (at most one page's length).
 */
export function oggOpusDurationMs(head: Buffer, tail: Buffer): number | null {
  if (head.length < 27 || head.toString('latin1', 0, 4) !== 'OggS') return null;
  const firstPacket = 27 + head[26]!;
  if (head.length < firstPacket + 19 || head.toString('latin1', firstPacket, firstPacket + 8) !== 'OpusHead') return null;
  const preSkip = head.readUInt16LE(firstPacket + 10);
  // the last complete page with a granule: scan back for the capture pattern, version 0
  for (let at = tail.lastIndexOf('OggS'); at >= 0; at = at === 0 ? -1 : tail.lastIndexOf('OggS', at - 1)) {
    if (at + 27 > tail.length || tail[at + 4] !== 0) continue;
    const segments = tail[at + 26]!;
    if (at + 27 + segments > tail.length) continue;
    let body = 0;
    for (let i = 0; i < segments; i++) body += tail[at + 27 + i]!;
    if (at + 27 + segments + body > tail.length) continue; // a page the kill cut short
    const granule = tail.readBigInt64LE(at + 6);
    // -1: no packet ends on this page (RFC 3533 §6); the header pages carry 0
    if (granule < 0n) continue;
    const samples = Number(granule) - preSkip;
    return samples <= 0 ? 0 : Math.round(samples / 48);
  }
  return null;
}
