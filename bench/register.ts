// Authenticated REGISTER throughput over UDP and memory per binding.
// Starts Hailing as its own process, creates extensions through the API, then runs
// bench/register-load.ts in a second process. Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startHailing } from '../test/helpers/hailing-process.js';
import { cpuSeconds, rssMb } from './children.js';
import { collectGarbage, inspectorUrl, startCpuProfile } from './inspector-gc.js';

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const TOTAL = Number(process.env.BENCH_REGISTRATIONS ?? 60_000);
const FIRST = 200000;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/**
 * How long to wait after the fill pass before measuring memory: RFC 3261 §17.2.2 keeps each
 * completed UDP server transaction for Timer J = 64*T1 = 32 s, so before that the figure would count
 * transient transactions rather than bindings.
 */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 34_000);



function load(args: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/register-load.ts'), JSON.stringify(args)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Record<string, unknown>) : reject(new Error(`load generator exited ${code}`))));
  });
}

async function main() {
  // The server runs with the inspector on a loopback port so the bench can force a full GC before
  // each memory reading (bench/inspector-gc.ts); with no session attached it costs nothing.
  process.env.HAILING_TEST_NODE_ARGS = [process.env.HAILING_TEST_NODE_ARGS, '--inspect=127.0.0.1:0'].filter(Boolean).join(' ');
  const server = await startHailing({
    env: {
      HAILING_LOG_LEVEL: 'warn',
      HAILING_RATE_LIMIT_PER_SECOND: '100000',
      HAILING_RATE_LIMIT_BURST: '100000',
    },
  });
  try {
    console.log(`creating ${USERS} extensions…`);
    const t0 = Date.now();
    for (let i = 0; i < USERS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, USERS - i) }, (_, k) => {
          const n = String(FIRST + i + k);
          return server.api('POST', '/api/v1/extensions', { number: n, password: `bench-pass-${n}`, displayName: `Bench ${n}` });
        }),
      );
    }
    console.log(`extensions created in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await new Promise((r) => setTimeout(r, 2000));
    const inspector = inspectorUrl(server.output());
    if (inspector === undefined) throw new Error('the server printed no inspector URL');
    const idleHeap = (await collectGarbage(inspector)).usedMb;
    const idle = rssMb(server.pid);
    const base = { host: '127.0.0.1', port: server.ports.sip, domain: '127.0.0.1', firstUser: FIRST, passwordPrefix: 'bench-pass-', window: 256, sources: 64 };
    // First pass: one binding per extension (the memory figure), then sustained throughput.
    const fill = await load({ ...base, users: USERS, total: USERS, algorithm: 'SHA-256' });
    const early = rssMb(server.pid);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const filledHeap = (await collectGarbage(inspector)).usedMb;
    const filled = rssMb(server.pid);
    const regs = (await server.api<{ items: unknown[] }>('GET', '/api/v1/registrations')).body;
    console.log(`bindings listed by the API: ${regs.items.length}`);
    console.log(
      `memory: idle ${idle.toFixed(1)} MB, with ${USERS} bindings ${filled.toFixed(1)} MB → ${(filled - idle).toFixed(1)} MB RSS above idle ` +
        `(${(early - idle).toFixed(1)} MB right after the fill pass, before GC, with its transactions still in Timer J); ` +
        `V8 heap used ${idleHeap.toFixed(1)} → ${filledHeap.toFixed(1)} MB (+${(filledHeap - idleHeap).toFixed(1)} MB); ` +
        `both readings after a full GC forced through the inspector, the second ${SETTLE_MS / 1000} s after the fill pass`,
    );
    console.log(`fill pass: ${JSON.stringify(fill)}`);
    for (const algorithm of ['SHA-256', 'MD5'] as const) {
      // BENCH_PROFILE=DIR: a CPU profile of the server's main thread during each measured pass
      // (BENCH_PROFILE_KIND=heap: where it allocates, as a .heapprofile)
      const kind = process.env.BENCH_PROFILE_KIND === 'heap' ? 'heap' : 'cpu';
      const stopProfile = process.env.BENCH_PROFILE ? await startCpuProfile(inspector, kind) : null;
      const cpu0 = cpuSeconds(server.pid);
      const r = await load({ ...base, users: USERS, total: TOTAL, algorithm });
      const serverCpu = cpuSeconds(server.pid) - cpu0;
      if (stopProfile) writeFileSync(path.join(process.env.BENCH_PROFILE!, `register-${algorithm}.${kind}profile`), JSON.stringify(await stopProfile()));
      console.log(
        `REGISTER ${algorithm} over UDP: ${Math.round(r.perSecond as number)} registrations/s, ` +
          `failures ${((r.failureRate as number) * 100).toFixed(3)} % (${r.failed}), p50 ${(r.p50ms as number).toFixed(1)} ms, p99 ${(r.p99ms as number).toFixed(1)} ms` +
          `; server CPU ${((serverCpu / (r.registrations as number)) * 1e6).toFixed(0)} µs per registration, ` +
          `load generator CPU ${(r.loadGeneratorCpuSeconds as number).toFixed(1)} s of ${(r.seconds as number).toFixed(1)} s` +
          (r.failed ? ` ${JSON.stringify(r.failures)}` : ''),
      );
    }
  } finally {
    await server.kill('SIGTERM');
  }
}

await main();
