// GET /api/v1/cdrs/:id/recording: the call's recording file. The path comes from the database, and
// a database can be edited or restored from elsewhere, so it is trusted no more than a request:
// it must resolve, symlinks followed, to a regular file inside the recordings folder.
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { extname, isAbsolute, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import type { CallRecordView } from '../../store/index.js';
import type { RecordingPlayback } from '../../recording/index.js';
import type { ApiDeps, ApiEnv } from '../types.js';
import { requireSession } from '../auth.js';
import { jsonError, remoteAddress, validate } from '../http-errors.js';
import { CdrParams } from '../schemas.js';

const CONTENT_TYPES = { wav: 'audio/wav', ogg: 'audio/ogg' } as const;
type Format = keyof typeof CONTENT_TYPES;

export type RecordingFile =
  | { readonly ok: true; readonly handle: FileHandle; readonly size: number; readonly format: Format }
  | { readonly ok: false; readonly reason: string; readonly outside?: true };

function formatOf(record: CallRecordView, path: string): Format | null {
  if (record.recordingFormat !== null) return record.recordingFormat;
  const ext = extname(path).slice(1).toLowerCase();
  return ext === 'wav' || ext === 'ogg' ? ext : null;
}

const missing = (err: unknown): boolean => {
  const code = (err as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/**
 * Where a stored path may point, in order: records name the file relative to the recordings folder
 * (so a data folder moved elsewhere keeps its recordings); older records hold an absolute path, or
 * one relative to the working directory as the recorder was handed it. Every candidate is still
 * confined to the folder below.
 */
const candidates = (dir: string, stored: string): string[] => (isAbsolute(stored) ? [stored] : [resolve(dir, stored), resolve(stored)]);

/** the real path of the first candidate that exists; null when none does */
async function firstReal(paths: readonly string[]): Promise<string | null> {
  for (const path of paths) {
    try {
      return await realpath(path);
    } catch (err) {
      if (!missing(err)) throw err;
    }
  }
  return null;
}

/**
 * Opens a call's recording for reading when it lies inside `dir`. The real path is opened with
 * O_NOFOLLOW, so a link put in its place after the check is refused rather than followed.
 */
export async function openRecording(o: { readonly dir: string; readonly record: CallRecordView }): Promise<RecordingFile> {
  const stored = o.record.recordingPath;
  if (stored === null || stored === '') return { ok: false, reason: 'the call has no recording' };
  const format = formatOf(o.record, stored);
  if (format === null) return { ok: false, reason: 'the recording is in an unknown format' };
  let root: string;
  try {
    root = await realpath(o.dir);
  } catch (err) {
    if (missing(err)) return { ok: false, reason: 'the recordings folder does not exist' };
    throw err;
  }
  const real = await firstReal(candidates(o.dir, stored));
  if (real === null) return { ok: false, reason: 'the recording file is gone' };
  if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) return { ok: false, reason: 'the recording lies outside the recordings folder', outside: true };
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (missing(err) || code === 'ELOOP') return { ok: false, reason: 'the recording file is gone' };
    throw err;
  }
  const stat = await handle.stat().catch(async (err: unknown) => {
    await handle.close();
    throw err;
  });
  if (!stat.isFile()) {
    await handle.close();
    return { ok: false, reason: 'the recording is not a file' };
  }
  return { ok: true, handle, size: stat.size, format };
}

function plainPlayback(handle: FileHandle, size: number): RecordingPlayback {
  return { sealed: false, size, stream: () => handle.createReadStream({ autoClose: true }), discard: () => handle.close() };
}

function audit(deps: ApiDeps, c: Context<ApiEnv>, target: string, detail: Record<string, unknown>): void {
  const source = remoteAddress(c);
  deps.audit.record({
    actor: c.get('auth').user.username,
    action: 'recording.download',
    target,
    ...(source !== undefined ? { source } : {}),
    detail,
  });
}

export function mountRecordingRoutes(app: Hono<ApiEnv>, deps: ApiDeps): void {
  app.get('/api/v1/cdrs/:id/recording', requireSession(deps), async (c) => {
    const params = validate(c, CdrParams, c.req.param());
    if (!params.ok) return params.response;
    const id = params.value.id;
    const record = await deps.callRecords.get(id);
    if (!record) return jsonError(c, 404, { error: 'call record not found' });
    if (deps.recordingsDir === undefined) return jsonError(c, 404, { error: 'recording not found', reason: 'recordings are not kept by this server' });
    const file = await openRecording({ dir: deps.recordingsDir, record });
    if (!file.ok) {
      if (file.outside) deps.logger.warn({ call: id, path: record.recordingPath }, 'recording path outside the recordings folder refused');
      return jsonError(c, 404, { error: 'recording not found', reason: file.reason });
    }
    // a sealed file (encryption at rest) is decrypted as it streams; a plain one streams as it is
    const opened = deps.recordingVault
      ? await deps.recordingVault.openForPlayback({ handle: file.handle, size: file.size })
      : { ok: true as const, playback: plainPlayback(file.handle, file.size) };
    if (!opened.ok) {
      deps.logger.warn({ call: id }, opened.reason);
      return jsonError(c, 409, { error: 'recording cannot be decrypted', reason: opened.reason });
    }
    const { playback } = opened;
    const headers = {
      'Content-Type': CONTENT_TYPES[file.format],
      'Content-Length': String(playback.size),
      'Content-Disposition': `attachment; filename="${id}.${file.format}"`,
      'Cache-Control': 'no-store',
    };
    if (c.req.method === 'HEAD') {
      await playback.discard();
      return c.body(null, 200, headers);
    }
    audit(deps, c, id, { format: file.format, bytes: playback.size, encrypted: playback.sealed, ...(playback.profile ? { profile: playback.profile, keyId: playback.keyId } : {}) });
    // the stream closes the handle when it ends, fails or the client goes away
    const stream = Readable.toWeb(playback.stream()) as ReadableStream<Uint8Array>;
    return c.body(stream, 200, headers);
  });
}
