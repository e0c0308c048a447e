// Shared driver of the media benches (transcode.ts, conference.ts, recording.ts): the engine runs in
// its own process (bench/transcode-engine.ts) so its CPU time and RSS are its own; phones run in G
// generator processes (bench/transcode-load.ts), one UDP socket per engine endpoint. Measures:
//   loss into the engine   phones' packets that the engine did not count (socket drops under load)
//   loss out of it         relayed: packets the phones sent − received; originated: RFC 3550 A.3 per phone
//                          (sequence numbers expected − packets received)
//   originated rate        packets the engine sent per endpoint per second (50 when every 20 ms tick ran)
//   arrival gaps           time between two packets of one stream at the phone (20 ms when smooth)
//   CPU per packet         engine CPU (all its threads) while phones sent ÷ packets it received
//   memory per call        engine RSS after GC, with the calls up after the traffic − before building them, ÷ calls
// Prints nothing itself and asserts nothing: the CLIs print the figures.
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { cpuSeconds, request, startChild as start } from './children.js';
import {
  GAP_BUCKET_MS,
  PERIOD_MS,
  type EngineTotals,
  type LoadCounts,
  type LoadSent,
  type PhoneCodec,
  type RecordingTotals,
  type Scenario,
} from './transcode-protocol.js';

export interface MediaBenchOptions {
  readonly scenario: Scenario;
  /** calls (relay, transcode, record) or rooms (conference) */
  readonly groups: number;
  readonly roomSize?: number;
  readonly seconds: number;
  readonly workers?: number;
  readonly generators?: number;
  readonly portMin?: number;
  /** a directory: the engine writes a .cpuprofile per thread there */
  readonly cpuProfileDir?: string;
  /** record: encryption at rest of the recordings (default off) */
  readonly seal?: 'aes-256-gcm' | 'sm4-ctr-hmac-sm3' | 'off';
}

export interface MediaBenchFigures {
  readonly options: MediaBenchOptions;
  readonly endpoints: number;
  readonly sent: number;
  readonly planned: number;
  readonly sendSeconds: number;
  readonly engineIn: number;
  readonly engineOut: number;
  readonly engineDropped: number;
  readonly originatedPerEndpoint: number;
  readonly received: number;
  readonly expected: number;
  /** the phones hear each other's packets (relay, record), not packets the engine originated */
  readonly relayed: boolean;
  readonly gapMs: { p50: number; p99: number; p999: number; max: number; over40: number; count: number };
  readonly wrongPayloadType: number;
  readonly silentPcmu: number;
  readonly pcmuPackets: number;
  readonly opusPackets: number;
  readonly opusBytes: number;
  readonly engineCpuSeconds: number;
  readonly generatorCpuSeconds: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly recordings: RecordingTotals | null;
  readonly loadAverage: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));


export function phoneCodecs(scenario: Scenario, groups: number, roomSize: number): PhoneCodec[] {
  const group: PhoneCodec[] = scenario === 'transcode' ? ['PCMU', 'opus'] : scenario === 'conference' ? Array<PhoneCodec>(roomSize).fill('PCMU') : ['PCMU', 'PCMU'];
  return Array.from({ length: groups }, () => group).flat();
}

export async function runMediaBench(options: MediaBenchOptions): Promise<MediaBenchFigures> {
  const roomSize = options.roomSize ?? 5;
  const codecs = phoneCodecs(options.scenario, options.groups, roomSize);
  const streams = codecs.length;
  const generators = Math.max(1, Math.min(options.generators ?? 1, streams));
  const portMin = options.portMin ?? 20000;
  const waitMs = (options.seconds + 120) * 1000;
  const prof = options.cpuProfileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const engine = start('transcode-engine.ts', [JSON.stringify({ portMin, portMax: portMin + Math.max(64, streams * 2 * 2), workers: options.workers ?? 0 })], prof);
  const children: ChildProcess[] = [engine];
  const killAll = setTimeout(() => children.forEach((c) => c.kill('SIGKILL')), (options.seconds + 240) * 1000);
  killAll.unref();
  try {
    await request(engine, null, 'ready', waitMs);
    // generator g runs streams [g*S/G, (g+1)*S/G)
    const bounds = Array.from({ length: generators + 1 }, (_, g) => Math.floor((g * streams) / generators));
    const loads = Array.from({ length: generators }, (_, g) => start('transcode-load.ts', [codecs.slice(bounds[g], bounds[g + 1]).join(',')]));
    children.push(...loads);
    const phones = (await Promise.all(loads.map((l) => request<{ ports: number[] }>(l, null, 'ready', waitMs)))).flatMap((p) => p.ports);

    const rss = async (): Promise<number> => (await request<{ rss: number }>(engine, { type: 'rss' }, 'rss', waitMs)).rss;
    const rssBefore = await rss();
    const created = await request<{ ports: number[] }>(engine, { type: 'create', scenario: options.scenario, roomSize, phones, codecs, ...(options.seal ? { seal: options.seal } : {}) }, 'created', waitMs);
    await sleep(500); // decoders, encoders and recorders are made by the workers after 'created'

    const before = await request<EngineTotals>(engine, { type: 'totals' }, 'totals', waitMs);
    const startEpochMs = performance.timeOrigin + performance.now() + 300;
    let cpu0 = 0;
    const cpuStart = setTimeout(() => (cpu0 = cpuSeconds(engine.pid!)), startEpochMs - performance.timeOrigin - performance.now());
    const sent = await Promise.all(
      loads.map((l, g) => {
        const share = bounds[g + 1]! - bounds[g]!;
        const command = {
          type: 'run',
          targets: created.ports.slice(bounds[g], bounds[g + 1]),
          startEpochMs,
          seconds: options.seconds,
          phaseOffset: (bounds[g]! / streams) * PERIOD_MS,
          phaseSpan: (share / streams) * PERIOD_MS,
        };
        return request<LoadSent>(l, command, 'sent', waitMs);
      }),
    );
    clearTimeout(cpuStart);
    const engineCpu = cpuSeconds(engine.pid!) - cpu0;
    await sleep(300); // packets still in flight
    const after = await request<EngineTotals>(engine, { type: 'totals' }, 'totals', waitMs);
    // with the calls still up and their buffers warm from the traffic
    const rssAfter = await rss();
    const counts = await Promise.all(loads.map((l) => request<LoadCounts>(l, { type: 'finish' }, 'counts', waitMs)));
    const recordings = options.scenario === 'record' ? await request<RecordingTotals>(engine, { type: 'stop-recordings' }, 'recordings', waitMs) : null;
    await request(engine, { type: 'close' }, 'closed', waitMs);

    const relayed = options.scenario === 'relay' || options.scenario === 'record';
    const sum = <T>(list: readonly T[], f: (x: T) => number): number => list.reduce((n, x) => n + f(x), 0);
    const gaps = new Float64Array(counts[0]!.gaps.length);
    for (const c of counts) c.gaps.forEach((n, i) => (gaps[i]! += n));
    const gapCount = sum(Array.from(gaps), (n) => n);
    const quantile = (q: number): number => {
      const want = Math.ceil(gapCount * q);
      let seen = 0;
      for (let i = 0; i < gaps.length; i++) if ((seen += gaps[i]!) >= want) return i * GAP_BUCKET_MS;
      return NaN;
    };
    let max = 0;
    let over40 = 0;
    gaps.forEach((n, i) => {
      if (n > 0) max = i * GAP_BUCKET_MS;
      if (i * GAP_BUCKET_MS > 40) over40 += n;
    });
    return {
      options,
      endpoints: streams,
      sent: sum(sent, (s) => s.sent),
      planned: sum(sent, (s) => s.planned),
      sendSeconds: Math.max(...sent.map((s) => s.sendSeconds)),
      engineIn: after.received - before.received,
      engineOut: after.sent - before.sent,
      engineDropped: after.dropped - before.dropped,
      originatedPerEndpoint: (after.sent - before.sent) / ((after.atEpochMs - before.atEpochMs) / 1000) / streams,
      received: sum(counts, (c) => c.received),
      // relayed packets: every one a phone sent (a sequence count misses a lost tail); originated: RFC 3550 A.3
      expected: relayed ? sum(sent, (s) => s.sent) : sum(counts, (c) => c.expected),
      relayed,
      gapMs: { p50: quantile(0.5), p99: quantile(0.99), p999: quantile(0.999), max, over40, count: gapCount },
      wrongPayloadType: sum(counts, (c) => c.wrongPayloadType),
      silentPcmu: sum(counts, (c) => c.silentPcmu),
      pcmuPackets: sum(counts, (c) => c.pcmuPackets),
      opusPackets: sum(counts, (c) => c.opusPackets),
      opusBytes: sum(counts, (c) => c.opusBytes),
      engineCpuSeconds: engineCpu,
      generatorCpuSeconds: sum(sent, (s) => s.cpuSeconds),
      rssBefore,
      rssAfter,
      recordings,
      loadAverage: os.loadavg()[0]!,
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill();
  }
}
