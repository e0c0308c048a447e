// Figures of a media bench run (bench/transcode-harness.ts) as lines of text; asserts nothing.
import os from 'node:os';
import type { MediaBenchFigures } from './transcode-harness.js';

const pct = (part: number, whole: number): string => (whole > 0 ? ((part / whole) * 100).toFixed(3) : 'n/a');
const ms = (v: number): string => (v >= 1000 ? '>1000' : v.toFixed(1));

/** engine CPU per packet received (each one also yields one packet out), µs */
export const cpuPerPacketUs = (f: MediaBenchFigures): number => (f.engineCpuSeconds * 1e6) / Math.max(1, f.engineIn);
/** engine RSS growth per call (per participant in a conference), KB */
export const kbPerUnit = (f: MediaBenchFigures, units: number): number => (f.rssAfter - f.rssBefore) / 1024 / units;

export function reportLines(f: MediaBenchFigures, options: { readonly unit: string; readonly units: number }): string[] {
  const o = f.options;
  const one = options.unit.replace(/s$/, '');
  const perUnitMs = (f.engineCpuSeconds * 1000) / (options.units * f.sendSeconds);
  const lines = [
    `${o.scenario}: ${options.units} ${options.unit} (${f.endpoints} endpoints), ${o.seconds} s, engine workers ${o.workers || os.availableParallelism()}, generators ${o.generators ?? 1}, ${os.availableParallelism()} CPUs, load average ${f.loadAverage.toFixed(1)}`,
    `  phones sent           ${f.sent} of ${f.planned} planned in ${f.sendSeconds.toFixed(1)} s (${(f.sent / f.sendSeconds).toFixed(0)}/s; planned ${((f.endpoints * 1000) / 20).toFixed(0)}/s)` +
      (f.sent < f.planned ? ' (the generator fell behind)' : ''),
    `  into the engine       ${f.engineIn}, loss on the way ${pct(f.sent - f.engineIn, f.sent)} %, dropped by latching/validity ${f.engineDropped}`,
    `  engine sent           ${f.engineOut}, ${f.originatedPerEndpoint.toFixed(2)} packets/s per endpoint (50 when every 20 ms frame went out)`,
    `  phones received       ${f.received} of ${f.expected} ${f.relayed ? 'the phones sent (end to end)' : 'expected by RTP sequence (after the engine)'}: loss ${pct(f.expected - f.received, f.expected)} %`,
    `  arrival gaps          p50 ${ms(f.gapMs.p50)} / p99 ${ms(f.gapMs.p99)} / p99.9 ${ms(f.gapMs.p999)} / max ${ms(f.gapMs.max)} ms; > 40 ms: ${f.gapMs.over40} (${pct(f.gapMs.over40, f.gapMs.count)} %)`,
    `  payloads              wrong payload type ${f.wrongPayloadType}; µ-law packets that are silence ${pct(f.silentPcmu, f.pcmuPackets)} %` +
      (f.opusPackets > 0 ? `; Opus ${f.opusPackets} packets, mean ${(f.opusBytes / f.opusPackets).toFixed(1)} bytes` : ''),
    `  engine CPU per packet ${cpuPerPacketUs(f).toFixed(2)} µs per packet in (its packet out included), ${((f.engineCpuSeconds * 1e6) / Math.max(1, f.engineOut)).toFixed(2)} µs per packet out; ${f.engineCpuSeconds.toFixed(2)} s CPU = ${((f.engineCpuSeconds / f.sendSeconds) * 100).toFixed(0)} % of one core`,
    `  ${`engine CPU per ${one}`.padEnd(21)} ${perUnitMs.toFixed(2)} ms per second of ${one} = ${(perUnitMs / 10).toFixed(2)} % of a core → one core ≈ ${(1000 / perUnitMs).toFixed(0)} ${options.unit} at this cost` +
      (!f.relayed && f.originatedPerEndpoint < 49 ? ` (the engine fell behind: it did ${((f.originatedPerEndpoint / 50) * 100).toFixed(0)} % of its frames, so this understates)` : ''),
    `  engine memory         ${kbPerUnit(f, options.units).toFixed(1)} KB per ${one} (RSS ${(f.rssBefore / 2 ** 20).toFixed(1)} → ${(f.rssAfter / 2 ** 20).toFixed(1)} MB after GC)`,
    `  generator CPU         ${f.generatorCpuSeconds.toFixed(2)} s`,
  ];
  const r = f.recordings;
  if (r !== null) {
    lines.push(
      `  recordings            ${r.count} finished, ${r.failed} failed${r.firstError === null ? '' : ` (${r.firstError})`}; droppedFrames ${r.droppedFrames}; ` +
        `durations ${(r.minDurationMs / 1000).toFixed(2)}..${(r.maxDurationMs / 1000).toFixed(2)} s of ${(r.wallMs / 1000).toFixed(2)} s running; ${(r.bytes / 2 ** 20).toFixed(1)} MB of WAV`,
    );
  }
  return lines;
}

export const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
