// Test support for the recorder tests (excluded from the build): tones made by sox, files measured
// by sox/soxi and decoded by opusdec, so every expected value comes from an independent tool.
import { execFile } from 'node:child_process';
import { open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sealedLayout, sealedRecords, type SealedLayout } from './sealed-file.js';
import { HEADER_BYTES, parseSealedHeader, type SealedHeader } from './sealed-format.js';
import { restateWavSizes } from './wav-header.js';

export function exec(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(`${stdout}${stderr}`); // sox stat prints to stderr
    });
  });
}

/** A sine made by sox (`synth N sine F`), as the 16-bit samples it wrote. */
export async function soxTone(o: { dir: string; hz: number; rate: number; seconds: number; volume?: number }): Promise<Int16Array> {
  const file = path.join(o.dir, `tone-${o.hz}-${o.rate}-${o.seconds}.raw`);
  await exec('sox', ['-n', '-r', String(o.rate), '-b', '16', '-e', 'signed-integer', '-c', '1', file, 'synth', String(o.seconds), 'sine', String(o.hz), 'vol', String(o.volume ?? 0.5)]);
  const b = await readFile(file);
  return new Int16Array(b.buffer, b.byteOffset, b.length >> 1);
}

export interface SoxInfo {
  channels: number;
  rate: number;
  seconds: number;
}

/** `soxi -c/-r/-D` */
export async function soxi(file: string): Promise<SoxInfo> {
  const [c, r, d] = await Promise.all([exec('soxi', ['-c', file]), exec('soxi', ['-r', file]), exec('soxi', ['-D', file])]);
  return { channels: Number(c.trim()), rate: Number(r.trim()), seconds: Number(d.trim()) };
}

/** `sox FILE -n remix C [trim S L] stat`: RMS amplitude (0..1) of one channel. */
export async function channelRms(o: { file: string; channel: number; trim?: [number, number] }): Promise<number> {
  const trim = o.trim ? ['trim', String(o.trim[0]), String(o.trim[1])] : [];
  const text = await exec('sox', [o.file, '-n', 'remix', String(o.channel), ...trim, 'stat']);
  const m = /^RMS\s+amplitude:\s+([0-9.]+)/m.exec(text);
  if (!m?.[1]) throw new Error(`sox stat: no RMS in\n${text}`);
  return Number(m[1]);
}

/** `sox FILE -n remix C stat -freq`: the frequency of the strongest bin over all of sox's FFT blocks. */
export async function channelPeakHz(o: { file: string; channel: number }): Promise<number> {
  const text = await exec('sox', [o.file, '-n', 'remix', String(o.channel), 'stat', '-freq']);
  let best = -1;
  let hz = NaN;
  for (const line of text.split('\n')) {
    const m = /^\s*([0-9.]+)\s+([0-9.]+)\s*$/.exec(line);
    if (!m) continue;
    const power = Number(m[2]);
    if (power > best) {
      best = power;
      hz = Number(m[1]);
    }
  }
  return hz;
}

/** Decodes an Ogg/Opus file with opusdec (opus-tools) to a 48 kHz WAV and returns its path. */
export async function opusdec(file: string): Promise<string> {
  const out = `${file}.dec.wav`;
  await exec('opusdec', ['--quiet', file, out]);
  return out;
}

export interface RawOggPage {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
  crc: number;
  /** the whole page with its checksum field zeroed, for recomputing the CRC */
  zeroed: Buffer;
  packets: Buffer[];
}

/** A test-side Ogg reader (RFC 3533 §6), written from the RFC, to check files page by page. */
export function readOggPages(data: Buffer): RawOggPage[] {
  const pages: RawOggPage[] = [];
  let pos = 0;
  let partial: Buffer[] = [];
  while (pos + 27 <= data.length) {
    if (data.toString('latin1', pos, pos + 4) !== 'OggS') throw new Error(`no capture pattern at ${pos}`);
    const segments = data[pos + 26] ?? 0;
    const lacing = data.subarray(pos + 27, pos + 27 + segments);
    let size = 27 + segments;
    for (const l of lacing) size += l;
    if (pos + size > data.length) break; // a torn last page
    const page = Buffer.from(data.subarray(pos, pos + size));
    const crc = page.readUInt32LE(22);
    page.writeUInt32LE(0, 22);
    const packets: Buffer[] = [];
    let body = pos + 27 + segments;
    for (const l of lacing) {
      partial.push(data.subarray(body, body + l));
      body += l;
      if (l < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    pages.push({
      flags: data[pos + 5] ?? 0,
      granule: data.readBigUInt64LE(pos + 6),
      serial: data.readUInt32LE(pos + 14),
      sequence: data.readUInt32LE(pos + 18),
      crc,
      zeroed: page,
      packets,
    });
    pos += size;
  }
  return pages;
}

/** Decrypts a sealed recording into a plain WAV/Ogg at `out` (up to its last whole record); returns the header and layout. */
export async function unsealFile(o: { file: string; key: Uint8Array; out: string }): Promise<{ header: SealedHeader; layout: SealedLayout }> {
  const handle = await open(o.file, 'r');
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(size, HEADER_BYTES));
    await handle.read(head, 0, head.length, 0);
    const header = parseSealedHeader(head);
    if (header === null) throw new Error(`${o.file} is not a sealed recording`);
    const layout = await sealedLayout({ source: handle, size, profile: header.profile });
    const parts: Buffer[] = [];
    for await (const plain of sealedRecords({ source: handle, size, header, key: o.key, layout })) parts.push(plain);
    const whole = Buffer.concat(parts);
    restateWavSizes(whole, whole.length);
    await writeFile(o.out, whole);
    return { header, layout };
  } finally {
    await handle.close();
  }
}

/** Shannon entropy of the bytes, in bits per byte (8 for uniformly random data). */
export function byteEntropy(data: Uint8Array): number {
  const counts = new Float64Array(256);
  for (const b of data) counts[b]!++;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / data.length) * Math.log2(c / data.length);
  return h;
}
