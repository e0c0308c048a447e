// Installs speech models into HAILING_MODELS_DIR: download (resumable) or a local archive, SHA-256
// checked against the publisher's figure or the one pinned at the first verified install, unpacked
// into a staging folder, checked for the files its kind needs (and by `checkModel`, the ONNX
// metadata), and only then renamed into place, so a model folder is either whole or absent.
//
// <dir>/<name>/                 an installed model (with .hailing-model.json)
// <dir>/.staging/<name>-<n>/    an install in progress; removed on failure and at start-up
// <dir>/.downloads/<name>.part  a download that stopped; the next install resumes it
// <dir>/pins.json               name → SHA-256 pinned at the first verified install (kept on remove)
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { download, type DownloadProgress } from './download.js';
import { listTree, removeQuietly, sha256File, unpack } from './archive.js';
import { ModelError } from './errors.js';
import { missingFiles, type Manifest, type ModelEntry } from './manifest.js';

const MARKER = '.hailing-model.json';

export interface InstalledMarker {
  readonly name: string;
  readonly kind: ModelEntry['kind'];
  readonly sha256: string;
  readonly checksumSource: 'published' | 'pinned';
  readonly installedAt: string;
  readonly source: 'download' | 'archive';
}

export interface ModelStatus {
  readonly entry: ModelEntry;
  readonly installed: InstalledMarker | null;
  /** the checksum a new archive must have: published, pinned, or null (the first install pins it) */
  readonly expectedSha256: string | null;
}

/** extra checks of an unpacked model before it is accepted (ONNX metadata); throws ModelError */
export type ModelCheck = (options: { entry: ModelEntry; dir: string }) => Promise<void>;

export interface ModelInstallerOptions {
  dir: string;
  manifest: Manifest;
  now: () => number;
  checkModel?: ModelCheck;
}

export class ModelInstaller {
  readonly #opts: ModelInstallerOptions;
  #seq = 0;

  constructor(options: ModelInstallerOptions) {
    this.#opts = options;
  }

  get dir(): string {
    return this.#opts.dir;
  }

  entry(name: string): ModelEntry {
    const entry = this.#opts.manifest.models.find((m) => m.name === name);
    if (!entry) throw new ModelError('unknown-model', `no model named '${name}' in models/manifest.json`);
    return entry;
  }

  async list(): Promise<ModelStatus[]> {
    const pins = await this.#pins();
    return Promise.all(
      this.#opts.manifest.models.map(async (entry) => ({
        entry,
        installed: await this.#marker(entry.name),
        expectedSha256: entry.sha256 ?? pins[entry.name] ?? null,
      })),
    );
  }

  /** the folder of an installed model, or null */
  async path(name: string): Promise<string | null> {
    return (await this.#marker(name)) ? join(this.#opts.dir, name) : null;
  }

  async install(options: { name: string; from?: string; onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal }): Promise<InstalledMarker> {
    const entry = this.entry(options.name);
    await mkdir(join(this.#opts.dir, '.downloads'), { recursive: true });
    let archive = options.from;
    if (archive === undefined) {
      archive = join(this.#opts.dir, '.downloads', `${entry.name}.part`);
      try {
        await download({ url: entry.url, dest: archive, now: this.#opts.now, onProgress: options.onProgress, signal: options.signal });
      } catch (err) {
        throw new ModelError('download-failed', (err as Error).message);
      }
    } else if (!existsSync(archive)) {
      throw new ModelError('corrupt-archive', `no archive at ${archive}`);
    }
    const sha256 = await sha256File(archive);
    const pins = await this.#pins();
    const published = entry.sha256;
    const expected = published ?? pins[entry.name] ?? null;
    if (expected !== null && sha256 !== expected) {
      // a bad download would only resume into the same wrong bytes: start it over next time
      if (options.from === undefined) await removeQuietly(archive);
      const why = published ? 'the SHA-256 its publisher states' : 'the SHA-256 pinned at its first verified install';
      throw new ModelError('checksum-mismatch', `the archive for '${entry.name}' has SHA-256 ${sha256}, not ${why} (${expected}); refused`);
    }
    const stage = join(this.#opts.dir, '.staging', `${entry.name}-${process.pid}-${++this.#seq}`);
    await mkdir(stage, { recursive: true });
    try {
      if (entry.format === 'onnx') await copyFile(archive, join(stage, basename(new URL(entry.url).pathname)));
      else await unpack({ archive, into: stage });
      const missing = missingFiles({ patterns: entry.files, present: await listTree(stage) });
      if (missing.length > 0) {
        throw new ModelError('wrong-kind', `the archive is not the ${entry.kind} model '${entry.name}': it lacks ${missing.join(', ')}`);
      }
      await this.#opts.checkModel?.({ entry, dir: stage });
      const marker: InstalledMarker = {
        name: entry.name,
        kind: entry.kind,
        sha256,
        checksumSource: published ? 'published' : 'pinned',
        installedAt: new Date(this.#opts.now()).toISOString(),
        source: options.from === undefined ? 'download' : 'archive',
      };
      await writeFile(join(stage, MARKER), JSON.stringify(marker, null, 2));
      const final = join(this.#opts.dir, entry.name);
      const old = `${stage}.old`;
      if (existsSync(final)) await rename(final, old);
      await rename(stage, final);
      await removeQuietly(old);
      if (!published && pins[entry.name] === undefined) await this.#writePins({ ...pins, [entry.name]: sha256 });
      if (options.from === undefined) await removeQuietly(archive);
      return marker;
    } finally {
      await removeQuietly(stage);
    }
  }

  async remove(options: { name: string }): Promise<void> {
    this.entry(options.name);
    if (!(await this.#marker(options.name))) throw new ModelError('not-installed', `'${options.name}' is not installed`);
    // rename first: a removal cut short leaves a staging folder, never a half model under its name
    const trash = join(this.#opts.dir, '.staging', `${options.name}-${process.pid}-${++this.#seq}.removed`);
    await mkdir(join(this.#opts.dir, '.staging'), { recursive: true });
    await rename(join(this.#opts.dir, options.name), trash);
    await removeQuietly(trash);
  }

  /** every installed model's files and checks again; one line of trouble per model, or null */
  async verify(): Promise<Array<{ name: string; problem: string | null }>> {
    const out: Array<{ name: string; problem: string | null }> = [];
    for (const s of await this.list()) {
      if (!s.installed) continue;
      const dir = join(this.#opts.dir, s.entry.name);
      const missing = missingFiles({ patterns: s.entry.files, present: await listTree(dir) });
      let problem = missing.length > 0 ? `lacks ${missing.join(', ')}` : null;
      if (problem === null) {
        try {
          await this.#opts.checkModel?.({ entry: s.entry, dir });
        } catch (err) {
          problem = (err as Error).message;
        }
      }
      out.push({ name: s.entry.name, problem });
    }
    return out;
  }

  /** installs cut short by a crash leave staging folders: nothing in them is ever used */
  async cleanStaging(): Promise<void> {
    await removeQuietly(join(this.#opts.dir, '.staging'));
  }

  async #marker(name: string): Promise<InstalledMarker | null> {
    try {
      return JSON.parse(await readFile(join(this.#opts.dir, name, MARKER), 'utf8')) as InstalledMarker;
    } catch {
      return null;
    }
  }

  async #pins(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(join(this.#opts.dir, 'pins.json'), 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  async #writePins(pins: Record<string, string>): Promise<void> {
    const tmp = join(this.#opts.dir, `pins.json.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify(pins, null, 2));
    await rename(tmp, join(this.#opts.dir, 'pins.json'));
  }
}
