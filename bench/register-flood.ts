// Issue 18 §9 measured: REGISTER with bogus Authorization from many loopback sources while a phone
// registers and a monitor pings OPTIONS (test/helpers/sip-flood.ts). Prints the phone's success,
// the pings answered and Hailing's RSS before, at its peak during, and after the flood.
// BENCH_SOURCES (100), BENCH_RATE (5000/s in all), BENCH_SECONDS (10); asserts nothing.
import { cpuSeconds, rssMb } from './children.js';
import { startHailing } from '../test/helpers/hailing-process.js';
import { runFlood } from '../test/helpers/sip-flood.js';

const SOURCES = Number(process.env.BENCH_SOURCES ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 5000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function main() {
  // the default log level (info), as an operator runs it
  const server = await startHailing({});
  try {
    const created = await server.api('POST', '/api/v1/extensions', { number: '1001', password: 'pw-1001-secret', displayName: 'phone' });
    if (created.status !== 201) throw new Error(`extension: ${created.status}`);
    const before = rssMb(server.pid);
    const cpu0 = cpuSeconds(server.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.pid))), 200);
    const r = await runFlood({ sipPort: server.ports.sip, realm: '127.0.0.1', user: '1001', password: 'pw-1001-secret', sources: SOURCES, ratePerSecond: RATE, durationMs: SECONDS * 1000 });
    clearInterval(sampler);
    const cpu = cpuSeconds(server.pid) - cpu0;
    const after = rssMb(server.pid);
    console.log(`flood: ${SOURCES} sources, ${r.floodSent} bogus REGISTERs (${RATE}/s offered for ${SECONDS} s)`);
    console.log(`phone: ${r.registered}/${r.registrations} registered (${((100 * r.registered) / r.registrations).toFixed(1)} %), failures ${JSON.stringify(r.failures)}`);
    console.log(`monitor: ${r.pingsAnswered}/${r.pings} OPTIONS answered`);
    console.log(`hailing: RSS ${before.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB peak, ${after.toFixed(0)} MiB after; ${cpu.toFixed(1)} CPU s`);
  } finally {
    await server.kill('SIGKILL');
  }
}

await main();
