// Prompt files → PCM at a session rate, converted once at load and cached, so a prompt played on a
// thousand calls is read, parsed and resampled once. Files are read asynchronously; errors are
// values. The cache key includes the file's size and mtime, so a re-recorded prompt is picked up.

import { readFile as fsReadFile, stat as fsStat } from 'node:fs/promises';
import { resampleAll, type ResampleQuality } from '../dsp/resample.js';
import { parseWav, type WavErrorCode } from './wav.js';

export interface Prompt {
  readonly sampleRate: number;
  /** shared by every user of the cache entry: read it, never write it */
  readonly samples: Int16Array;
  /** the file's own rate and channel count, for logs */
  readonly fileRate: number;
  readonly fileChannels: number;
}

export type PromptErrorCode = WavErrorCode | 'read-failed';

export type PromptResult = { ok: true; prompt: Prompt } | { ok: false; error: { code: PromptErrorCode; detail: string } };

/** the file system, injected so tests and other storage can stand in */
export interface PromptFiles {
  readFile(path: string): Promise<Uint8Array>;
  stat(path: string): Promise<{ size: number; mtimeMs: number }>;
}

export const nodePromptFiles: PromptFiles = {
  readFile: (path) => fsReadFile(path),
  stat: (path) => fsStat(path),
};

export interface LoadPromptOptions {
  readonly path: string;
  /** the session rate the prompt will be played at */
  readonly sampleRate: number;
  readonly quality?: ResampleQuality;
  readonly files?: PromptFiles;
}

/** reads, parses and converts one file, uncached */
export async function loadPrompt(opts: LoadPromptOptions): Promise<PromptResult> {
  const files = opts.files ?? nodePromptFiles;
  let bytes: Uint8Array;
  try {
    bytes = await files.readFile(opts.path);
  } catch (err) {
    return { ok: false, error: { code: 'read-failed', detail: (err as Error)?.message ?? String(err) } };
  }
  return decodePrompt({ bytes, sampleRate: opts.sampleRate, quality: opts.quality });
}

export interface DecodePromptOptions {
  readonly bytes: Uint8Array;
  readonly sampleRate: number;
  readonly quality?: ResampleQuality | undefined;
}

export function decodePrompt(opts: DecodePromptOptions): PromptResult {
  const wav = parseWav(opts.bytes);
  if (!wav.ok) return { ok: false, error: wav.error };
  const samples =
    wav.sampleRate === opts.sampleRate
      ? wav.samples
      : resampleAll({ input: wav.samples, fromRate: wav.sampleRate, toRate: opts.sampleRate, quality: opts.quality });
  return { ok: true, prompt: { sampleRate: opts.sampleRate, samples, fileRate: wav.sampleRate, fileChannels: wav.channels } };
}

export interface PromptCacheOptions {
  /** total PCM kept, in bytes (default 64 MiB); the least recently used prompts go first */
  readonly maxBytes?: number;
  readonly quality?: ResampleQuality;
  readonly files?: PromptFiles;
}

interface Entry {
  readonly stamp: string;
  readonly result: Promise<PromptResult>;
  bytes: number;
}

/**
 * `load({ path, sampleRate })` with a cache keyed by path and rate, bounded by `maxBytes`. Loads of
 * the same prompt in flight at once share one read. Failures are not kept (the file may appear).
 */
export class PromptCache {
  readonly #max: number;
  readonly #quality: ResampleQuality | undefined;
  readonly #files: PromptFiles;
  /** Map order is recency order: the first key is the least recently used */
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  hits = 0;
  misses = 0;

  constructor(opts: PromptCacheOptions = {}) {
    this.#max = opts.maxBytes ?? 64 * 1024 * 1024;
    this.#quality = opts.quality;
    this.#files = opts.files ?? nodePromptFiles;
  }

  /** PCM bytes held */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  async load(opts: { readonly path: string; readonly sampleRate: number }): Promise<PromptResult> {
    const key = `${opts.sampleRate}\u0000${opts.path}`;
    let stamp: string;
    try {
      const st = await this.#files.stat(opts.path);
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch (err) {
      this.#drop(key);
      return { ok: false, error: { code: 'read-failed', detail: (err as Error)?.message ?? String(err) } };
    }
    const cached = this.#entries.get(key);
    if (cached && cached.stamp === stamp) {
      this.hits++;
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached.result;
    }
    this.misses++;
    this.#drop(key);
    const result = loadPrompt({ path: opts.path, sampleRate: opts.sampleRate, quality: this.#quality, files: this.#files });
    const entry: Entry = { stamp, result, bytes: 0 };
    this.#entries.set(key, entry);
    const r = await result;
    if (this.#entries.get(key) !== entry) return r;
    if (!r.ok || r.prompt.samples.byteLength > this.#max) {
      this.#entries.delete(key);
      return r;
    }
    entry.bytes = r.prompt.samples.byteLength;
    this.#bytes += entry.bytes;
    this.#evict();
    return r;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #drop(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
  }

  #evict(): void {
    for (const [key, e] of this.#entries) {
      if (this.#bytes <= this.#max) break;
      // Loads still in flight (bytes 0) are not counted yet and stay.
      if (e.bytes === 0) continue;
      this.#drop(key);
    }
  }
}
