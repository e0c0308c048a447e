// The Hailing side of the call-setup benchmark (bench/calls.ts): the server process with the
// settings this bench needs, its extensions, and what is read from it once the calls are over.
import { startHailing, type HailingProcess } from '../test/helpers/hailing-process.js';
import { collectGarbage, inspectorUrl } from './inspector-gc.js';
import { memMb, sleep } from './calls-process.js';

export interface BenchServer {
  readonly server: HailingProcess;
  /** V8 heap of the main thread after a full GC, MB */
  heapMb(): Promise<number>;
}

/** Starts Hailing and creates `numbers` as extensions, each with password prefix + number. */
export async function startBenchServer(o: { numbers: string[]; passwordPrefix: string; onPid: (pid: number) => void }): Promise<BenchServer> {
  // an inspector on a loopback port lets the bench force a full GC before memory readings
  // (bench/inspector-gc.ts); with no session attached it costs nothing
  process.env.HAILING_TEST_NODE_ARGS = [process.env.HAILING_TEST_NODE_ARGS, '--inspect=127.0.0.1:0'].filter(Boolean).join(' ');
  const server = await startHailing({
    env: {
      HAILING_LOG_LEVEL: 'warn',
      HAILING_RATE_LIMIT_PER_SECOND: '100000',
      HAILING_RATE_LIMIT_BURST: '100000',
      HAILING_BAN_MAX_FAILURES: '100000',
      // 4 ports per relayed call (RTP+RTCP on each leg), below Linux's ephemeral range
      HAILING_RTP_PORT_MIN: '10000',
      HAILING_RTP_PORT_MAX: '30000',
      // no RTP flows in this benchmark (the relay has its own); calls end by BYE only
      HAILING_MEDIA_TIMEOUT_MS: '0',
      // the trunk run (--trunk) places thousands of outbound calls from a few hundred extensions
      HAILING_OUTBOUND_CALLS_PER_MINUTE_PER_EXTENSION: '100000',
      HAILING_OUTBOUND_CALLS_PER_MINUTE: '1000000',
      HAILING_OUTBOUND_CONCURRENT_PER_EXTENSION: '10000',
      HAILING_OUTBOUND_CONCURRENT: '100000',
    },
  });
  o.onPid(server.pid);
  // one login first: parallel requests would each log in (an argon2 verification apiece)
  await server.token();
  for (let i = 0; i < o.numbers.length; i += 50) {
    const results = await Promise.all(
      o.numbers.slice(i, i + 50).map((n) => server.api('POST', '/api/v1/extensions', { number: n, password: `${o.passwordPrefix}${n}`, displayName: `Bench ${n}` })),
    );
    const bad = results.find((r) => r.status !== 201 && r.status !== 200);
    if (bad) throw new Error(`creating extensions: ${bad.status} ${JSON.stringify(bad.body)}`);
  }
  const heapMb = async () => {
    const url = inspectorUrl(server.output());
    return url === undefined ? NaN : (await collectGarbage(url)).usedMb;
  };
  return { server, heapMb };
}

/**
 * After the last call: wait out the transaction timers (RFC 3261 §17: Timer J and RFC 6026 Timer L
 * keep finished transactions 64*T1 = 32 s), then read memory after a full GC, so what remains is
 * what the server keeps for good; count the call records the API lists against the calls placed.
 */
export async function afterCalls(o: { bench: BenchServer; settleS: number; placed: number; idleHeapMb: number; idleRssMb: number }): Promise<void> {
  const { server } = o.bench;
  if (o.settleS > 0) {
    await sleep(o.settleS * 1000);
    const heap = await o.bench.heapMb();
    const rss = memMb(server.pid, 'VmRSS');
    console.log(
      `memory ${o.settleS} s after the last call, after a full GC: V8 heap ${heap.toFixed(1)} MB (idle ${o.idleHeapMb.toFixed(1)} MB, ` +
        `${((1024 * (heap - o.idleHeapMb)) / Math.max(1, o.placed)).toFixed(2)} kB per call placed), RSS ${rss.toFixed(1)} MB (idle ${o.idleRssMb.toFixed(1)} MB)`,
    );
  }
  const count = async (query: string) => {
    const r = await server.api<{ total?: number }>('GET', `/api/v1/cdrs?limit=1${query}`);
    return r.status === 200 ? String(r.body.total) : `HTTP ${r.status}`;
  };
  console.log(`call records: ${await count('')} listed, ${await count('&disposition=ANSWERED')} ANSWERED, for ${o.placed} calls placed (warm-up included)`);
  // the server runs at log level warn: group what it printed by message
  const byMsg = new Map<string, number>();
  for (const line of server.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg = line.slice(0, 120);
    try {
      msg = String((JSON.parse(line) as { msg?: unknown }).msg);
    } catch {
      /* not a JSON log line */
    }
    byMsg.set(msg, (byMsg.get(msg) ?? 0) + 1);
  }
  if (byMsg.size) console.log(`server log lines at warn and above: ${[...byMsg].map(([m, n]) => `${n}× "${m}"`).join(', ')}`);
}
