// On-device speech figures (issue 13): Silero v5 VAD chunks per second on one core at 8 kHz
// (onnxruntime-node, one intra-op thread, as the speech process runs it), and espeak-ng's time to
// first audio and to the whole prompt for a 20-character prompt. Prints figures; asserts nothing.
//   npx tsx bench/speech.ts [--seconds 20] [--runs 10]
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { SileroVad } from '../server/speech/vad/silero.js';
import { EspeakTts } from '../server/speech/tts/espeak.js';
import { espeak } from '../server/speech/testing/audio.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 20);
const RUNS = arg('runs', 10);
const out = (line: string): void => void process.stdout.write(`${line}\n`);

async function vad(): Promise<void> {
  // speech and silence alternating, as a call leg carries it
  const said = espeak({ text: 'thank you for calling, please hold the line', rate: 8000 });
  const pcm = new Int16Array(8000 * SECONDS);
  for (let o = 0; o < pcm.length; o += said.length + 8000) pcm.set(said.subarray(0, Math.min(said.length, pcm.length - o)), o);
  const v = await SileroVad.create({ rate: 8000 });
  const n = v.chunkSamples;
  for (let i = 0; i < 50; i++) await v.probability(pcm.subarray(i * n, (i + 1) * n)); // warm-up
  v.reset();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let chunks = 0;
  for (let i = 0; i + n <= pcm.length; i += n, chunks++) await v.probability(pcm.subarray(i, i + n));
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  await v.release();
  const perCpuS = chunks / cpuS;
  out(`VAD (Silero v5, 8 kHz, ${n}-sample/${v.chunkMs} ms chunks): ${chunks} chunks of ${SECONDS} s audio in ${wallS.toFixed(2)} s wall, ${cpuS.toFixed(2)} s CPU`);
  out(`  ${perCpuS.toFixed(0)} chunks per CPU-second = ${((perCpuS * v.chunkMs) / 1000).toFixed(0)}x real time per core, i.e. ~${Math.floor((perCpuS * v.chunkMs) / 1000)} concurrent legs per core`);
}

async function tts(): Promise<void> {
  const text = 'Please hold the line'; // 20 characters
  const engine = new EspeakTts();
  const first: number[] = [];
  const whole: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    let t1 = 0;
    await engine.synthesize({ text, rate: 8000, onFirstAudio: () => void (t1 = performance.now()) });
    first.push(t1 - t0);
    whole.push(performance.now() - t0);
  }
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] as number;
  out(`TTS espeak-ng, "${text}" (${text.length} chars) at 8 kHz, ${RUNS} runs: time to first audio median ${med(first).toFixed(1)} ms (min ${Math.min(...first).toFixed(1)}), whole prompt median ${med(whole).toFixed(1)} ms`);
  out('  (first audio: espeak-ng\'s first WAV bytes past the header on its stdout; whole: process exit + resampling)');
  out('  neural voices (sherpa-onnx OfflineTts): not measured, none installed on this machine');
}

out(`host: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (load affects these figures)`);
await vad();
await tts();
