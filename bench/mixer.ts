// Mixer and jitter buffer cost per 20 ms tick / per packet, on one core. Prints figures; asserts nothing.
//   flock /tmp/bench.lock node --import tsx bench/mixer.ts [--only mixer|jitter]
// Garbage collections seen while a loop runs are printed too: the hot paths should allocate nothing.
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Mixer, applyMonitor } from '../media/mixer/index.js';
import { JitterBuffer, JITTER_PLAY, type JitterPacket } from '../media/jitter/index.js';

let gcs = 0;
new PerformanceObserver((list) => {
  gcs += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

function conference(frameSamples: number, members: number, monitored = false): Mixer {
  const m = new Mixer({ frameSamples, capacity: Math.max(8, members) });
  const slots: number[] = [];
  for (let i = 0; i < members; i++) {
    const slot = m.add();
    slots.push(slot);
    const input = m.input(slot);
    for (let k = 0; k < frameSamples; k++) input[k] = Math.round(Math.sin((k * (i + 3)) / 7) * 8000);
  }
  if (monitored) applyMonitor(m, { supervisor: slots[members - 1]!, agent: slots[0]!, others: slots.slice(1, -1), mode: 'whisper' });
  return m;
}

/** µs per tick for `mixers` mixed one after the other, as a worker's tick would */
async function timeTicks(label: string, mixers: Mixer[], ticks: number): Promise<void> {
  for (let t = 0; t < 200; t++) for (const m of mixers) m.mix();
  await settle();
  gcs = 0;
  const start = performance.now();
  for (let t = 0; t < ticks; t++) for (let i = 0; i < mixers.length; i++) mixers[i]!.mix();
  const us = ((performance.now() - start) * 1000) / ticks;
  await settle();
  console.log(`${label.padEnd(44)} ${us.toFixed(2).padStart(9)} µs/tick  ${((us / 20000) * 100).toFixed(2).padStart(6)} % of a 20 ms tick  (${gcs} GCs)`);
}

async function mixers(): Promise<void> {
  console.log('== mixer: mix() per 20 ms tick');
  for (const rate of [8000, 16000, 48000]) {
    const frame = rate / 50;
    await timeTicks(`2 parties (transcoding) @ ${rate / 1000} kHz`, [conference(frame, 2)], 20000);
    await timeTicks(`conference of 5 @ ${rate / 1000} kHz`, [conference(frame, 5)], 20000);
    await timeTicks(`conference of 5, whisper monitor @ ${rate / 1000} kHz`, [conference(frame, 5, true)], 20000);
    await timeTicks(`300 participants (60 x 5) @ ${rate / 1000} kHz`, Array.from({ length: 60 }, () => conference(frame, 5)), rate === 48000 ? 500 : 2000);
    await timeTicks(`one conference of 60 @ ${rate / 1000} kHz`, [conference(frame, 60)], rate === 48000 ? 1000 : 4000);
  }
}

async function jitter(): Promise<void> {
  console.log('== jitter buffer: push + pop per packet (160-byte G.711 payloads)');
  const cases: [string, (i: number) => number][] = [
    ['in order', (i) => i],
    ['pairs swapped (every packet reordered or waited for)', (i) => i ^ 1],
  ];
  for (const [label, order] of cases) {
    const jb = new JitterBuffer({ clockRate: 8000, minDelayMs: 60 });
    const p: JitterPacket = { ssrc: 7, seq: 0, timestamp: 0, payload: new Uint8Array(172), offset: 12, length: 160, arrivalMs: 0, samples: 160 };
    const packets = 1_000_000;
    let played = 0;
    const run = (from: number, to: number): void => {
      for (let i = from; i < to; i++) {
        const n = order(i);
        p.seq = n & 0xffff;
        p.timestamp = (n * 160) >>> 0;
        p.arrivalMs = i * 20;
        jb.push(p);
        if (jb.pop() === JITTER_PLAY) played++;
      }
    };
    run(0, 20000);
    await settle();
    gcs = 0;
    const start = performance.now();
    run(20000, 20000 + packets);
    const ns = ((performance.now() - start) * 1e6) / packets;
    await settle();
    const s = jb.stats();
    console.log(`${label.padEnd(54)} ${ns.toFixed(0).padStart(6)} ns/packet  (${gcs} GCs; played ${played}, lost ${s.lost}, late ${s.late}, seq wrapped ${Math.floor((20000 + packets) / 65536)} times)`);
  }
}

// --only mixer | --only jitter
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only !== 'jitter') await mixers();
if (only !== 'mixer') await jitter();
