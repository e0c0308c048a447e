// Voicemail audio on disk: <dir>/<mailbox>/<id>.wav, sealed at rest with the recording vault like
// call recordings (docs/data-at-rest.md). A phone cannot play a sealed file, so playback decrypts
// into a private scratch folder (mode 0700) and removes the copy once played.
import { randomUUID } from 'node:crypto';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { SealedFile } from '../../media/index.js';
import type { RecordingVault } from '../recording/index.js';

export class VoicemailFiles {
  readonly dir: string;
  readonly #vault: RecordingVault;
  readonly #scratch: string;

  constructor(o: { readonly dir: string; readonly vault: RecordingVault }) {
    this.dir = resolve(o.dir);
    this.#vault = o.vault;
    this.#scratch = join(this.dir, '.playback');
  }

  /**
   * Removes every decrypted copy left in the scratch folder: a crash between a play and its clean-up
   * would otherwise leave a message's plaintext on disk (run at start, before any play).
   */
  async sweepPlaybackCopies(): Promise<void> {
    await rm(this.#scratch, { recursive: true, force: true });
  }

  /** a new file's place for a mailbox: relative path (stored in rows) and absolute one */
  async place(mailbox: string, name: string): Promise<{ relative: string; absolute: string }> {
    if (!/^[0-9]{1,15}$/.test(mailbox)) throw new Error('not a mailbox number');
    await mkdir(join(this.dir, mailbox), { recursive: true, mode: 0o700 });
    const rel = `${mailbox}/${name}`;
    return { relative: rel, absolute: join(this.dir, rel) };
  }

  /** a stored relative path as an absolute one inside the folder (null for anything outside it) */
  absolute(rel: string): string | null {
    const abs = resolve(this.dir, rel);
    return relative(this.dir, abs).startsWith('..') || !abs.startsWith(this.dir + sep) ? null : abs;
  }

  /** writes an uploaded WAV sealed (or plain with encryption off) */
  async writeSealed(o: { readonly mailbox: string; readonly name: string; readonly bytes: Buffer }): Promise<string> {
    const target = await this.place(o.mailbox, o.name);
    const seal = this.#vault.seal();
    if (seal === undefined) {
      await writeFile(target.absolute, o.bytes, { mode: 0o600 });
      return target.relative;
    }
    const handle = await open(target.absolute, 'wx', 0o600);
    try {
      const sealed = await SealedFile.create({ file: handle, seal, format: 'wav' });
      for (let at = 0; at < o.bytes.length; at += 65536) {
        const n = Math.min(65536, o.bytes.length - at);
        await sealed.write(o.bytes, at, n, at);
      }
      await sealed.finish();
    } finally {
      await handle.close();
    }
    return target.relative;
  }

  /** the file's plaintext as a stream (API download), or why not */
  async openPlain(rel: string): Promise<{ ok: true; size: number; stream: () => NodeJS.ReadableStream } | { ok: false; reason: string }> {
    const abs = this.absolute(rel);
    if (abs === null) return { ok: false, reason: 'outside the voicemail folder' };
    const handle = await open(abs, 'r').catch(() => null);
    if (handle === null) return { ok: false, reason: 'file missing' };
    const { size } = await handle.stat();
    const opened = await this.#vault.openForPlayback({ handle, size });
    if (!opened.ok) return opened;
    return { ok: true, size: opened.playback.size, stream: () => opened.playback.stream() };
  }

  /** the file's plaintext in memory (an e-mail attachment), null when it cannot be read */
  async readPlain(rel: string): Promise<Buffer | null> {
    const plain = await this.openPlain(rel);
    if (!plain.ok) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of plain.stream()) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }

  /** a decrypted copy to play to a phone; done() removes it */
  async playable(rel: string): Promise<{ file: string; done(): Promise<void> } | null> {
    const plain = await this.openPlain(rel);
    if (!plain.ok) return null;
    await mkdir(this.#scratch, { recursive: true, mode: 0o700 });
    const file = join(this.#scratch, `${randomUUID()}.wav`);
    await pipeline(plain.stream(), createWriteStream(file, { mode: 0o600 }));
    return { file, done: () => rm(file, { force: true }) };
  }

  async remove(rel: string): Promise<void> {
    const abs = this.absolute(rel);
    if (abs !== null) await rm(abs, { force: true });
  }
}

/** a 1 kHz beep, 400 ms, 8 kHz 16-bit mono PCM WAV: the cue to start speaking */
export function beepWav(): Buffer {
  const rate = 8000;
  const samples = rate * 0.4;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(12000 * Math.sin((2 * Math.PI * 1000 * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
