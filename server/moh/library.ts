// Music on hold: the files of each class in <dataDir>/moh/<class>/, and the one file the media
// engine loops while a party is held. One class ('default') for now; per-queue and per-extension
// classes come later and only add folders.
//
// Uploads are converted once, here, to mono 16-bit PCM at 8 kHz (WAV in any rate, channel count,
// PCM, float or G.711 layout: media's parseWav and resampleAll, so no external tool is needed at
// run time), and the class's files are joined in name order into one playlist file that the
// engine loops: a held party hears the files in turn and the engine reads a single file.
// The default class gets a tone melody made in code (melody.ts) when its folder is first made.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWav, resampleAll } from '../../media/index.js';
import { defaultMelody, MOH_RATE, wavBytes } from './melody.js';

export const DEFAULT_CLASS = 'default';
/** file names a class may hold: no path, no hidden files */
export const MOH_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.wav$/;
/** the playlist's name starts with an underscore, which no uploaded name can */
const PLAYLIST = '_playlist.wav';
const DEFAULT_FILE = 'hailing-melody.wav';
/** a class's files together may last at most this long (the playlist is read whole into memory) */
const MAX_PLAYLIST_S = 30 * 60;

export interface MohFile {
  readonly name: string;
  readonly bytes: number;
  readonly durationMs: number;
}

export type UploadResult =
  | { readonly ok: true; readonly file: MohFile; readonly source: { readonly sampleRate: number; readonly channels: number } }
  | { readonly ok: false; readonly status: 400 | 413 | 415; readonly reason: string };

const durationOf = (bytes: number): number => Math.round(((bytes - 44) / 2 / MOH_RATE) * 1000);

export class MohLibrary {
  readonly #dir: string;

  constructor(o: { readonly dir: string }) {
    this.#dir = o.dir;
  }

  #classDir(name: string): string {
    return join(this.#dir, name);
  }

  /** makes the default class with its melody the first time; rebuilds a missing playlist */
  async start(): Promise<void> {
    const dir = this.#classDir(DEFAULT_CLASS);
    const fresh = await stat(dir).then(
      () => false,
      () => true,
    );
    await mkdir(dir, { recursive: true });
    if (fresh) await writeFile(join(dir, DEFAULT_FILE), wavBytes(defaultMelody(), MOH_RATE));
    await this.#rebuild(DEFAULT_CLASS);
  }

  /** the class's files in playing order */
  async list(cls: string = DEFAULT_CLASS): Promise<MohFile[]> {
    const names = (await readdir(this.#classDir(cls)).catch(() => [] as string[])).filter((n) => MOH_FILE_NAME.test(n)).sort();
    const files: MohFile[] = [];
    for (const name of names) {
      const s = await stat(join(this.#classDir(cls), name)).catch(() => undefined);
      if (s?.isFile()) files.push({ name, bytes: s.size, durationMs: durationOf(s.size) });
    }
    return files;
  }

  /** what the engine loops for a held party of `cls`; undefined when the class has no file (silence) */
  async playlist(cls: string = DEFAULT_CLASS): Promise<string | undefined> {
    const path = join(this.#classDir(cls), PLAYLIST);
    return stat(path).then(
      () => path,
      () => undefined,
    );
  }

  /** converts an uploaded WAV and adds it to the class (replacing a file of that name) */
  async add(o: { readonly cls?: string; readonly name: string; readonly bytes: Uint8Array }): Promise<UploadResult> {
    const cls = o.cls ?? DEFAULT_CLASS;
    if (!MOH_FILE_NAME.test(o.name)) return { ok: false, status: 400, reason: 'a file name is letters, digits, dot, dash or underscore, ending in .wav' };
    const wav = parseWav(o.bytes);
    if (!wav.ok) return { ok: false, status: 415, reason: `not a WAV file the engine can read: ${wav.error.code} (${wav.error.detail})` };
    const samples = wav.sampleRate === MOH_RATE ? wav.samples : resampleAll({ input: wav.samples, fromRate: wav.sampleRate, toRate: MOH_RATE, quality: 'high' });
    if (samples.length === 0) return { ok: false, status: 400, reason: 'the file holds no audio' };
    const others = (await this.list(cls)).filter((f) => f.name !== o.name).reduce((ms, f) => ms + f.durationMs, 0);
    if (others + (samples.length / MOH_RATE) * 1000 > MAX_PLAYLIST_S * 1000) return { ok: false, status: 413, reason: `a class plays at most ${MAX_PLAYLIST_S / 60} minutes in all` };
    const dir = this.#classDir(cls);
    await mkdir(dir, { recursive: true });
    const bytes = wavBytes(samples, MOH_RATE);
    await writeAtomically(join(dir, o.name), bytes);
    await this.#rebuild(cls);
    return { ok: true, file: { name: o.name, bytes: bytes.length, durationMs: durationOf(bytes.length) }, source: { sampleRate: wav.sampleRate, channels: wav.channels } };
  }

  /** false when the class has no such file */
  async remove(o: { readonly cls?: string; readonly name: string }): Promise<boolean> {
    const cls = o.cls ?? DEFAULT_CLASS;
    if (!MOH_FILE_NAME.test(o.name)) return false;
    const path = join(this.#classDir(cls), o.name);
    if (!(await stat(path).then((s) => s.isFile(), () => false))) return false;
    await rm(path);
    await this.#rebuild(cls);
    return true;
  }

  /** joins the class's files into the playlist; removes it when the class is empty */
  async #rebuild(cls: string): Promise<void> {
    const dir = this.#classDir(cls);
    const parts: Int16Array[] = [];
    for (const f of await this.list(cls)) {
      const wav = parseWav(await readFile(join(dir, f.name)));
      if (wav.ok) parts.push(wav.sampleRate === MOH_RATE ? wav.samples : resampleAll({ input: wav.samples, fromRate: wav.sampleRate, toRate: MOH_RATE }));
    }
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total === 0) {
      await rm(join(dir, PLAYLIST), { force: true });
      return;
    }
    const joined = new Int16Array(total);
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.length;
    }
    await writeAtomically(join(dir, PLAYLIST), wavBytes(joined, MOH_RATE));
  }
}

/** a held call reading the file never sees half of it (the engine's loader keys on size and mtime) */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}
