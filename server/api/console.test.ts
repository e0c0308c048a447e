import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createApiHarness, type ApiHarness } from './testing.js';

const INDEX = '<!doctype html><html><head><meta name="csp-nonce" content="__CSP_NONCE__"><script type="module" src="/assets/index-abc123.js"></script></head><body></body></html>';
const SCRIPT = 'export const hello = "console";\n'.repeat(50);

describe('the console at / (web/dist)', () => {
  let dir: string;
  let h: ApiHarness;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hailing-console-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), INDEX);
    await writeFile(path.join(dir, 'assets', 'index-abc123.js'), SCRIPT);
    await writeFile(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    h = await createApiHarness({ consoleDir: dir, softphone: () => ({ sipDomain: 'pbx.test', webSockets: [{ transport: 'wss', port: 5067 }] }) });
  });
  after(async () => {
    await h.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html uncached (RFC 9111 §5.2.2.4 no-cache) with a fresh style nonce and a CSP without inline scripts', async () => {
    const a = await h.app.request('/', { headers: { host: '127.0.0.1:8080' } });
    const b = await h.app.request('/');
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('cache-control'), 'no-cache');
    assert.match(a.headers.get('content-type') ?? '', /^text\/html/);
    const html = await a.text();
    const nonce = /content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.ok(nonce.length >= 16 && nonce !== '__CSP_NONCE__');
    assert.notEqual(nonce, /content="([^"]+)"/.exec(await b.text())?.[1]);
    const csp = a.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    assert.doesNotMatch(csp, /unsafe-eval/);
    assert.ok(csp.includes(`'nonce-${nonce}'`));
    // the agent workspace's softphone reaches the SIP WebSocket listener on its own port, same host name
    assert.match(csp, /connect-src 'self' ws:\/\/127\.0\.0\.1:8080 wss:\/\/127\.0\.0\.1:8080 wss:\/\/127\.0\.0\.1:5067;/);
    assert.match(csp, /frame-ancestors 'none'/);
  });

  it('leaves a Host header that is not a host out of the policy', async () => {
    const res = await h.app.request('/', { headers: { host: "evil; script-src 'unsafe-inline'" } });
    assert.match(res.headers.get('content-security-policy') ?? '', /connect-src 'self';/);
  });

  it('serves hashed assets as immutable for a year (RFC 8246), gzip when asked', async () => {
    const res = await h.app.request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(gunzipSync(Buffer.from(await res.arrayBuffer())).toString(), SCRIPT);
    const plain = await h.app.request('/assets/index-abc123.js');
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(await plain.text(), SCRIPT);
  });

  it('revalidates unhashed files at the root (no-cache)', async () => {
    const res = await h.app.request('/favicon.svg');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
  });

  it('answers client routes with index.html (SPA fallback), but not API paths or missing assets', async () => {
    const page = await h.app.request('/cdrs/abc', { headers: { accept: 'text/html,application/xhtml+xml' } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /assets\/index-abc123\.js/);
    const api = await h.app.request('/api/v1/nothing', { headers: { accept: 'text/html' } });
    assert.equal(api.status, 404);
    assert.deepEqual(await api.json(), { error: 'not found' });
    assert.equal((await h.app.request('/assets/gone-123.js', { headers: { accept: 'text/html' } })).status, 404);
  });

  it('never serves a file outside web/dist', async () => {
    for (const p of ['/assets/..%2f..%2fpackage.json', '/..%2fpackage.json', '/assets/%2e%2e/%2e%2e/etc/passwd.txt']) {
      const res = await h.app.request(p);
      assert.notEqual(res.status, 200, p);
    }
  });

  it('keeps the API\'s own policy on API answers', async () => {
    const res = await h.app.request('/healthz');
    assert.equal(res.headers.get('content-security-policy'), "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'");
  });
});
