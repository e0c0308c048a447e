// Transcoded calls: each call one PCMU endpoint and one Opus endpoint (setFormat on both, then
// connect: the worker decodes and re-encodes both ways), phones sending PCMU and pre-encoded Opus
// every 20 ms. Then the same number of relayed PCMU calls, for memory and CPU per call compared.
// Prints figures against the targets (≥ 150 concurrent transcoded calls); asserts nothing.
//   flock /tmp/bench.lock npx tsx bench/transcode.ts --calls 150 --seconds 15 [--relay 1] [--workers N] [--generators G]
// MEDIA_CPU_PROF=DIR writes a .cpuprofile per engine thread into DIR (see bench/transcode-profile.ts).
import { runMediaBench, type MediaBenchFigures } from './transcode-harness.js';
import { arg, cpuPerPacketUs, kbPerUnit, reportLines } from './transcode-report.js';

const CALLS = arg('calls', 150);
const common = {
  groups: CALLS,
  seconds: arg('seconds', 15),
  workers: arg('workers', 0),
  generators: arg('generators', 1),
  portMin: arg('port-min', 20000),
  ...(process.env.MEDIA_CPU_PROF ? { cpuProfileDir: process.env.MEDIA_CPU_PROF } : {}),
};

async function main(): Promise<void> {
  const transcode = await runMediaBench({ ...common, scenario: 'transcode' });
  console.log(reportLines(transcode, { unit: 'calls', units: CALLS }).join('\n'));
  console.log(`  target                ≥ 150 concurrent transcoded calls without loss`);
  if (arg('relay', 1) === 0) return;
  const relay: MediaBenchFigures = await runMediaBench({ ...common, scenario: 'relay' });
  console.log(reportLines(relay, { unit: 'calls', units: CALLS }).join('\n'));
  console.log(
    `relay vs transcode per call: memory ${kbPerUnit(relay, CALLS).toFixed(1)} vs ${kbPerUnit(transcode, CALLS).toFixed(1)} KB; ` +
      `CPU per packet ${cpuPerPacketUs(relay).toFixed(2)} vs ${cpuPerPacketUs(transcode).toFixed(2)} µs`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
