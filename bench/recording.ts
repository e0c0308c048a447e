// Recordings: C relayed PCMU calls, each recorded in stereo WAV (startRecording: caller left,
// callee right) into a temp dir that is deleted after; the phones send a 400 Hz tone every 20 ms
// both ways. Prints the relay's loss and the recordings' droppedFrames against the issue's target
// (≥ 500 concurrent stereo recordings without loss); asserts nothing.
//   flock /tmp/bench.lock npx tsx bench/recording.ts --calls 500 --seconds 15 [--workers N] [--generators G]
// MEDIA_CPU_PROF=DIR writes a .cpuprofile per engine thread into DIR (see bench/transcode-profile.ts).
import { runMediaBench } from './transcode-harness.js';
import { arg, reportLines } from './transcode-report.js';

const CALLS = arg('calls', 500);

async function main(): Promise<void> {
  const figures = await runMediaBench({
    scenario: 'record',
    groups: CALLS,
    seconds: arg('seconds', 15),
    workers: arg('workers', 0),
    generators: arg('generators', 1),
    portMin: arg('port-min', 20000),
    ...(process.env.MEDIA_CPU_PROF ? { cpuProfileDir: process.env.MEDIA_CPU_PROF } : {}),
  });
  console.log(reportLines(figures, { unit: 'calls', units: CALLS }).join('\n'));
  console.log(`  target                ≥ 500 concurrent stereo recordings, droppedFrames 0, no packet loss`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
