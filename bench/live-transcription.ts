// Live transcription's CPU cost per call leg in the speech process (issue 13): one leg's audio
// (espeak-ng digit strings between pauses, through G.711, about half of it speech) is written to
// the speech process's PCM socket as a media worker's tap writes it, and the child's CPU time
// (/proc/<pid>/stat) is read before and after: VAD alone, then VAD with recognition of each
// utterance (finals only, and with a partial every second). A call has two legs. The media
// worker's side (one 332-byte record per 20 ms frame) is not included. Prints figures; asserts nothing.
//   npx tsx bench/live-transcription.ts [--seconds 30]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../server/sip/index.js';
import { SherpaOfflineAsr, SpeechProcess, SpeechStreams } from '../server/speech/index.js';
import { espeak, throughG711 } from '../server/speech/testing/audio.js';
import { pcmRecord } from '../server/speech/worker/pcm-socket.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 30);
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const MODEL = fileURLToPath(new URL('../test/fixtures/speech/digits-tdnn', import.meta.url));
/** clock ticks per second of /proc's utime/stime (USER_HZ, 100 on Linux) */
const HZ = 100;

function cpuMs(pid: number): number {
  // fields after the command's closing parenthesis: state is field 3; utime 14, stime 15
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / HZ;
}

function legAudio(): Int16Array {
  const digits = ['4 8 2 1 5', '9 0 3 7', '6 2 7 3 1', '5 5 0 8'];
  const pcm = new Int16Array(8000 * SECONDS);
  let at = 4000;
  for (let i = 0; at < pcm.length; i++) {
    const said = espeak({ text: digits[i % digits.length]!, voice: 'en-us+f4', rate: 8000 });
    pcm.set(said.subarray(0, Math.min(said.length, pcm.length - at)), at);
    at += said.length + 8000 * 1.5;
  }
  return throughG711(pcm);
}

async function run(o: { speech: SpeechProcess; streams: SpeechStreams; pcm: Int16Array; asr: 'none' | 'finals' | 'partials' }): Promise<{ cpuMs: number; finals: number }> {
  let finals = 0;
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  let stream: number;
  let socket: string;
  if (o.asr === 'none') {
    // a stream nobody asked to recognise: VAD only
    stream = 100_000 + Math.floor(Math.random() * 1000);
    socket = o.speech.pcmSocket!;
    const off = o.speech.subscribe((e) => {
      if (e.event === 'stream-ended' && e.stream === stream) {
        off();
        ended();
      }
    });
  } else {
    const opened = await o.streams.open({
      partialEveryMs: o.asr === 'partials' ? 1000 : 0,
      onEvent: (e) => {
        if (e.event === 'asr-final') finals++;
        if (e.event === 'stream-ended') ended();
      },
    });
    stream = opened.stream;
    socket = opened.socket;
  }
  const pid = o.speech.pid!;
  const before = cpuMs(pid);
  const sock = connect(socket);
  await new Promise<void>((r) => sock.once('connect', () => r()));
  // 20 ms records at 4x real time: the VAD keeps up and nothing is dropped
  for (let i = 0; i < o.pcm.length; i += 160) {
    sock.write(pcmRecord({ stream, rate: 8000, pcm: o.pcm.subarray(i, i + 160) }));
    if ((i / 160) % 4 === 3) await new Promise((r) => setTimeout(r, 20));
  }
  sock.end(pcmRecord({ stream, rate: 8000, pcm: new Int16Array(0) }));
  await done;
  return { cpuMs: cpuMs(pid) - before, finals };
}

const root = mkdtempSync(join(tmpdir(), 'hailing-live-bench-'));
const speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
const streams = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: 'digits', dir: MODEL }) });
try {
  await speech.start();
  const pcm = legAudio();
  // warm-up: the model loads, onnxruntime's first runs
  await run({ speech, streams, pcm: pcm.subarray(0, 8000 * 5), asr: 'partials' });
  out(`host: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (load affects these figures); one leg of ${SECONDS} s, ~half speech`);
  for (const asr of ['none', 'finals', 'partials'] as const) {
    const r = await run({ speech, streams, pcm, asr });
    const perS = r.cpuMs / SECONDS;
    out(`  ${asr === 'none' ? 'VAD only          ' : asr === 'finals' ? 'VAD + finals      ' : 'VAD + partials 1 s'}: ${r.cpuMs.toFixed(0)} ms CPU = ${perS.toFixed(1)} ms per second of audio per leg (${(perS / 10).toFixed(2)} % of a core), ${(2 * perS / 10).toFixed(2)} % of a core per two-leg call${asr === 'none' ? '' : `; ${r.finals} finals`}`);
  }
} finally {
  await speech.close();
  rmSync(root, { recursive: true, force: true });
}
