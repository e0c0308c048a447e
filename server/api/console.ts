// Serves the web console (web/dist) at `/`: hashed files under /assets/ are cached for good
// (RFC 8246 `immutable`), everything else, index.html above all, is revalidated on every load
// (`no-cache`), so a new release is picked up at the next navigation. Any other GET that asks for
// HTML and is not an API path gets index.html (the console routes on the client).
//
// index.html carries a fresh nonce per response for the <style> elements Ant Design injects; the
// Content-Security-Policy allows scripts from this origin only (no inline script, no eval).
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context, Hono } from 'hono';
import type { ApiEnv, SoftphoneEndpoint } from './types.js';

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const COMPRESSIBLE = /^\.(?:js|css|json|svg|txt)$/;
const NONCE_PLACEHOLDER = '__CSP_NONCE__';
/** host[:port] as a Host header may carry it; anything else is left out of the policy */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/**
 * W3C CSP Level 3. Scripts: this origin only. Styles: this origin plus the nonce'd <style> elements
 * (style attributes stay allowed: React and ECharts set inline styles). connect-src names the
 * WebSocket of this origin explicitly (the event stream), since older browsers do not let 'self'
 * cover ws:/wss:.
 */
export function consolePolicy(options: { nonce: string; host: string | undefined; softphone?: SoftphoneEndpoint | null }): string {
  const host = options.host !== undefined && HOST.test(options.host) ? options.host : undefined;
  // the agent workspace's softphone talks SIP over the WebSocket listeners (their own ports)
  const name = host?.replace(/:\d+$/, '');
  const sip = name === undefined ? [] : (options.softphone?.webSockets ?? []).map((w) => ` ${w.transport}://${name}:${w.port}`);
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src-elem 'self' 'nonce-${options.nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "media-src 'self'",
    `connect-src 'self'${host ? ` ws://${host} wss://${host}` : ''}${sip.join('')}`,
    "font-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface ConsoleOptions {
  /** web/dist; without an index.html there, `/` says how to build the console */
  readonly dir: string;
  /** the SIP WebSocket listeners the softphone may connect to (connect-src) */
  readonly softphone?: () => SoftphoneEndpoint | null;
}

function isApiPath(p: string): boolean {
  return p.startsWith('/api/') || p === '/api' || p === '/metrics' || p === '/healthz' || p === '/readyz';
}

export function mountConsole(app: Hono<ApiEnv>, options: ConsoleOptions): void {
  const root = path.resolve(options.dir);
  const gzipped = new Map<string, Buffer>();
  let index: Promise<string | undefined> | undefined;
  const indexHtml = () =>
    (index ??= readFile(path.join(root, 'index.html'), 'utf8').catch(() => {
      index = undefined; // built later (npm run build): try again on the next request
      return undefined;
    }));

  const sendIndex = async (c: Context<ApiEnv>) => {
    const html = await indexHtml();
    if (html === undefined) {
      return c.text('The console is not built: run `npm run build` (npm start does it).', 503, { 'Cache-Control': 'no-store' });
    }
    const nonce = randomBytes(16).toString('base64');
    c.header('Content-Security-Policy', consolePolicy({ nonce, host: c.req.header('host'), softphone: options.softphone?.() ?? null }));
    c.header('Cache-Control', 'no-cache');
    return c.html(html.replaceAll(NONCE_PLACEHOLDER, nonce));
  };

  app.get('*', async (c, next) => {
    const p = c.req.path;
    if (isApiPath(p)) return next();
    if (p === '/' || p === '/index.html') return sendIndex(c);
    const ext = path.extname(p);
    const type = TYPES[ext];
    if (type !== undefined) {
      // decoded and resolved inside web/dist only: /assets/../../x is refused
      let file: string;
      try {
        file = path.resolve(root, '.' + decodeURIComponent(p));
      } catch {
        return next();
      }
      if (!file.startsWith(root + path.sep)) return next();
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) {
        const immutable = p.startsWith('/assets/');
        const headers: Record<string, string> = {
          'Content-Type': type,
          'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          Vary: 'Accept-Encoding',
        };
        // hashed files never change: compressed once, kept (the console is a few MB at most)
        if (immutable && COMPRESSIBLE.test(ext) && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
          let gz = gzipped.get(file);
          if (gz === undefined) gzipped.set(file, (gz = gzipSync(await readFile(file), { level: 9 })));
          return c.body(new Uint8Array(gz), 200, { ...headers, 'Content-Encoding': 'gzip' });
        }
        return c.body(new Uint8Array(await readFile(file)), 200, headers);
      }
      if (p.startsWith('/assets/')) return next();
    }
    // a client route (/extensions, /cdrs/abc): the app decides what to show
    if ((c.req.header('accept') ?? '').includes('text/html')) return sendIndex(c);
    return next();
  });
}
