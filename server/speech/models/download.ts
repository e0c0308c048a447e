// HTTP(S) download into a .part file that resumes where it stopped (RFC 9110 §14.2 Range, §15.3.7
// 206 Partial Content): a server that ignores Range answers 200 and the file starts over.
import { createWriteStream, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

export interface DownloadProgress {
  readonly bytes: number;
  /** from Content-Length/Content-Range; null when the server does not say */
  readonly total: number | null;
  /** bytes per second since this attempt began */
  readonly rate: number;
  /** seconds left at that rate; null when unknown */
  readonly etaS: number | null;
}

export interface DownloadOptions {
  url: string;
  /** the .part file; its present length is where the download resumes */
  dest: string;
  now: () => number;
  onProgress?: (p: DownloadProgress) => void;
  /** follow at most this many redirects (GitHub release assets redirect once) */
  maxRedirects?: number;
  signal?: AbortSignal;
}

export class DownloadError extends Error {}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export async function download(options: DownloadOptions): Promise<{ bytes: number }> {
  let url = options.url;
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
    const result = await attempt(options, url);
    if (result.redirect === undefined) return { bytes: result.bytes };
    url = new URL(result.redirect, url).toString();
  }
  throw new DownloadError(`too many redirects from ${options.url}`);
}

function attempt(options: DownloadOptions, url: string): Promise<{ bytes: number; redirect?: string }> {
  const have = sizeOf(options.dest);
  const get = url.startsWith('https:') ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
    const req = get(url, { headers, signal: options.signal }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        resolve({ bytes: have, redirect: res.headers.location });
        return;
      }
      // RFC 9110 §15.5.17: 416 with a full .part means there is nothing left to fetch
      if (status === 416 && have > 0) {
        res.resume();
        resolve({ bytes: have });
        return;
      }
      if (status !== 200 && status !== 206) {
        res.resume();
        reject(new DownloadError(`${url} answered ${status}`));
        return;
      }
      const resumed = status === 206;
      const start = resumed ? have : 0;
      const length = Number(res.headers['content-length']);
      const total = Number.isFinite(length) ? start + length : null;
      const out = createWriteStream(options.dest, { flags: resumed ? 'a' : 'w' });
      const began = options.now();
      let bytes = start;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        const elapsed = Math.max(1, options.now() - began) / 1000;
        const rate = (bytes - start) / elapsed;
        options.onProgress?.({ bytes, total, rate, etaS: total !== null && rate > 0 ? (total - bytes) / rate : null });
      });
      res.pipe(out);
      let failed = false;
      const fail = (err: Error): void => {
        if (failed) return;
        failed = true;
        res.unpipe(out);
        // keep what arrived: flush it to the .part file so the next attempt resumes after it
        out.end(() => reject(new DownloadError(`download of ${url} stopped at ${bytes} bytes: ${err.message}; run install again to resume`)));
      };
      res.on('error', fail);
      out.on('error', (err) => {
        failed = true;
        reject(new DownloadError(`cannot write ${options.dest}: ${err.message}`));
      });
      out.on('finish', () => {
        if (failed) return;
        if (!res.complete) fail(new Error('connection closed'));
        else if (total !== null && bytes < total) fail(new Error(`got ${bytes} of ${total} bytes`));
        else resolve({ bytes });
      });
    });
    req.on('error', (err) => reject(new DownloadError(`download of ${url} failed at ${have} bytes: ${err.message}; run install again to resume`)));
  });
}
