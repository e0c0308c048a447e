// Recordings: C relayed PCMU calls, each recorded in stereo WAV (startRecording: caller left,
// callee right) into a temp dir that is deleted after; the phones send a 400 Hz tone every 20 ms
// both ways. One run measures each encryption-at-rest setting in turn (off, AES-256-GCM, SM4-CTR +
// HMAC-SM3), each on a fresh engine, and prints the relay's loss, the engine's CPU per packet and
// the recordings' droppedFrames against the issue's target (≥ 500 concurrent stereo recordings
// without loss); asserts nothing.
//   flock /tmp/bench.lock npx tsx bench/recording.ts --calls 500 --seconds 15 [--workers N] [--generators G] [--profiles off,aes-256-gcm,sm4-ctr-hmac-sm3]
// MEDIA_CPU_PROF=DIR writes a .cpuprofile per engine thread into DIR (see bench/transcode-profile.ts).
import { runMediaBench, type MediaBenchOptions } from './transcode-harness.js';
import { arg, cpuPerPacketUs, reportLines } from './transcode-report.js';

const CALLS = arg('calls', 500);
type Profile = NonNullable<MediaBenchOptions['seal']>;
const flag = process.argv.indexOf('--profiles');
const PROFILES = (flag > 0 ? (process.argv[flag + 1] ?? '') : 'off,aes-256-gcm,sm4-ctr-hmac-sm3').split(',') as Profile[];

async function main(): Promise<void> {
  const summary: string[] = [];
  for (const seal of PROFILES) {
    const figures = await runMediaBench({
      scenario: 'record',
      groups: CALLS,
      seconds: arg('seconds', 15),
      workers: arg('workers', 0),
      generators: arg('generators', 1),
      portMin: arg('port-min', 20000),
      seal,
      ...(process.env.MEDIA_CPU_PROF ? { cpuProfileDir: process.env.MEDIA_CPU_PROF } : {}),
    });
    console.log(`encryption at rest: ${seal}`);
    console.log(reportLines(figures, { unit: 'calls', units: CALLS }).join('\n'));
    const loss = figures.expected === 0 ? 0 : ((figures.expected - figures.received) / figures.expected) * 100;
    summary.push(`  ${seal.padEnd(18)} ${cpuPerPacketUs(figures).toFixed(2)} µs CPU per packet, loss ${loss.toFixed(3)} %, droppedFrames ${figures.recordings?.droppedFrames ?? 0}, ${figures.recordings?.failed ?? 0} failed`);
  }
  console.log(`summary (${CALLS} concurrent stereo recordings):\n${summary.join('\n')}`);
  console.log(`  target                ≥ 500 concurrent stereo recordings, droppedFrames 0, no packet loss`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
