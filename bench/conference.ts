// Conferences: P participants in rooms of N (createRoom at 8 kHz, N PCMU endpoints joined), every
// phone sending a 400 Hz tone every 20 ms and hearing the mix of the others. Prints figures against
// the target (≥ 300 participants in conferences of 5); asserts nothing.
//   flock /tmp/bench.lock npx tsx bench/conference.ts --participants 300 --room-size 5 --seconds 15 [--workers N] [--generators G]
// MEDIA_CPU_PROF=DIR writes a .cpuprofile per engine thread into DIR (see bench/transcode-profile.ts).
import { runMediaBench } from './transcode-harness.js';
import { arg, reportLines } from './transcode-report.js';

const ROOM_SIZE = arg('room-size', 5);
const ROOMS = Math.ceil(arg('participants', 300) / ROOM_SIZE);

async function main(): Promise<void> {
  const figures = await runMediaBench({
    scenario: 'conference',
    groups: ROOMS,
    roomSize: ROOM_SIZE,
    seconds: arg('seconds', 15),
    workers: arg('workers', 0),
    generators: arg('generators', 1),
    portMin: arg('port-min', 20000),
    ...(process.env.MEDIA_CPU_PROF ? { cpuProfileDir: process.env.MEDIA_CPU_PROF } : {}),
  });
  console.log(reportLines(figures, { unit: 'participants', units: ROOMS * ROOM_SIZE }).join('\n'));
  console.log(`  rooms                 ${ROOMS} of ${ROOM_SIZE}; target ≥ 300 participants in conferences of 5 without loss`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
