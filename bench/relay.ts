// RTP relay load: C calls, each two engine endpoints connected, phones A and B on loopback sending
// G.711 (172-byte packets, 20 ms, 50/s) both ways for D seconds. The engine runs in its own process
// (bench/relay-engine.ts) so its CPU time and RSS are its own; phones run in G generator processes
// (bench/relay-load.ts). Prints figures against the targets; asserts nothing.
//   flock /tmp/bench.lock npx tsx bench/relay.ts --calls 1000 --seconds 20 [--workers N] [--node-generators G] [--sockets S]
// The phones are bench/rtp-phones.c (compiled here; S sockets, default 4) unless --node-generators G
// asks for G Node processes (bench/relay-load.ts), or no C compiler is installed.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { cpuSeconds, request as ask, startChild as start } from './children.js';
import { startCPhones, type CPhones, type PhonesDone } from './relay-cphones.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('calls', 1000);
const SECONDS = arg('seconds', 20);
const WORKERS = arg('workers', 0);
const NODE_GENERATORS = Math.min(arg('node-generators', 0), CALLS);
const SOCKETS = arg('sockets', 4);
const PORT_MIN = arg('port-min', 20000);
const PERIOD_MS = 20;
const BUCKET_MS = 0.01;

const request = <T>(child: Parameters<typeof ask>[0], command: object | null, reply: string): Promise<T> => ask<T>(child, command, reply, (SECONDS + 120) * 1000);

interface Totals {
  received: number;
  sent: number;
  dropped: number;
}
/** the phones of the run: the C generator, or Node generator processes */
interface Phones {
  readonly ports: number[];
  readonly describe: string;
  run(targets: number[], startEpochMs: number): Promise<PhonesDone[]>;
}

function nodePhones(children: { kill(): void }[], count: number): Promise<Phones> {
  // generator g runs calls [g*C/G, (g+1)*C/G); its two sockets per call are phones A and B
  const shares = Array.from({ length: count }, (_, g) => Math.floor(((g + 1) * CALLS) / count) - Math.floor((g * CALLS) / count));
  const generators = shares.map((calls) => start('relay-load.ts', [String(calls * 2)]));
  children.push(...generators);
  return Promise.all(generators.map((g) => request<{ ports: number[] }>(g, null, 'ready'))).then((ready) => ({
    ports: ready.flatMap((r) => r.ports),
    describe: `${count} Node generator process${count === 1 ? '' : 'es'}`,
    run: (targets, startEpochMs) => {
      let offset = 0;
      return Promise.all(
        generators.map((g, i) => {
          const share = shares[i]!;
          const mine = targets.slice(offset * 2, (offset + share) * 2);
          const phaseOffset = (offset / CALLS) * PERIOD_MS;
          offset += share;
          return request<PhonesDone>(g, { type: 'run', targets: mine, startEpochMs, seconds: SECONDS, phaseOffset, phaseSpan: (share / CALLS) * PERIOD_MS }, 'done');
        }),
      );
    },
  }));
}

function cPhones(phones: CPhones, children: { kill(): void }[]): Phones {
  children.push({
    kill: () => {
      try {
        process.kill(phones.pid);
      } catch {
        // already exited after its report
      }
    },
  });
  // stream j (phone A of call j/2, or B) sends from socket j*S/N: the engine latches onto that one
  const streams = CALLS * 2;
  return {
    ports: Array.from({ length: streams }, (_, j) => phones.ports[Math.floor((j * phones.ports.length) / streams)]!),
    describe: `C generator (bench/rtp-phones.c, ${phones.ports.length} sockets)`,
    run: async (targets, startEpochMs) => [await phones.run({ targets, startEpochMs, seconds: SECONDS })],
  };
}

async function main(): Promise<void> {
  const portMax = PORT_MIN + Math.max(64, CALLS * 4 * 2);
  // RELAY_CPU_PROF=DIR writes a .cpuprofile per engine thread (workers included) into DIR
  const prof = process.env.RELAY_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RELAY_CPU_PROF}`] : [];
  const engine = start('relay-engine.ts', [JSON.stringify({ portMin: PORT_MIN, portMax, workers: WORKERS })], ['--expose-gc', ...prof]);
  const children: { exitCode?: number | null; kill(): void }[] = [engine];
  const killAll = setTimeout(() => children.forEach((c) => c.kill()), (SECONDS + 240) * 1000);
  killAll.unref();
  try {
    await request(engine, null, 'ready');
    const compiled = NODE_GENERATORS > 0 ? null : await startCPhones({ sockets: SOCKETS });
    // no C compiler: one Node generator, which shares the cores with the engine (see docs/decisions.md)
    if (compiled === null && NODE_GENERATORS === 0) console.log('no C compiler (cc): the phones run in Node (apt-get install -y gcc for bench/rtp-phones.c)');
    const phones = compiled === null ? await nodePhones(children, Math.max(1, NODE_GENERATORS)) : cPhones(compiled, children);
    const pairs: [number, number][] = Array.from({ length: CALLS }, (_, i) => [phones.ports[2 * i]!, phones.ports[2 * i + 1]!]);

    const rssBefore = (await request<{ rss: number }>(engine, { type: 'rss' }, 'rss')).rss;
    const created = await request<{ ports: [number, number][] }>(engine, { type: 'create', phones: pairs }, 'created');
    const rssAfter = (await request<{ rss: number }>(engine, { type: 'rss' }, 'rss')).rss;
    const before = await request<Totals>(engine, { type: 'totals' }, 'totals');

    const cpu0 = cpuSeconds(engine.pid!);
    // phone A of a call sends to endpoint A, phone B to endpoint B
    const done = await phones.run(created.ports.flat(), performance.timeOrigin + performance.now() + 200);
    const engineCpu = cpuSeconds(engine.pid!) - cpu0;
    const after = await request<Totals>(engine, { type: 'totals' }, 'totals');

    const histogram = new Float64Array(done[0]!.histogram.length);
    for (const d of done) d.histogram.forEach((n, i) => (histogram[i]! += n));
    const sent = done.reduce((n, d) => n + d.sent, 0);
    const received = done.reduce((n, d) => n + d.received, 0);
    const sendSeconds = Math.max(...done.map((d) => d.sendSeconds));
    const quantile = (q: number): number => {
      const want = Math.ceil(received * q);
      let seen = 0;
      for (let i = 0; i < histogram.length; i++) if ((seen += histogram[i]!) >= want) return i * BUCKET_MS;
      return NaN;
    };
    // the last bucket collects everything from 1 s up
    const ms = (q: number): string => (quantile(q) >= (histogram.length - 1) * BUCKET_MS ? '>1000' : quantile(q).toFixed(2));
    const engineIn = after.received - before.received;
    const relayed = after.sent - before.sent;
    const kbPerCall = (rssAfter - rssBefore) / 1024 / CALLS;
    console.log(
      [
        `relay bench: ${CALLS} calls (${CALLS * 2} endpoints), ${SECONDS} s, engine workers ${WORKERS || os.availableParallelism()}, phones: ${phones.describe}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}`,
        `packets sent by phones     ${sent} in ${sendSeconds.toFixed(1)} s (${(sent / sendSeconds).toFixed(0)}/s; planned ${((CALLS * 2 * 1000) / PERIOD_MS).toFixed(0)}/s)`,
        `packets into the engine    ${engineIn}, relayed ${relayed}, dropped ${after.dropped - before.dropped}`,
        `packets received by phones ${received}`,
        `loss end to end            ${(((sent - received) / sent) * 100).toFixed(3)} %  (target < 0.1 %; of it lost before the engine ${(((sent - engineIn) / sent) * 100).toFixed(3)} %, after it ${(((relayed - received) / sent) * 100).toFixed(3)} %)`,
        `latency p50/p95/p99        ${ms(0.5)} / ${ms(0.95)} / ${ms(0.99)} ms  (target p99 < 5 ms; ${compiled === null ? "includes the generators' own event-loop delay" : 'send to kernel arrival stamp'})`,
        `engine CPU per packet      ${((engineCpu * 1e6) / Math.max(1, relayed)).toFixed(2)} µs  (${engineCpu.toFixed(2)} s CPU; ${((engineCpu / sendSeconds) * 100).toFixed(0)} % of one core)`,
        `generator CPU              ${done.reduce((n, d) => n + d.cpuSeconds, 0).toFixed(2)} s`,
        `engine memory per call     ${kbPerCall.toFixed(1)} KB  (RSS ${(rssBefore / 2 ** 20).toFixed(1)} → ${(rssAfter / 2 ** 20).toFixed(1)} MB after GC; target ≤ 100 KB)`,
        `concurrent calls           ${CALLS}  (target ≥ 1000)`,
      ].join('\n'),
    );
    await request(engine, { type: 'close' }, 'closed');
  } finally {
    for (const c of children) if (c.exitCode === undefined || c.exitCode === null) c.kill();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
