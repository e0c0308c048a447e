// The console's weight and speed on loopback, in headless Debian Chromium with a cold cache each run:
// the gzip bytes of JavaScript a first visit downloads before the sign-in screen is usable (issue 16
// budget: 350 KB), the same for a signed-in visit to the extensions screen, and the time from
// navigation to each screen being interactive (its first input or table accepting input).
// Prints figures; asserts nothing. `BENCH_RUNS` (5) visits per screen.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ADMIN, startHailing } from '../test/helpers/hailing-process.js';
import { CHROMIUM_PATH } from '../test/helpers/browser.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

interface Visit {
  readonly jsGzipBytes: number;
  readonly jsFiles: number;
  readonly interactiveMs: number;
}

async function visit(o: { browser: Browser; url: string; ready: string; cookie?: { name: string; value: string; url: string } }): Promise<Visit> {
  const context = await o.browser.newContext();
  if (o.cookie) await context.addCookies([o.cookie]);
  const page = await context.newPage();
  const scripts: Array<Promise<number>> = [];
  page.on('requestfinished', (req) => {
    if (req.resourceType() !== 'script') return;
    // bytes on the wire for the body: the server sends hashed assets gzip-compressed
    scripts.push(req.sizes().then((s) => s.responseBodySize));
  });
  const started = Date.now();
  await page.goto(o.url);
  await page.locator(o.ready).first().waitFor({ state: 'visible', timeout: 60_000 });
  const interactiveMs = Date.now() - started;
  await page.waitForLoadState('networkidle');
  const sizes = await Promise.all(scripts);
  await context.close();
  return { jsGzipBytes: sizes.reduce((a, b) => a + b, 0), jsFiles: sizes.length, interactiveMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function main() {
  execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'inherit' });
  const server = await startHailing({});
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const { token } = (await login.json()) as { token: string };
    const cookie = { name: 'hailing_session', value: token, url: server.baseUrl };
    const screens = [
      { name: 'sign-in (first screen)', url: `${server.baseUrl}/`, ready: '#username' },
      { name: 'extensions (signed in)', url: `${server.baseUrl}/extensions`, ready: '[data-testid="extension-new"]', cookie },
    ];
    for (const s of screens) {
      const runs: Visit[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await visit({ browser, ...s }));
      const js = runs[runs.length - 1];
      console.log(
        `${s.name}: JS ${kb(js?.jsGzipBytes ?? 0)} gzip in ${js?.jsFiles ?? 0} files (budget 350 KB for the first screen); ` +
          `navigation to interactive: median ${median(runs.map((r) => r.interactiveMs))} ms, min ${Math.min(...runs.map((r) => r.interactiveMs))} ms over ${RUNS} cold visits`,
      );
    }
  } finally {
    await browser.close();
    await server.kill();
  }
}

await main();
