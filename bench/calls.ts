// Call setup through the B2BUA: INVITE/407/ACK/INVITE/100/180/200/ACK … BYE/200 on both legs, over
// UDP. Starts Hailing as its own process (HAILING_TEST_DIST=1 runs the compiled build), creates
// caller and callee extensions through the API, then drives two generator processes: callees that
// register and auto-answer (bench/calls-uas.ts) and callers placing calls open-loop
// (bench/calls-load.ts). `--target self` skips Hailing and has the callers call the UAS directly.
// Prints figures; asserts nothing. `--help` lists the options.
import { parseArgs } from 'node:util';
import type { HailingProcess } from '../test/helpers/hailing-process.js';
import { ChildRegistry, Generator, cpuSeconds, memMb, sleep } from './calls-process.js';
import type { LoadArgs, RunCommand, RunResult, UasArgs, UasStats } from './calls-protocol.js';
import { afterCalls, startBenchServer, type BenchServer } from './calls-server.js';
import type { DigestAlgorithm } from './calls-sip.js';

const HELP = `usage: node --import tsx bench/calls.ts [options]
  --target hailing|self    call through Hailing (default) or straight to the generator's own UAS
  --mode rate|ramp|both    one run at --rate, a saturation ramp, or both (default both)
  --rate N                 calls/s for the fixed-rate run (default 100)
  --duration S             seconds of arrivals in the fixed-rate run (default 20)
  --hold A-B               call hold time range in seconds before the caller's BYE (default 0-1)
  --arrival uniform|poisson  spacing of call arrivals (default uniform)
  --callers N --callees N  extensions on each side (default 200 and 500)
  --sources N              UDP sockets (loopback addresses) per side (default 32)
  --algorithm SHA-256|MD5  digest algorithm preferred from the challenges (default SHA-256)
  --ring-ms N              callee delay between 180 and 200 (default 0)
  --no-trying              callee sends no 100 Trying
  --timeout-ms N           a call phase that takes longer fails (default 8000)
  --ramp-start N --ramp-step N --ramp-max N   rates tried by the ramp (default 100, 100, 2000)
  --step-duration S        seconds of arrivals per ramp step (default 10)
  --max-p99-ms N           a ramp step whose INVITE→200 p99 exceeds this is not sustained (default 200)
  --warmup S               seconds of calls at 50/s before measuring, not reported (default 3; 0 skips)
  --settle-s S             wait after the last call before the final memory reading (default 35; 0 skips)
  --trunk                  after the fixed-rate run, the same rate again through a carrier trunk (an ip trunk
                           to the callee generator, a route for every number) and both figures side by side`;

const { values: o } = parseArgs({
  options: {
    target: { type: 'string', default: 'hailing' },
    mode: { type: 'string', default: 'both' },
    rate: { type: 'string', default: '100' },
    duration: { type: 'string', default: '20' },
    hold: { type: 'string', default: '0-1' },
    trunk: { type: 'boolean', default: false },
    arrival: { type: 'string', default: 'uniform' },
    callers: { type: 'string', default: '200' },
    callees: { type: 'string', default: '500' },
    sources: { type: 'string', default: '32' },
    algorithm: { type: 'string', default: 'SHA-256' },
    'ring-ms': { type: 'string', default: '0' },
    'no-trying': { type: 'boolean', default: false },
    'timeout-ms': { type: 'string', default: '8000' },
    'ramp-start': { type: 'string', default: '100' },
    'ramp-step': { type: 'string', default: '100' },
    'ramp-max': { type: 'string', default: '2000' },
    'step-duration': { type: 'string', default: '10' },
    'max-p99-ms': { type: 'string', default: '200' },
    warmup: { type: 'string', default: '3' },
    'settle-s': { type: 'string', default: '35' },
    help: { type: 'boolean', default: false },
  },
});
if (o.help) {
  console.log(HELP);
  process.exit(0);
}
const num = (name: keyof typeof o) => {
  const v = Number(o[name]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
  return v;
};
for (const k of ['rate', 'ramp-start', 'ramp-step', 'callers', 'callees'] as const) if (num(k) <= 0) throw new Error(`--${k} must be positive`);
const holdParts = String(o.hold).split('-').map(Number);
const holdMin = holdParts[0] ?? NaN;
const holdMax = holdParts[1] ?? holdMin;
if (!Number.isFinite(holdMin) || !Number.isFinite(holdMax) || holdMax < holdMin) throw new Error('--hold must be S or A-B seconds');
if (!['hailing', 'self'].includes(o.target!) || !['rate', 'ramp', 'both'].includes(o.mode!) || !['uniform', 'poisson'].includes(o.arrival!)) {
  throw new Error(`bad --target, --mode or --arrival\n${HELP}`);
}
if (o.algorithm !== 'SHA-256' && o.algorithm !== 'MD5') throw new Error('--algorithm must be SHA-256 or MD5');
const algorithm: DigestAlgorithm = o.algorithm;

const FIRST_CALLER = 300000;
const FIRST_CALLEE = 400000;
const PASSWORD_PREFIX = 'bench-call-';

interface Step {
  rate: number;
  r: RunResult;
  serverCpu: number;
  uas: UasStats;
  calleeCpu: number;
  rss: number;
  peak: number;
  wall: number;
}

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
const lat = (s: RunResult['inviteTo180']) => `p50 ${f(s.p50, 2)}  p95 ${f(s.p95, 2)}  p99 ${f(s.p99, 2)}  max ${f(s.max, 1)} ms (n=${s.n})`;

function serverCpu(s: Step, idleCores: number): string {
  const perCall = (cpu: number) => f((cpu / Math.max(1, s.r.attempted)) * 1000, 3);
  return `CPU ${perCall(s.serverCpu)} ms per call (${perCall(Math.max(0, s.serverCpu - idleCores * s.wall))} ms above idle), ${f((100 * s.serverCpu) / s.wall, 0)} % of a core over ${f(s.wall)} s`;
}

function report(s: Step, serverPid: number | undefined, idleCores: number) {
  const { r, uas } = s;
  const fails = r.failed ? ` ${JSON.stringify(r.failures)}` : '';
  console.log(
    `rate ${s.rate}/s, ${r.attempted} calls: completed ${r.completed}, failed ${r.failed}${fails}; setup ${f(r.setupPerSecond)} calls/s; ` +
      `run ${f(r.seconds)} s`,
  );
  console.log(`  INVITE→180        ${lat(r.inviteTo180)}   (from the authenticated INVITE)`);
  console.log(`  INVITE→200        ${lat(r.inviteTo200)}`);
  console.log(`  1st INVITE→180    ${lat(r.firstInviteTo180)}   (from the unauthenticated INVITE: includes the 407 round)`);
  console.log(`  1st INVITE→200    ${lat(r.firstInviteTo200)}`);
  console.log(`  BYE→200           ${lat(r.byeTo200)}`);
  if (serverPid !== undefined) {
    console.log(
      `  server: ${serverCpu(s, idleCores)}, ` +
        `RSS ${f(s.rss)} MB (peak ${f(s.peak)} MB)`,
    );
  }
  console.log(
    `  generators: caller CPU ${f(r.loadCpuSeconds)} s (event-loop delay p99 ${f(r.loopDelayP99Ms, 1)} ms), callee CPU ${f(s.calleeCpu)} s; INVITE retransmissions ${r.inviteRetransmissions}, 200 before any 180 ${r.no180} (180 after the 200: ${r.late180}); ` +
      `callee saw ${uas.invites} INVITEs (${uas.inviteRetransmissions} retransmitted), ${uas.acks} ACKs, ${uas.byes} BYEs, ${uas.cancels} CANCELs, ` +
      `${uas.okRetransmissions} 2xx retransmissions, ${uas.noAck} without ACK, ${uas.unknownDialog} unknown dialog` +
      (Object.keys(uas.rejected).length ? `, rejected ${JSON.stringify(uas.rejected)}` : ''),
  );
}

/** An ip trunk to the callee generator's first socket and a dial plan entry sending every number through it. */
async function throughTrunk(server: HailingProcess, carrier: { host: string; port: number }): Promise<void> {
  const must = async (method: string, path: string, body: unknown) => {
    const r = await server.api<Record<string, unknown>>(method, path, body);
    if (r.status !== 201) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const trunk = await must('POST', '/api/v1/trunks', { name: 'bench-carrier', kind: 'ip', host: carrier.host, port: carrier.port, transport: 'udp', addresses: [carrier.host], maxCalls: 10_000, optionsIntervalS: 0 });
  const route = await must('POST', '/api/v1/routes', { name: 'bench', patterns: [{ pattern: '_X.' }], trunks: [trunk['id']], permission: 'internal' });
  await must('POST', '/api/v1/dialplan', { pattern: '_X.', permission: null, steps: [{ kind: 'route', route: route['id'] }] });
}

async function main() {
  const registry = new ChildRegistry();
  let bench: BenchServer | undefined;
  let server: HailingProcess | undefined;
  const callers = num('callers');
  const callees = num('callees');
  const sources = Math.max(1, num('sources'));
  try {
    if (o.target === 'hailing') {
      const t0 = Date.now();
      const numbers = [
        ...Array.from({ length: callers }, (_, i) => FIRST_CALLER + i),
        ...Array.from({ length: callees }, (_, i) => FIRST_CALLEE + i),
      ].map(String);
      bench = await startBenchServer({ numbers, passwordPrefix: PASSWORD_PREFIX, onPid: (pid) => registry.add(pid) });
      server = bench.server;
      console.log(`Hailing pid ${server.pid} (${process.env.HAILING_TEST_DIST === '1' ? 'compiled build' : 'TypeScript under tsx'}), SIP udp 127.0.0.1:${server.ports.sip}`);
      console.log(`${callers} caller and ${callees} callee extensions created; ${f((Date.now() - t0) / 1000)} s with the server's start`);
    }
    const domain = '127.0.0.1';
    const uasArgs: UasArgs = {
      server: server ? { host: '127.0.0.1', port: server.ports.sip } : undefined,
      domain, firstCallee: FIRST_CALLEE, callees, passwordPrefix: PASSWORD_PREFIX, sources, algorithm,
      ringMs: num('ring-ms'), trying: !o['no-trying'], selfAuth: server ? undefined : { realm: domain },
    };
    const uas = new Generator({ file: 'calls-uas.ts', args: uasArgs, registry });
    const ready = await uas.next<{ registered: number; targets: { host: string; port: number }[] }>('ready');
    if (server) {
      console.log(`${ready.registered} of ${callees} callees registered`);
      if (ready.registered < callees) throw new Error('not every callee registered');
    }
    const loadArgs: LoadArgs = {
      targets: server ? [{ host: '127.0.0.1', port: server.ports.sip }] : ready.targets,
      domain, firstCaller: FIRST_CALLER, callers, firstCallee: FIRST_CALLEE, callees, passwordPrefix: PASSWORD_PREFIX, sources, algorithm,
      timeoutMs: num('timeout-ms'),
    };
    const uac = new Generator({ file: 'calls-load.ts', args: loadArgs, registry });
    await uac.next('ready');
    const serverPid = server?.pid;
    // the idle server's own CPU use (timers, keepalives), so per-call figures at low rates can be read
    let idleCores = 0;
    let idleHeapMb = NaN;
    if (serverPid && bench) {
      const c0 = cpuSeconds(serverPid);
      await sleep(3000);
      idleCores = (cpuSeconds(serverPid) - c0) / 3;
      idleHeapMb = await bench.heapMb();
    }
    const idleRssMb = serverPid ? memMb(serverPid, 'VmRSS') : NaN;
    console.log(
      `target ${o.target}; hold ${holdMin}–${holdMax} s, ${o.arrival} arrivals, digest ${algorithm}, callee ${o['no-trying'] ? '180' : '100+180'} then 200 after ${num('ring-ms')} ms; ` +
        `${sources} sockets per side; idle server RSS ${f(idleRssMb)} MB, V8 heap ${f(idleHeapMb)} MB after a full GC, CPU ${f(100 * idleCores, 1)} % of a core`,
    );

    let placed = 0;
    let uasBefore = (await uas.next<{ stats: UasStats }>('stats', { type: 'stats' })).stats;
    const step = async (rate: number, durationS: number, quiet = false): Promise<Step> => {
      const cpu0 = serverPid ? cpuSeconds(serverPid) : 0;
      const t0 = Date.now();
      const cmd: RunCommand = { type: 'run', rate, durationS, holdMinMs: holdMin * 1000, holdMaxMs: holdMax * 1000, arrival: o.arrival as RunCommand['arrival'] };
      const { result } = await uac.next<{ result: RunResult }>('result', cmd);
      placed += result.attempted;
      // a moment for the last BYEs' CDR writes before reading the server's CPU
      await sleep(1000);
      const wall = (Date.now() - t0) / 1000;
      const after = (await uas.next<{ stats: UasStats }>('stats', { type: 'stats' })).stats;
      const d = (k: keyof UasStats) => (after[k] as number) - (uasBefore[k] as number);
      const delta: UasStats = {
        invites: d('invites'), inviteRetransmissions: d('inviteRetransmissions'), answered: d('answered'), acks: d('acks'), byes: d('byes'),
        cancels: d('cancels'), okRetransmissions: d('okRetransmissions'), noAck: d('noAck'), unknownDialog: d('unknownDialog'),
        rejected: after.rejected, cpuSeconds: d('cpuSeconds'),
      };
      uasBefore = after;
      const s: Step = {
        rate, r: result, uas: delta, calleeCpu: delta.cpuSeconds, wall,
        serverCpu: serverPid ? cpuSeconds(serverPid) - cpu0 : 0,
        rss: serverPid ? memMb(serverPid, 'VmRSS') : NaN,
        peak: serverPid ? memMb(serverPid, 'VmHWM') : NaN,
      };
      if (!quiet) report(s, serverPid, idleCores);
      return s;
    };

    if (num('warmup') > 0) {
      // JIT and caches warm on both sides before anything is measured
      const w = await step(50, num('warmup'), true);
      console.log(`warm-up: ${w.r.completed} of ${w.r.attempted} calls completed${w.r.failed ? `, failures ${JSON.stringify(w.r.failures)}` : ''}`);
      await sleep(1000);
    }

    // fixed rate, then the saturation ramp (as --mode asks); once direct, then through the trunk
    const runs = async (how: string): Promise<{ fixed?: Step; best?: Step }> => {
      let fixed: Step | undefined;
      if (o.mode !== 'ramp') {
        console.log(`== fixed rate${how}: ${num('rate')} calls/s for ${num('duration')} s`);
        fixed = await step(num('rate'), num('duration'));
      }
      const best = o.mode !== 'rate' ? await ramp(step) : undefined;
      if (best && serverPid) console.log(`  at ${best.rate} calls/s the server used ${serverCpu(best, idleCores)}`);
      return { ...(fixed ? { fixed } : {}), ...(best ? { best } : {}) };
    };
    const direct = await runs('');
    if (o.trunk && server) {
      await throughTrunk(server, ready.targets[0]!);
      await sleep(2000);
      const trunked = await runs(' through a carrier trunk');
      const line = (label: string, x: { fixed?: Step; best?: Step }) =>
        `  ${label}: ` +
        (x.fixed ? `at ${x.fixed.rate}/s offered ${f(x.fixed.r.setupPerSecond)} set up, INVITE→180 p95 ${f(x.fixed.r.inviteTo180.p95, 2)} ms, INVITE→200 p95 ${f(x.fixed.r.inviteTo200.p95, 2)} ms, failed ${x.fixed.r.failed}` : '') +
        (x.best ? `${x.fixed ? '; ' : ''}sustained ${x.best.rate >= num('ramp-max') ? '≥ ' : ''}${x.best.rate} calls/s` : '');
      console.log(`== side by side (same run)\n${line('extension → extension', direct)}\n${line('extension → trunk     ', trunked)}`);
    }
    if (bench) await afterCalls({ bench, settleS: num('settle-s'), placed, idleHeapMb, idleRssMb });
    await uac.stop();
    await uas.stop();
  } finally {
    await server?.kill('SIGTERM');
  }
}

/**
 * Saturation: raise the rate until a step is not sustained, then bisect between the last sustained
 * rate and the first that was not. Sustained means every call completed, none failed, 200s arrived
 * at ≥ 95 % of the offered rate and the INVITE→200 p99 stayed under --max-p99-ms. A step that
 * misses is run once more before it counts, so one scheduling hiccup on a shared machine does not
 * end the ramp.
 */
async function ramp(step: (rate: number, durationS: number) => Promise<Step>): Promise<Step | undefined> {
  const start = num('ramp-start');
  const inc = Math.max(1, num('ramp-step'));
  const max = num('ramp-max');
  const dur = num('step-duration');
  const maxP99 = num('max-p99-ms');
  console.log(`== saturation ramp: ${start}, +${inc} … ${max} calls/s, ${dur} s per step, sustained = 0 failures, setup ≥ 95 % of offered, INVITE→200 p99 ≤ ${maxP99} ms`);
  const ok = (s: Step) =>
    s.r.failed === 0 && s.r.completed === s.r.attempted && s.r.setupPerSecond >= 0.95 * s.rate && s.r.inviteTo200.p99 <= maxP99;
  const attempt = async (rate: number): Promise<Step | undefined> => {
    for (let i = 0; i < 2; i++) {
      if (i > 0) console.log(`  (not sustained; running ${rate}/s once more)`);
      const s = await step(rate, dur);
      await sleep(2000);
      if (ok(s)) return s;
    }
    return undefined;
  };
  let best: Step | undefined;
  let failedAt: number | undefined;
  for (let rate = start; rate <= max; rate += inc) {
    const s = await attempt(rate);
    if (!s) {
      failedAt = rate;
      break;
    }
    best = s;
  }
  let lo = best?.rate ?? 0;
  let hi = failedAt;
  while (hi !== undefined && hi - lo > Math.max(10, inc / 4)) {
    const mid = Math.round((lo + hi) / 2);
    const s = await attempt(mid);
    if (s) {
      lo = mid;
      best = s;
    } else hi = mid;
  }
  if (!best) console.log(`maximum sustained call rate: below ${start} calls/s`);
  else {
    console.log(
      `maximum sustained call rate: ${hi === undefined ? '≥ ' : ''}${best.rate} calls/s` +
        (hi !== undefined ? ` (${hi} calls/s was not sustained)` : ` (the ramp stopped at --ramp-max)`) +
        `; at that rate INVITE→180 p95 ${f(best.r.inviteTo180.p95, 2)} ms`,
    );
  }
  return best;
}

await main();
