// The supervisor wallboard in headless Debian Chromium against the real server process (issue 16):
// time from navigation to an interactive board (its agent table shown), cold, `BENCH_RUNS` times;
// then event-to-paint: `RATE` agent state changes per second (break ↔ available, by the API, each one
// an ACD delta on the board's WebSocket) for `SECONDS`, and for each the time from the API's answer
// to the frame after the board's DOM shows it (a MutationObserver, then requestAnimationFrame).
// Both clocks are this machine's wall clock. Prints figures; asserts nothing.
//   npx tsx bench/console-wallboard.ts [--agents 40] [--rate 100] [--seconds 10]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startHailing } from '../test/helpers/hailing-process.js';
import { CHROMIUM_PATH } from '../test/helpers/browser.js';
import { arg } from './transcode-report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const AGENTS = arg('agents', 40);
const RATE = arg('rate', 100);
const SECONDS = arg('seconds', 10);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'inherit' });
  const server = await startHailing({});
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const ok = async (method: string, route: string, body?: unknown) => {
      const r = await server.api(method, route, body);
      if (r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    await ok('POST', '/api/v1/acd/queues', { id: 'bench', name: 'Bench' });
    const ids = Array.from({ length: AGENTS }, (_, i) => `a${String(i + 1).padStart(3, '0')}`);
    for (const [i, id] of ids.entries()) {
      const ext = String(5000 + i);
      await ok('POST', '/api/v1/extensions', { number: ext, password: `secret-${ext}` });
      await ok('POST', '/api/v1/acd/agents', { id, name: id, extension: ext, pin: String(1000 + i) });
      await ok('POST', '/api/v1/acd/memberships', { queueId: 'bench', agentId: id });
      await ok('POST', `/api/v1/acd/agents/${id}/state`, { action: 'login', breakReason: 'bench' });
    }
    const cookie = { name: 'hailing_session', value: await server.token(), url: server.baseUrl };

    const loads: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      await context.addCookies([cookie]);
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(`${server.baseUrl}/wallboard`);
      await page.locator(`[data-testid="agent-state-${ids[0]}"]`).waitFor({ timeout: 60_000 });
      loads.push(Date.now() - started);
      await context.close();
    }
    console.log(`wallboard, navigation to interactive (${AGENTS} agents shown): median ${pct(loads, 50)} ms, min ${Math.min(...loads)} ms over ${RUNS} cold visits`);

    const context = await browser.newContext();
    await context.addCookies([cookie]);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/wallboard`);
    await page.locator(`[data-testid="agent-state-${ids[0]}"]`).waitFor({ timeout: 60_000 });
    // page code as text: this project's TypeScript for Node has no DOM types
    await page.evaluate(`(() => {
      const painted = [];
      const last = new Map();
      let scheduled = false;
      window.painted = painted;
      // once per frame after any change: every agent tag whose state differs from the last frame's
      const scan = () => {
        scheduled = false;
        const at = performance.timeOrigin + performance.now();
        for (const el of document.querySelectorAll('[data-testid^="agent-state-"]')) {
          const id = el.getAttribute('data-testid').slice('agent-state-'.length);
          const state = el.getAttribute('data-state') ?? '';
          if (last.get(id) !== state) {
            last.set(id, state);
            painted.push({ id, state, at });
          }
        }
      };
      scan();
      painted.length = 0;
      new MutationObserver(() => {
        if (!scheduled) {
          scheduled = true;
          requestAnimationFrame(scan);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    })()`);
    // each agent alternates break ↔ available; the n-th change of an agent is matched to its n-th paint
    const sent = new Map<string, { state: string; at: number }[]>();
    const total = RATE * SECONDS;
    const t0 = Date.now();
    const pending: Promise<void>[] = [];
    for (let n = 0; n < total; n++) {
      const due = t0 + (n * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      const id = ids[n % AGENTS]!;
      const next = Math.floor(n / AGENTS) % 2 === 0 ? 'available' : 'break';
      pending.push(
        server.api('POST', `/api/v1/acd/agents/${id}/state`, next === 'available' ? { action: 'available' } : { action: 'break', reason: 'bench' }).then(() => {
          const list = sent.get(id) ?? [];
          list.push({ state: next === 'available' ? 'available' : 'break', at: Date.now() });
          sent.set(id, list);
        }),
      );
    }
    await Promise.all(pending);
    const elapsedS = (Date.now() - t0) / 1000;
    await sleep(2000);
    const painted = (await page.evaluate('window.painted')) as { id: string; state: string; at: number }[];
    const latencies: number[] = [];
    let missed = 0;
    for (const [id, changes] of sent) {
      const paints = painted.filter((p) => p.id === id);
      let from = 0;
      for (const c of changes) {
        const i = paints.findIndex((p, k) => k >= from && p.state === c.state && p.at >= c.at - 50);
        if (i < 0) {
          missed++;
          continue;
        }
        latencies.push(Math.max(0, paints[i]!.at - c.at));
        from = i + 1;
      }
    }
    console.log(
      `wallboard event-to-paint at ${(total / elapsedS).toFixed(0)} agent state changes/s for ${elapsedS.toFixed(1)} s: ` +
        `p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms; ` +
        `${latencies.length} of ${total} changes painted, ${missed} not seen (a later change of the same agent painted over them in one frame)`,
    );
    await context.close();
  } finally {
    await browser.close();
    await server.kill();
  }
}

await main();
