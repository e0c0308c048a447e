// The media worker's share of live transcription: N relayed G.711 calls on one media worker, RTP
// phones on loopback in this process, run twice for the same time: without taps, then with a speech
// tap on both legs of every call writing to a Unix socket that another process reads and discards
// (as the speech process would read it). This process's CPU time (main thread, media worker, phones)
// is compared; the difference per call is what the taps cost (a decoder per leg on a relayed call,
// one 332-byte record per 20 ms frame per leg, the socket writes). Prints figures; asserts nothing.
//   npx tsx bench/speech-tap.ts [--calls 20] [--seconds 10]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerMediaEngine } from '../media/engine.js';
import { TestPhone, synth } from '../media/testing/phone.js';
import type { EndpointHandle, MediaFormat } from '../media/index.js';
import { freePortBlock } from '../test/helpers/ports.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('calls', 20);
const SECONDS = arg('seconds', 10);
const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };
const out = (line: string): void => void process.stdout.write(`${line}\n`);

const dir = mkdtempSync(join(tmpdir(), 'hailing-tap-bench-'));
const socket = join(dir, 'speech.sock');
// the reader: a separate process, as the speech process is
const reader = spawn(process.execPath, ['-e', `require('net').createServer((s) => s.on('data', () => {})).listen(${JSON.stringify(socket)}, () => console.log('ready'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((r) => reader.stdout!.once('data', () => r()));
const base = await freePortBlock(CALLS * 4 + 4);
const engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + CALLS * 4 + 3, workers: 1 });
await engine.start();
const audio = synth({ type: 'ul', seconds: SECONDS, effect: ['sine', '400'] });

async function run(taps: boolean): Promise<number> {
  const legs: { phone: TestPhone; endpoint: EndpointHandle }[] = [];
  for (let c = 0; c < CALLS; c++) {
    const pair: { phone: TestPhone; endpoint: EndpointHandle }[] = [];
    for (let l = 0; l < 2; l++) {
      const phone = await TestPhone.open();
      const endpoint = await engine.createEndpoint({ group: `c${c}` });
      endpoint.setRemote({ address: '127.0.0.1', rtpPort: phone.port });
      endpoint.setFormat(PCMU);
      pair.push({ phone, endpoint });
    }
    pair[0]!.endpoint.connect(pair[1]!.endpoint);
    legs.push(...pair);
  }
  if (taps) legs.forEach((l, i) => l.endpoint.startSpeechTap({ socket, stream: i + 1 }));
  const before = process.cpuUsage();
  await Promise.all(legs.map((l) => l.phone.stream({ to: l.endpoint.rtpPort, data: audio, payloadType: 0, bytesPerPacket: 160 })));
  const used = process.cpuUsage(before);
  if (taps) legs.forEach((l, i) => l.endpoint.stopSpeechTap(i + 1));
  for (const l of legs) {
    l.phone.close();
    await l.endpoint.close();
  }
  return (used.user + used.system) / 1000;
}

try {
  out(`host: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (load affects these figures); ${CALLS} relayed G.711 calls, ${SECONDS} s`);
  await run(false); // warm-up
  const off = await run(false);
  const on = await run(true);
  const perCall = (on - off) / CALLS / SECONDS;
  out(`  without taps ${off.toFixed(0)} ms CPU, with taps on both legs ${on.toFixed(0)} ms CPU`);
  out(`  the taps: ${perCall.toFixed(2)} ms CPU per second per call (${(perCall / 10).toFixed(3)} % of a core per two-leg call)`);
} finally {
  await engine.close();
  reader.kill();
  rmSync(dir, { recursive: true, force: true });
}
