// Issue 18 §8 measured: `BENCH_CLIENTS` (16) clients guess the admin password in parallel for
// `BENCH_SECONDS` (20 s), then one client sends 200 wrong passwords at 5/s and the right one.
// Prints attempts per second answered, how many were really checked (401), the refusals (429/503)
// and Hailing's RSS before and at its peak. Asserts nothing.
import { rssMb } from './children.js';
import { ADMIN, startHailing } from '../test/helpers/hailing-process.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

async function attempt(baseUrl: string, password: string): Promise<number> {
  const r = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN.username, password }),
  });
  await r.arrayBuffer();
  return r.status;
}

async function main() {
  const server = await startHailing({});
  try {
    const before = rssMb(server.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 100);
    const statuses = new Map<number, number>();
    const end = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; Date.now() < end; i++) {
          const s = await attempt(server.baseUrl, `guess-${c}-${i}`);
          statuses.set(s, (statuses.get(s) ?? 0) + 1);
        }
      }),
    );
    clearInterval(sampler);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(`${CLIENTS} parallel clients, ${SECONDS} s: ${total} attempts answered (${(total / SECONDS).toFixed(1)}/s), ${statuses.get(401) ?? 0} passwords checked (${((statuses.get(401) ?? 0) / SECONDS).toFixed(2)}/s); statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    console.log(`RSS ${before.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB peak`);
    const serial = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const s = await attempt(server.baseUrl, `serial-${i}`);
      serial.set(s, (serial.get(s) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`200 wrong passwords in ~40 s: ${JSON.stringify(Object.fromEntries(serial))}; then the right one: ${await attempt(server.baseUrl, ADMIN.password)}`);
  } finally {
    await server.kill('SIGKILL');
  }
}

await main();
